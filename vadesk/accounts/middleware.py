"""Per-request context: the membership a person is acting in, and their language."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from vadesk.accounts.models import Membership

SESSION_KEY = "vadesk_membership"


class CurrentMembershipMiddleware:
    """Pick the organisation a person works in now; one person may belong to several."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        membership: Membership | None = None
        if request.user.is_authenticated:
            memberships = list(
                Membership.objects.filter(person=request.user, is_active=True)
                .select_related("organisation", "client")
                .order_by("organisation__name")
            )
            request.memberships = memberships  # type: ignore[attr-defined]
            chosen = request.session.get(SESSION_KEY)
            membership = next((m for m in memberships if m.pk == chosen), memberships[0] if memberships else None)
            request.membership = membership  # type: ignore[attr-defined]
            if membership and "vadesk_language" not in request.COOKIES and not request.path.startswith("/api/"):
                translation.activate(request.user.language)
                request.LANGUAGE_CODE = request.user.language
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Send settings.PERMISSIONS_POLICY (browser features no page uses, switched off) with every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
