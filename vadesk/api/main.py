"""REST API v1: bearer tokens, the UI's permission rules, explicit schemas, one error shape."""

from typing import Any

from ninja import NinjaAPI

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
    time_entries,
)
from vadesk.api import comms as comms_api
from vadesk.api import notifications as notifications_api
from vadesk.api.auth import TokenAuth
from vadesk.api.errors import document_errors, install_handlers


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
)
install_handlers(api)

for module in (organisations, clients, dossier, engagements, tasks, comments, time_entries, invoices, behalf):
    api.add_router("", module.router)
api.add_router("", agenda_api.router)
api.add_router("", comms_api.router)
api.add_router("", notifications_api.router)
