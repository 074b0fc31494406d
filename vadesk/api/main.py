"""REST API v1: bearer tokens, the UI's permission rules, explicit schemas, one error shape."""

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

import ninja.openapi.schema
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.schema import NinjaGenerateJsonSchema
from pydantic.json_schema import CoreModeRef, CoreRef, DefsRef

from vadesk.api import agenda as agenda_api
from vadesk.api import (
    behalf,
    clients,
    comments,
    dossier,
    engagements,
    invoices,
    organisations,
    tasks,
    team,
    time_entries,
    transparency,
)
from vadesk.api import comms as comms_api
from vadesk.api import notifications as notifications_api
from vadesk.api import runs as runs_api
from vadesk.api import webhooks as webhooks_api
from vadesk.api.auth import TokenAuth, TokenThrottled
from vadesk.api.errors import document_errors, install_handlers

# Names too common to stand alone in one document.
GENERIC = {"Kind", "Status", "Source", "State", "Type", "Role"}


class QualifiedNames(NinjaGenerateJsonSchema):
    """Components named after the class that holds them: Client.Kind is `ClientKind`, Invoice.Status
    `InvoiceStatus`. Pydantic's short names ("Kind") are unique within one model, but ninja merges the components
    of every operation into one document by name, so every `Kind` but the last one vanished from it."""

    def get_defs_ref(self, core_mode_ref: CoreModeRef) -> DefsRef:
        core_ref, mode = core_mode_ref
        path, colon, identity = core_ref.rpartition(":")
        if re.fullmatch(r"[\w.]+", path):  # a plain class; generics keep pydantic's names
            parts = path.split(".")
            # Modules are lower case, classes are not: "vadesk.clients.models.Client.Kind" → "….ClientKind".
            classes = [part for part in parts if part[:1].isupper()]
            modules = [part for part in parts if not part[:1].isupper()]
            if len(classes) == 1 and classes[0] in GENERIC and len(modules) >= 2 and modules[0] == "vadesk":
                # A module-level `Status` is named after its app: vadesk.tasks.models.Status → TaskStatus.
                classes.insert(0, modules[1].removesuffix("s").title())
            if len(classes) > 1:
                core_ref = CoreRef(".".join([*modules, "".join(classes)]) + colon + identity)
        return super().get_defs_ref((core_ref, mode))


# ninja builds every operation's schemas with this generator (ninja/openapi/schema.py); the qualified names replace it.
ninja.openapi.schema.NinjaGenerateJsonSchema = QualifiedNames  # type: ignore[misc]


def docs_for_signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The docs page and the OpenAPI document: for a signed-in person (session or API token), unless
    settings.API_DOCS_PUBLIC makes them public."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.API_DOCS_PUBLIC or request.user.is_authenticated or _token_person(request):
            return view(request, *args, **kwargs)
        if request.path.endswith("/docs"):
            return redirect_to_login(request.get_full_path())
        response = JsonResponse(
            {"detail": _("Sign in, or send a valid API token, to read the API's document.")}, status=401
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    return guarded


def _token_person(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    try:
        return TokenAuth().authenticate(request, token.strip()) is not None
    except TokenThrottled:
        return False


class VadeskAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        return document_errors(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = VadeskAPI(
    title="vadesk API",
    version="1",
    description="Clients, dossiers, engagements with balances, tasks, comments and time entries. "
    "Authenticate with `Authorization: Bearer vad_…` (create a token with `vadesk token EMAIL`).",
    auth=TokenAuth(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs_decorator=docs_for_signed_in,
)
install_handlers(api)


def throttled(request: HttpRequest, exc: TokenThrottled) -> HttpResponse:
    response = api.create_response(
        request, {"detail": _("Too many failed attempts with API tokens. Try again later.")}, status=429
    )
    response["Retry-After"] = str(max(1, int((exc.until - timezone.now()).total_seconds()) + 1))
    return response


api.add_exception_handler(TokenThrottled, throttled)  # type: ignore[arg-type]

for module in (
    organisations,
    clients,
    dossier,
    engagements,
    tasks,
    comments,
    time_entries,
    invoices,
    behalf,
    transparency,
):
    api.add_router("", module.router)
api.add_router("", agenda_api.router)
api.add_router("", comms_api.router)
api.add_router("", notifications_api.router)
api.add_router("", webhooks_api.router)
api.add_router("", runs_api.router)
api.add_router("", team.router)
