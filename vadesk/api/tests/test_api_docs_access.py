"""The interactive docs and the OpenAPI document need a signed-in person unless made public; every enum has a
component of its own in the document."""

import enum
import inspect
import typing

import pytest
from ninja import Schema

from vadesk.accounts.services import api_token_create
from vadesk.api.main import api

pytestmark = pytest.mark.django_db


def test_a_stranger_is_sent_to_sign_in_for_the_docs_and_refused_the_document(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"


def test_a_signed_in_person_reads_both(client, assistant):
    client.force_login(assistant)
    assert client.get("/api/v1/openapi.json").status_code == 200
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    # The Swagger UI vadesk ships, not a CDN's, so the content security policy can stay strict.
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn." not in html
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_a_script_reads_the_document_with_its_token(client, assistant):
    _token, secret = api_token_create(person=assistant, name="generator")
    assert client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION="Bearer vad_nonsense").status_code == 401


def test_a_setting_makes_them_public(client, settings):
    settings.API_DOCS_PUBLIC = True
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def enums_in(annotation) -> set[type[enum.Enum]]:
    found: set[type[enum.Enum]] = set()
    if inspect.isclass(annotation) and issubclass(annotation, enum.Enum):
        found.add(annotation)
    for argument in typing.get_args(annotation):
        found |= enums_in(argument)
    return found


def enums_of_the_api() -> set[type[enum.Enum]]:
    """Every enum an operation takes (parameters, bodies) or gives (responses), read from the Python side."""
    found: set[type[enum.Enum]] = set()
    seen: set[type] = set()

    def walk_schema(schema: type) -> None:
        if schema in seen:
            return
        seen.add(schema)
        for field in schema.model_fields.values():
            found.update(enums_in(field.annotation))
            for part in [field.annotation, *typing.get_args(field.annotation)]:
                for inner in [part, *typing.get_args(part)]:
                    if inspect.isclass(inner) and issubclass(inner, Schema):
                        walk_schema(inner)

    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for annotation in typing.get_type_hints(operation.view_func, include_extras=True).values():
                    found.update(enums_in(annotation))
                    for inner in [annotation, *typing.get_args(annotation)]:
                        if inspect.isclass(inner) and issubclass(inner, Schema):
                            walk_schema(inner)
                for response in operation.response_models.values():
                    if response is not None:
                        walk_schema(response)
    return found


def test_every_enum_has_a_component_of_its_own(client, settings):
    settings.API_DOCS_PUBLIC = True
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    components = {name: schema["enum"] for name, schema in schemas.items() if "enum" in schema}
    expected = enums_of_the_api()
    assert len(expected) >= 20
    assert len(components) == len(expected), sorted(components)
    for kind in expected:
        assert [member.value for member in kind] in components.values(), kind


def test_the_kinds_and_statuses_are_named_after_their_models(client, settings):
    settings.API_DOCS_PUBLIC = True
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("ClientKind", "EngagementKind", "InvoiceKind", "InvoiceStatus", "EngagementStatus", "TaskStatus"):
        assert name in schemas
    assert not {"Kind", "Status", "Source"} & set(schemas)
