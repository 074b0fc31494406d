"""The request id: taken from the proxy's X-Request-ID when it is sane, else made; in every log line and the answer."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from vadesk.ops.logs import request_id_var
from vadesk.ops.metrics import request_observe

HEADER = "X-Request-ID"
# A proxy's id is honoured if it is short and plain (no spaces or control characters to forge log lines with).
SANE = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")

log = logging.getLogger("vadesk.requests")


def request_id_of(request: HttpRequest) -> str:
    offered = request.headers.get(HEADER, "")
    return offered if SANE.fullmatch(offered) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost middleware: sets the id for the request's log lines, answers with it, counts and times the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_of(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            response[HEADER] = request_id
            match = request.resolver_match
            view = match.view_name if match else "<unmatched>"
            request_observe(method=request.method or "", view=view, status=response.status_code, seconds=seconds)
            log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "view": view,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
