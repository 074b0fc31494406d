"""Health and metrics for the machines around vadesk (load balancer, orchestrator, Prometheus)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from vadesk.ops.access import ops_allowed
from vadesk.ops.metrics import metrics_text
from vadesk.ops.readiness import readiness

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


def _refused() -> HttpResponse:
    return HttpResponse("forbidden\n", status=403, content_type="text/plain")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers; no database, so a database outage does not make every web process 'dead'."""
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    if not ops_allowed(request):
        return _refused()
    problems = readiness()
    if problems:
        return JsonResponse({"ready": False, "problems": problems}, status=503)
    return JsonResponse({"ready": True, "problems": {}})


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not ops_allowed(request):
        return _refused()
    return HttpResponse(metrics_text(), content_type=PROMETHEUS_TEXT)
