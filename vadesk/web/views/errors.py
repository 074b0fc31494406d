"""What a person sees when a request is refused, points at nothing or breaks: in their language, in the layout
they know (the staff pages or the portal), and never anything internal.

A page that does not exist and an object of another organisation answer the same 404 (nobody learns what exists
elsewhere); a 400 names the value vadesk could not read when vadesk itself refused it; the 500 page is rendered
without a request context, so that it cannot fail on what broke the request."""

from django.core.exceptions import BadRequest
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def bad_request(request, exception=None):
    # Only vadesk's own refusals (vadesk/lib/params.py) are written for the person; Django's (a host header, a
    # broken multipart body) may quote what the client sent or how the server is set up.
    said = str(exception) if type(exception) is BadRequest and exception.args else ""
    return _page(
        request,
        400,
        _("This request cannot be read"),
        said or _("The address or the form holds a value vadesk cannot read."),
    )


def permission_denied(request, exception=None):
    return _page(
        request,
        403,
        _("Not for you"),
        _("You may not open this page or do this. Ask the owner of your organisation if you think you should."),
    )


def page_not_found(request, exception=None):
    return _page(request, 404, _("Page not found"), _("This page does not exist, or it is not yours to see."))


def too_large(request, limit_mb: int):
    text = _("At most %(max)s MB can be sent at once. Nothing was saved.") % {"max": limit_mb}
    return _page(request, 413, _("This is too large"), text)


def server_error(request):
    return HttpResponseServerError(loader.get_template("web/error_500.html").render())


def _page(request, status: int, title: str, text: str) -> HttpResponse:
    membership = getattr(request, "membership", None)
    in_portal = membership is not None and not membership.is_staff_member
    base = "portal/base.html" if in_portal else "web/base.html"
    home = "portal:home" if in_portal else "home"
    return render(
        request,
        "web/error.html",
        {"base": base, "status": status, "title": title, "text": text, "home": home},
        status=status,
    )
