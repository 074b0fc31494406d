"""A request body is bounded before anything reads it.

Django bounds a form's fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams uploaded files to disk whatever their
size. This refuses any body declared larger than VADESK_MAX_REQUEST_MB (30 MB unless configured: above the
largest upload vadesk takes, a 25 MB bank statement) with a 413, before the CSRF check or a view parses it.
A body without a Content-Length is never read by Django's WSGI handler."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from vadesk.web.views.errors import too_large


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.MAX_REQUEST_BYTES:
            limit = settings.MAX_REQUEST_BYTES // 1024 // 1024
            if request.path.startswith("/api/"):
                detail = _("The request body is too large: at most %(max)s MB is accepted.") % {"max": limit}
                return JsonResponse({"detail": detail}, status=413)
            return too_large(request, limit)
        return self.get_response(request)
