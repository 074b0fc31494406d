"""Issue 11.2: the work log in plain words. The client reads the note meant for them, never the internal note,
on the page, in the CSV and PDF exports and through the API; names and rates as the organisation decides."""

import csv
import io
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from vadesk.api.tests.conftest import api_as  # noqa: F401  # the API's token client, for the API's side
from vadesk.conftest import login, make_person
from vadesk.engagements.models import Engagement
from vadesk.tasks.services import task_create
from vadesk.timesheets.models import TimeEntry, WorkLogPolicy
from vadesk.timesheets.services import client_note_default, time_entry_correct, time_entry_log, timer_start
from vadesk.timesheets.worklog import work_log, work_log_policy_set

pytestmark = pytest.mark.django_db

INTERNAL = "ZQX-TIME-NOTE-INTERNAL"


@pytest.fixture
def hourly(acme):
    return Engagement.objects.create(
        client=acme,
        name="Uurtje factuurtje",
        kind=Engagement.Kind.HOURLY,
        starts_on=date.today() - timedelta(days=60),
        hourly_rate=Decimal("60.00"),
        billing_increment_minutes=1,
    )


@pytest.fixture
def logged(task, assistant, bundle, hourly, acme):
    """Three entries this month: two on the board-meeting task (agenda), one without a task on hourly work."""
    mail = task_create(by=assistant, client=acme, engagement=bundle, title="Inbox opruimen", category="email")
    today = timezone.localdate()
    entries = [
        time_entry_log(
            by=assistant,
            engagement=bundle,
            task=task,
            work_date=today,
            minutes=30,
            note=f"{INTERNAL}: klant reageert traag",
            client_note="Agenda's van het bestuur vergeleken",
        ),
        time_entry_log(
            by=assistant,
            engagement=bundle,
            task=mail,
            work_date=today,
            minutes=45,
            note=f"{INTERNAL}: veel spam",
            client_note='=HYPERLINK("http://evil.example")',
        ),
        time_entry_log(
            by=assistant, engagement=hourly, work_date=today, minutes=90, note=f"{INTERNAL}", client_note="Offertes"
        ),
    ]
    return entries


def test_the_log_groups_by_task_with_the_client_note_and_never_the_internal_note(client, acme_user, logged, task):
    login(client, acme_user)
    page = client.get(reverse("portal:hours")).content.decode()
    assert INTERNAL not in page
    assert "Agenda&#x27;s van het bestuur vergeleken" in page and "Offertes" in page  # positive control
    assert "Plan board meeting" in page and "Uurtje factuurtje" in page  # groups: tasks, and work without a task
    assert "Anna Assistent" in page
    assert "2:45" in page  # 30 + 45 + 90


def test_by_category_the_groups_are_the_tasks_categories(acme, logged):
    log = work_log(acme, timezone.localdate(), grouping="category")
    assert {g.key: g.minutes for g in log.groups} == {"agenda": 30, "email": 45, "other": 90}
    assert log.minutes == 165


def test_names_follow_the_organisation_policy(client, acme_user, logged, owner, org, assistant):
    assistant.full_name = "Annemieke Jansen"
    assistant.save(update_fields=["full_name"])
    login(client, acme_user)
    assert "Annemieke Jansen" in client.get(reverse("portal:hours")).content.decode()
    work_log_policy_set(by=owner, organisation=org, names=WorkLogPolicy.Names.FIRST, show_rates=False)
    page = client.get(reverse("portal:hours")).content.decode()
    assert "Annemieke" in page and "Jansen" not in page
    work_log_policy_set(by=owner, organisation=org, names=WorkLogPolicy.Names.TEAM, show_rates=False)
    for url in (reverse("portal:hours"), reverse("portal:hours_csv")):
        body = client.get(url).content.decode("utf-8-sig")
        assert "Annemieke" not in body and "Uw team" in body, url  # acme's user reads Dutch
    pdf = _pdf_text(client.get(reverse("portal:hours_pdf")).content)
    assert "Annemieke" not in pdf and "Uw team" in pdf


def test_rates_show_only_when_the_organisation_chooses(client, acme_user, logged, owner, org):
    login(client, acme_user)
    page = client.get(reverse("portal:hours")).content.decode()
    assert "60,00" not in page and "90,00" not in page
    rows = _csv_rows(client.get(reverse("portal:hours_csv")).content)
    assert {len(row) for row in rows} == {7} and "60.00" not in str(rows)
    assert "60" not in _pdf_text(client.get(reverse("portal:hours_pdf")).content)
    work_log_policy_set(by=owner, organisation=org, names="full", show_rates=True)
    page = client.get(reverse("portal:hours")).content.decode()
    assert "60,00" in page and "90,00" in page  # 1:30 at 60.00 on the hourly engagement
    rows = _csv_rows(client.get(reverse("portal:hours_csv")).content)
    assert {len(row) for row in rows} == {9}
    assert ["60.00", "90.00"] in [row[-2:] for row in rows]
    assert "90,00" in _pdf_text(client.get(reverse("portal:hours_pdf")).content)


def test_only_an_owner_sets_the_policy(assistant, org):
    with pytest.raises(PermissionDenied):
        work_log_policy_set(by=assistant, organisation=org, names="team", show_rates=True)
    assert not WorkLogPolicy.objects.exists()


def test_the_csv_export_neutralises_formulas_and_has_no_internal_note(client, acme_user, logged):
    login(client, acme_user)
    response = client.get(reverse("portal:hours_csv"))
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8-sig")
    assert INTERNAL not in body
    rows = _csv_rows(response.content)
    notes = [row[4] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example")' in notes  # OWASP: a leading ' keeps it text
    assert "Agenda's van het bestuur vergeleken" in notes


def test_the_pdf_export_shows_the_month_without_the_internal_note(client, acme_user, logged):
    login(client, acme_user)
    response = client.get(reverse("portal:hours_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert INTERNAL not in text
    assert "Agenda's van het bestuur" in text.replace("\u2019", "'") and "Offertes" in text and "2:45" in text


def test_the_log_of_another_client_never_shows(client, logged, other_client, other_org):
    from vadesk.accounts.models import Membership

    stranger = make_person("boss@other.example", "Other Boss")
    Membership.objects.create(person=stranger, organisation=other_org, role="client", client=other_client)
    login(client, stranger)
    for url in (reverse("portal:hours"), reverse("portal:hours_csv")):
        body = client.get(url).content.decode("utf-8-sig")
        assert "Offertes" not in body and "Plan board meeting" not in body, url


def test_the_api_gives_a_client_user_the_client_note_and_never_the_internal_note(api_as, acme_user, assistant, logged):
    items = api_as(acme_user).get("/time-entries").json()["items"]
    assert len(items) == 3
    assert {item["note"] for item in items} == {""}
    assert "Offertes" in {item["client_note"] for item in items}
    staff = api_as(assistant).get(f"/time-entries/{logged[2].pk}").json()
    assert (staff["note"], staff["client_note"]) == (INTERNAL, "Offertes")  # the team still reads it


def test_the_api_stores_both_notes(api_as, assistant, hourly):
    response = api_as(assistant).post(
        "/time-entries",
        {
            "engagement": hourly.pk,
            "work_date": timezone.localdate().isoformat(),
            "minutes": 20,
            "note": "intern",
            "client_note": "Gebeld met de notaris",
        },
    )
    assert response.status_code == 201, response.content
    entry = TimeEntry.objects.get(pk=response.json()["id"])
    assert (entry.note, entry.client_note) == ("intern", "Gebeld met de notaris")


def test_a_task_remembers_its_client_note_for_the_next_entry(assistant, task, bundle, logged):
    assert client_note_default(task) == "Agenda's van het bestuur vergeleken"
    entry = timer_start(by=assistant, engagement=bundle, task=task, client_note="Uitnodigingen verstuurd")
    assert entry.client_note == "Uitnodigingen verstuurd"


def test_a_correction_keeps_the_client_note_unless_given(assistant, logged):
    entry = time_entry_correct(
        by=assistant, entry=logged[2], minutes=60, work_date=logged[2].work_date, note="x", billable=True
    )
    assert entry.client_note == "Offertes"
    entry = time_entry_correct(
        by=assistant,
        entry=entry,
        minutes=60,
        work_date=entry.work_date,
        note="x",
        billable=True,
        client_note="Offertes vergeleken",
    )
    assert TimeEntry.objects.get(pk=entry.pk).client_note == "Offertes vergeleken"


def test_the_manual_entry_form_offers_both_notes_with_the_task_default(client, assistant, task, logged):
    login(client, assistant)
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert 'name="client_note"' in page and 'name="note"' in page
    assert 'value="Agenda&#x27;s van het bestuur vergeleken"' in page
    response = client.post(
        reverse("task_log_time", args=[task.pk]),
        {
            "engagement": task.engagement_id,
            "work_date": timezone.localdate().isoformat(),
            "duration": "0:30",
            "note": "alleen intern",
            "client_note": "Zaal gereserveerd",
            "billable": "on",
        },
    )
    assert response.status_code == 302
    entry = TimeEntry.objects.latest("id")
    assert (entry.note, entry.client_note) == ("alleen intern", "Zaal gereserveerd")


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def test_an_owner_chooses_on_the_organisation_page_and_an_assistant_cannot(client, owner, assistant, org):
    login(client, assistant)
    assert client.post(reverse("work_log_policy"), {"names": "team", "show_rates": "on"}).status_code in (302, 403)
    assert not WorkLogPolicy.objects.exists()
    login(client, owner)
    assert client.get(reverse("work_log_policy")).status_code == 200
    assert client.post(reverse("work_log_policy"), {"names": "first", "show_rates": "on"}).status_code == 302
    policy = WorkLogPolicy.objects.get(organisation=org)
    assert (policy.names, policy.show_rates) == ("first", True)
