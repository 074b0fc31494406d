"""Signing in to the portal with a one-time link by e-mail, besides the password (issue 11.6)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from vadesk.accounts.middleware import SESSION_KEY
from vadesk.accounts.signin_links import signin_link_check, signin_link_request, signin_link_use
from vadesk.accounts.throttle import client_address
from vadesk.portal.jobs import SECRET, signin_link_job


class LinkForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)


@never_cache
def link_request(request):
    """Ask for a sign-in link; every address gets the same answer, so the page tells nobody who has an account."""
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            signin_link_request(email=email, address=client_address(request))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            url = request.build_absolute_uri(reverse("portal:signin_link", args=["x"])).replace("/x/", f"/{SECRET}/")
            # Every address gets the job: whether it has an account is the job's question, not the answer's.
            transaction.on_commit(lambda: signin_link_job.enqueue(email=email, url=url))
            messages.success(
                request,
                _(
                    "If %(email)s belongs to a portal account, a sign-in link is on its way. "
                    "It works once, within %(minutes)s minutes."
                )
                % {"email": email, "minutes": settings.SIGNIN_LINK_MINUTES},
            )
            return redirect("portal:signin")
    return render(request, "portal/signin.html", {"form": form})


@never_cache
def link_use(request, secret: str):
    """The link from the e-mail: a page with one button, so that a mail scanner opening the link does not use it."""
    try:
        if request.method == "POST":
            person, membership = signin_link_use(secret)
        else:
            signin_link_check(secret)
            return render(request, "portal/signin_link.html", {"error": ""})
    except ValidationError as error:
        status = 404 if error.code == "invalid" else 410
        return render(request, "portal/signin_link.html", {"error": " ".join(error.messages)}, status=status)
    login(request, person, backend=settings.AUTHENTICATION_BACKENDS[0])
    request.session[SESSION_KEY] = membership.pk
    response = redirect("portal:home")
    if person.language in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, person.language, max_age=365 * 24 * 3600, samesite="Lax")
    return response
