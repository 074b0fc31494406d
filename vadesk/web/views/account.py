"""Logging in, switching organisation and language, API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vadesk.accounts.middleware import SESSION_KEY
from vadesk.accounts.models import ApiToken
from vadesk.accounts.services import api_token_create, api_token_revoke
from vadesk.lib.pages import back, report_refusal
from vadesk.web.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm  # says so when the sign-in throttle refuses; addresses in any case
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        if language in dict(settings.LANGUAGES):
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
        return response


@require_POST
def set_language(request):
    """Switch the UI language and remember it for the person."""
    language = request.POST.get("language", "")
    response = back(request, "home")
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
    return response


@login_required
@require_POST
def switch_organisation(request):
    chosen = request.POST.get("membership", "")
    match = next((m for m in request.memberships if str(m.pk) == chosen), None)
    if match:
        request.session[SESSION_KEY] = match.pk
    return redirect("home")


@login_required
def tokens(request):
    secret = None
    if request.method == "POST":
        try:
            _token, secret = api_token_create(person=request.user, name=request.POST.get("name", ""))
        except ValidationError as error:
            report_refusal(request, error)
    return render(request, "web/tokens.html", {"tokens": request.user.api_tokens.all(), "secret": secret})


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, person=request.user)
    api_token_revoke(person=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("tokens")
