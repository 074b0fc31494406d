"""The hub's REST endpoints: they work for the team, in three languages, and answer 404 to everyone else."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from vadesk.api.main import api as vadesk_api
from vadesk.api.tests.conftest import anonymous, api_as, globex, globex_user  # noqa: F401 - fixtures
from vadesk.clients.models import Contact, DossierFact
from vadesk.comms.models import FollowUp, InboundMessage, MessageTemplate, OutboxMessage, PhoneMessage, Preference
from vadesk.comms.services import followup_add, phone_message_take
from vadesk.tasks.models import Comment, Task
from vadesk.tasks.services import comment_add


@dataclass
class World:
    acme_id: int
    org_id: int
    contact: Contact
    task: Task
    call: PhoneMessage
    follow_up: FollowUp
    comment: Comment
    fact: DossierFact


@pytest.fixture
def world(acme, task, assistant, owner, cees) -> World:
    call = phone_message_take(
        by=assistant, client=acme, caller_name="Jan Geheim", number="020 123 4567", reason="Offerte Acme", callback=True
    )[0]
    follow_up = followup_add(by=assistant, client=acme, task=task, text="Vragen naar de zoon", due_at=timezone.now())
    comment = comment_add(by=assistant, task=task, body="Intern: lastig", visibility="internal")
    fact = DossierFact.objects.create(client=acme, text="Zoon heet Bram", author=owner)
    InboundMessage.objects.create(
        key="<t@x>", organisation=acme.organisation, outcome="triage", raw=b"x", subject="Acme triage"
    )
    return World(acme.pk, acme.organisation_id, cees, task, call, follow_up, comment, fact)


def future() -> str:
    return (timezone.now() + timedelta(days=1)).isoformat()


OPERATIONS = {
    "GET /api/v1/contacts/{contact_id}/preference": lambda w: ("get", f"/contacts/{w.contact.pk}/preference", None),
    "PATCH /api/v1/contacts/{contact_id}/preference": lambda w: (
        "patch",
        f"/contacts/{w.contact.pk}/preference",
        {"cadence": "weekly"},
    ),
    "GET /api/v1/clients/{client_id}/phone-messages": lambda w: ("get", f"/clients/{w.acme_id}/phone-messages", None),
    "POST /api/v1/clients/{client_id}/phone-messages": lambda w: (
        "post",
        f"/clients/{w.acme_id}/phone-messages",
        {"caller_name": "X", "reason": "y"},
    ),
    "GET /api/v1/clients/{client_id}/phone-messages/statistics": lambda w: (
        "get",
        f"/clients/{w.acme_id}/phone-messages/statistics",
        None,
    ),
    "POST /api/v1/phone-messages/{message_id}/called-back": lambda w: (
        "post",
        f"/phone-messages/{w.call.pk}/called-back",
        {},
    ),
    "POST /api/v1/follow-ups": lambda w: ("post", "/follow-ups", {"text": "x", "due_at": future(), "task": w.task.pk}),
    "POST /api/v1/follow-ups/{follow_up_id}/done": lambda w: (
        "post",
        f"/follow-ups/{w.follow_up.pk}/done",
        {"outcome": "x", "to_dossier": True},
    ),
    "POST /api/v1/tasks/{task_id}/questions": lambda w: (
        "post",
        f"/tasks/{w.task.pk}/questions",
        {"question": "Planted?"},
    ),
    "GET /api/v1/organisations/{organisation_id}/message-templates": lambda w: (
        "get",
        f"/organisations/{w.org_id}/message-templates",
        None,
    ),
    "PUT /api/v1/organisations/{organisation_id}/message-templates/{kind}/{language}": lambda w: (
        "put",
        f"/organisations/{w.org_id}/message-templates/phone/nl",
        {"subject": "Hacked $caller", "body": "x"},
    ),
    "GET /api/v1/organisations/{organisation_id}/triage": lambda w: ("get", f"/organisations/{w.org_id}/triage", None),
}
EXTRA_SOURCES = {  # the same create endpoint, starting from a comment, a dossier fact or a client
    "comment": lambda w: {"text": "x", "due_at": future(), "comment": w.comment.pk},
    "fact": lambda w: {"text": "x", "due_at": future(), "fact": w.fact.pk},
    "client": lambda w: {"text": "x", "due_at": future(), "client": w.acme_id},
}
LISTS = {"GET /api/v1/follow-ups", "GET /api/v1/outbox"}
COMMS_OPERATIONS = set(OPERATIONS) | LISTS
DENIED = ["outsider", "colleague", "globex_user", "acme_user"]
TRACKED = [Preference, PhoneMessage, FollowUp, OutboxMessage, MessageTemplate, Comment, DossierFact, Task]


def send(api, method, path, body=None):
    if body is None:
        return getattr(api, method)(path)
    return api._send(method, path, body, {})  # JSON body for post, patch and put alike


def snapshot():
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in TRACKED}


def test_the_matrix_covers_every_operation_of_the_hub():
    documented = {
        f"{method.upper()} {path}"
        for path, ops in vadesk_api.get_openapi_schema()["paths"].items()
        for method, op in ops.items()
        if "comms" in op["tags"]
    }
    assert documented == COMMS_OPERATIONS


@pytest.mark.parametrize("who", DENIED)
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_it_answers_404_and_changes_nothing_for_whoever_is_out_of_reach(
    operation, who, request, world, api_as, outsider, colleague, globex_user, acme_user
):
    method, path, body = OPERATIONS[operation](world)
    api = api_as(request.getfixturevalue(who))
    before = snapshot()
    response = send(api, method, path, body)
    assert response.status_code == expected_status(operation, who), (operation, response.content)
    assert snapshot() == before


def expected_status(operation: str, who: str) -> int:
    """404 for everything out of reach. The colleague works in the same organisation, so its wording is theirs to
    read (200) but only an owner's to change, and triage (anyone's mail) is the owners' only (403)."""
    if who == "colleague" and "/organisations/" in operation:
        return 200 if operation.endswith("message-templates") else 403
    if who == "acme_user" and operation in ("POST /api/v1/follow-ups", "POST /api/v1/tasks/{task_id}/questions"):
        return 403  # the core API's rule: a client user sees their own task, so it is "forbidden", not "not found"
    return 404


@pytest.mark.parametrize("who", DENIED)
@pytest.mark.parametrize("source", sorted(EXTRA_SOURCES))
def test_a_follow_up_cannot_start_from_something_out_of_reach(
    source, who, request, world, api_as, outsider, colleague, globex_user, acme_user
):
    response = api_as(request.getfixturevalue(who)).post("/follow-ups", EXTRA_SOURCES[source](world))
    assert response.status_code == 404 and FollowUp.objects.count() == 1


@pytest.mark.parametrize("who", DENIED)
def test_lists_show_nothing_out_of_reach(who, request, world, api_as, outsider, colleague, globex_user, acme_user):
    api = api_as(request.getfixturevalue(who))
    for path in ("/follow-ups", "/outbox", f"/follow-ups?client={world.acme_id}", f"/outbox?client={world.acme_id}"):
        response = api.get(path)
        assert response.status_code == 200 and response.json()["items"] == [], path


def test_an_assistant_cannot_change_templates_but_may_read_them(world, api_as, assistant):
    api = api_as(assistant)
    assert api.get(f"/organisations/{world.org_id}/message-templates").status_code == 200
    assert (
        send(
            api, "put", f"/organisations/{world.org_id}/message-templates/phone/nl", {"subject": "x", "body": "y"}
        ).status_code
        == 403
    )
    assert api.get(f"/organisations/{world.org_id}/triage").status_code == 403


def test_the_team_can_do_all_of_it(world, api_as, assistant, owner):
    api = api_as(assistant)
    for operation in sorted(OPERATIONS):
        if "templates/{kind}" in operation or "triage" in operation:
            continue
        method, path, body = OPERATIONS[operation](world)
        response = send(api, method, path, body)
        assert response.status_code in (200, 201), (operation, response.content)
    for source in EXTRA_SOURCES.values():
        assert api.post("/follow-ups", source(world)).status_code == 201
    boss = api_as(owner)
    assert (
        send(
            boss,
            "put",
            f"/organisations/{world.org_id}/message-templates/phone/nl",
            {"subject": "☎ $caller", "body": "$reason"},
        ).status_code
        == 200
    )
    assert [t["subject"] for t in boss.get(f"/organisations/{world.org_id}/triage").json()] == ["Acme triage"]


def test_noting_a_call_over_the_api_returns_the_queued_messages(world, api_as, assistant):
    response = api_as(assistant).post(
        f"/clients/{world.acme_id}/phone-messages",
        {"caller_name": "Piet", "number": "06 12345678", "reason": "Graag terugbellen", "urgency": "urgent"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["phone_message"]["number"] == "+31612345678"
    assert [(m["kind"], m["channel"], m["urgent"]) for m in body["outbox"]] == [("phone", "email", True)]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "is not a valid phone number"),
        ("nl", "is geen geldig telefoonnummer"),
        ("de", "ist keine gültige Telefonnummer"),
    ],
)
def test_a_wrong_number_is_refused_in_the_callers_language(world, api_as, assistant, language, message):
    response = api_as(assistant, language).post(
        f"/clients/{world.acme_id}/phone-messages", {"caller_name": "Piet", "number": "123", "reason": "x"}
    )
    assert response.status_code == 422
    assert message in response.json()["errors"]["number"][0]
    assert PhoneMessage.objects.count() == 1


def test_preferences_round_trip_and_bad_values_are_refused(world, api_as, assistant):
    api = api_as(assistant)
    ok = api.patch(
        f"/contacts/{world.contact.pk}/preference", {"cadence": "daily", "digest_time": "17:00:00", "quiet_days": "56"}
    )
    assert ok.status_code == 200 and ok.json()["cadence"] == "daily" and ok.json()["next_digest_at"]
    bad = api.patch(f"/contacts/{world.contact.pk}/preference", {"time_zone": "Mars/Olympus"})
    assert bad.status_code == 422 and "time_zone" in bad.json()["errors"]
    bad_days = api.patch(f"/contacts/{world.contact.pk}/preference", {"quiet_days": "78"})
    assert bad_days.status_code == 422


def test_preference_confirmations_can_be_read_and_switched_off(world, api_as, assistant):
    api = api_as(assistant)
    assert api.get(f"/contacts/{world.contact.pk}/preference").json()["confirmations"] is True
    off = api.patch(f"/contacts/{world.contact.pk}/preference", {"confirmations": False})
    assert off.status_code == 200 and off.json()["confirmations"] is False
    assert Preference.objects.get(contact=world.contact).confirmations is False
    untouched = api.patch(f"/contacts/{world.contact.pk}/preference", {"cadence": "daily"})
    assert untouched.json()["confirmations"] is False
