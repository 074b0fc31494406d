"""One error shape for the whole API.

Every 422 carries ninja's `detail` list and an `errors` map of field → messages, whether
the input failed the schema or a service refused it. Messages come from the services
through gettext, so they follow the request's Accept-Language.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError


class Error(Schema):
    detail: str


class FieldErrors(Schema):
    """`detail` in ninja's shape; `errors` maps each field (or `__all__`) to its messages."""

    detail: list[dict[str, Any]]
    errors: dict[str, list[str]]


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers every operation can give to an OpenAPI document."""
    definitions = schema.setdefault("components", {}).setdefault("schemas", {})
    definitions["Error"] = Error.model_json_schema()
    definitions["FieldErrors"] = FieldErrors.model_json_schema()
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    field_errors = {"application/json": {"schema": {"$ref": "#/components/schemas/FieldErrors"}}}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            answers["401"] = {"description": "No valid API token", "content": error}
            answers["422"] = {"description": "Bad input, with an error per field", "content": field_errors}
            if "{" in path or method != "get":
                answers["404"] = {"description": "Not found, or out of reach: the two look the same", "content": error}
            if method != "get":
                answers["403"] = {"description": "Visible, but this person may not do this", "content": error}
    return schema


def install_handlers(api: NinjaAPI) -> None:
    def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(
            request, {"detail": _("Send a valid API token: Authorization: Bearer vad_…")}, status=401
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # Out of reach and non-existent look the same, so nothing leaks.
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc) or _("You may not do this.")}, status=403)

    def refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return api.create_response(request, _body(_django_errors(exc), source="body"), status=422)

    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field_of(error.get("loc", ())), []).append(str(error.get("msg", "")))
        return api.create_response(request, {"detail": exc.errors, "errors": errors}, status=422)

    def conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # A concurrent write won a race a service had checked for; the client may retry.
        return api.create_response(
            request, {"detail": _("This conflicts with a change made at the same time. Try again.")}, status=409
        )

    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024, 1)
        return api.create_response(
            request,
            {"detail": _("The request body is too large: at most %(max)s MB is accepted.") % {"max": limit}},
            status=413,
        )

    # ninja's stub types a handler's exception as instance-or-class; ours get instances.
    api.add_exception_handler(RequestDataTooBig, too_big)  # type: ignore[arg-type]
    api.add_exception_handler(AuthenticationError, unauthorised)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, not_found)  # type: ignore[arg-type]
    api.add_exception_handler(PermissionDenied, forbidden)  # type: ignore[arg-type]
    api.add_exception_handler(DjangoValidationError, refused)  # type: ignore[arg-type]
    api.add_exception_handler(NinjaValidationError, invalid)  # type: ignore[arg-type]
    api.add_exception_handler(IntegrityError, conflict)  # type: ignore[arg-type]


def _django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {NON_FIELD_ERRORS: list(exc.messages)}


def _body(errors: dict[str, list[str]], *, source: str) -> dict[str, Any]:
    detail = [
        {"loc": [source] if field == NON_FIELD_ERRORS else [source, field], "msg": message, "type": "value_error"}
        for field, messages in errors.items()
        for message in messages
    ]
    return {"detail": detail, "errors": errors}


def _field_of(loc: Iterable[Any]) -> str:
    """("body", "payload", "assignees", 0) → "assignees"; ("query", "limit") → "limit"; ("query", "filters", "q") → "q"."""
    parts = [str(p) for p in loc]
    if len(parts) >= 3:
        return parts[2]
    return parts[1] if len(parts) == 2 else NON_FIELD_ERRORS
