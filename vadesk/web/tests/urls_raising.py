"""The real URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def refused_by_vadesk(request):
    raise BadRequest("The address holds a value for “week” that vadesk cannot read.")


def refused_by_django(request):
    raise SuspiciousOperation("Invalid HTTP_HOST header: 'internal-db.corp:5432'")


def broken(request):
    raise RuntimeError("secret-token-1234 in a traceback")


urlpatterns = [
    path("raise/vadesk-400/", refused_by_vadesk),
    path("raise/django-400/", refused_by_django),
    path("raise/500/", broken),
    *urlpatterns,
]
