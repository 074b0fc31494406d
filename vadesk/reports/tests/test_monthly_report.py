"""Issue 11.4: the monthly report. Built once per client and month from the figures, sent once through the
outbox with its PDF from the month's first working day, shown in the portal; nothing internal in it."""

import subprocess
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from vadesk.accounts.models import Membership
from vadesk.clients.models import Contact
from vadesk.comms.models import OutboxMessage, Preference
from vadesk.conftest import login, make_person
from vadesk.engagements.models import Engagement
from vadesk.jobs.schedule import SCHEDULE
from vadesk.reports.jobs import monthly_reports_job
from vadesk.reports.models import MonthlyReport
from vadesk.reports.monthly import first_working_day, report_build, report_figures, report_send, send_day
from vadesk.tasks.services import task_create, task_transition
from vadesk.timesheets.services import time_entry_log

AMS = ZoneInfo("Europe/Amsterdam")
INTERNAL = "ZQX-REPORT-INTERNAL"
pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=AMS), tick=False)


@pytest.fixture
def july(acme, assistant):
    """July 2026 for acme: 3 h on a retainer (agenda and e-mail), one task done, one waiting, one open."""
    retainer = Engagement.objects.create(
        client=acme,
        name="Retainer juli",
        kind=Engagement.Kind.RETAINER,
        starts_on=date(2026, 6, 1),
        monthly_hours=Decimal("10"),
        monthly_price=Decimal("500"),
        excess_rate=Decimal("55"),
        billing_increment_minutes=15,
    )
    Contact.objects.create(client=acme, name="Cees Acme", email="ceo@acme.example", is_primary=True)
    Contact.objects.create(client=acme, name="Secretariaat", email="office@acme.example")
    with at(date(2026, 7, 14)):
        agenda = task_create(
            by=assistant, client=acme, engagement=retainer, title="Bestuursvergadering", category="agenda"
        )
        mail = task_create(by=assistant, client=acme, engagement=retainer, title="Inbox", category="email")
        waiting = task_create(by=assistant, client=acme, engagement=retainer, title="Offerte drukker", category="other")
        for task, minutes, note in ((agenda, 120, "Zaal en catering geregeld"), (mail, 60, "Inbox bijgewerkt")):
            time_entry_log(
                by=assistant,
                engagement=retainer,
                task=task,
                work_date=date(2026, 7, 14),
                minutes=minutes,
                note=f"{INTERNAL}: lastige klant",
                client_note=note,
            )
        task_transition(by=assistant, task=agenda, to="done")
        task_transition(by=assistant, task=waiting, to="waiting")
    return retainer


def test_the_report_holds_the_figures_and_the_client_notes_and_nothing_internal(acme, july):
    report = report_build(client=acme, month=date(2026, 7, 1))
    content = report_figures(report)
    assert content["month"] == "2026-07" and content["tasks_done"] == 1
    (engagement,) = content["engagements"]
    assert engagement["used_minutes"] == 180 and engagement["minutes_by_category"] == {"agenda": 120, "email": 60}
    assert engagement["minutes_by_week"] == {"29": 180}
    assert content["done"] == [{"title": "Bestuursvergadering", "notes": ["Zaal en catering geregeld"]}]
    assert content["waiting"] == ["Offerte drukker"] and content["open"] == ["Inbox"]
    assert INTERNAL not in str(content)


def test_building_twice_keeps_one_report(acme, july):
    first = report_build(client=acme, month=date(2026, 7, 9))
    again = report_build(client=acme, month=date(2026, 7, 1))
    assert first.pk == again.pk and MonthlyReport.objects.count() == 1


def test_it_goes_once_to_the_primary_contact_with_its_pdf(acme, july):
    report = report_build(client=acme, month=date(2026, 7, 1))
    (message,) = report_send(report=report)
    assert (message.recipient, message.kind, message.client_id) == ("ceo@acme.example", "report", acme.pk)
    message.full_clean()  # a kind the outbox knows: the outbox page names it ("Monthly report"), not its code
    assert message.get_kind_display() == "Monthly report"
    assert "juli 2026" in message.subject  # the contact's language (Dutch)
    (attachment,) = message.attachments.all()
    assert attachment.content_type == "application/pdf" and bytes(attachment.content).startswith(b"%PDF")
    assert report_send(report=report) == []  # claimed: never twice
    assert OutboxMessage.objects.count() == 1


def test_a_contact_who_turned_e_mail_off_gets_none(acme, july):
    Preference.objects.create(contact=acme.contacts.get(is_primary=True), by_email=False)
    assert report_send(report=report_build(client=acme, month=date(2026, 7, 1))) == []
    assert MonthlyReport.objects.get().sent_at is not None  # it went out: to the portal only


def test_the_job_waits_for_the_first_working_day_and_then_runs_once(acme, july, org):
    assert first_working_day(date(2026, 8, 20), country="NL") == date(2026, 8, 3)  # 1 August 2026 is a Saturday
    # New Year's Day 2027 is a Friday and a public holiday: the report of December goes out on Monday 4 January.
    assert send_day(date(2026, 12, 1), country="NL") == send_day(date(2026, 12, 1), country="DE") == date(2027, 1, 4)
    assert monthly_reports_job.call(organisation_id=org.pk, now="2026-08-02T09:00:00+02:00") == 0
    assert not MonthlyReport.objects.exists()
    # 05:00 UTC on Monday 3 August is 07:00 in Amsterdam (summer time): the slot the schedule fires.
    assert monthly_reports_job.call(organisation_id=org.pk, now="2026-08-03T05:00:00+00:00") == 1
    assert monthly_reports_job.call(organisation_id=org.pk, now="2026-08-04T05:00:00+00:00") == 0
    assert MonthlyReport.objects.get().month == date(2026, 7, 1)
    assert OutboxMessage.objects.filter(kind="report").count() == 1


def test_the_first_working_day_counts_in_the_organisations_time_zone(acme, july, org):
    # 23:30 UTC on Sunday 2 August is 01:30 on Monday 3 August in Amsterdam: the first working day there.
    assert monthly_reports_job.call(organisation_id=org.pk, now="2026-08-02T23:30:00+00:00") == 1


def test_the_schedule_runs_it_every_morning_per_organisation():
    (entry,) = [p for p in SCHEDULE if p.name == "reports.monthly"]
    assert entry.task == "vadesk.reports.jobs.monthly_reports_job" and entry.per_organisation


def test_the_portal_shows_a_sent_report_and_its_pdf_to_the_client_only(
    client, acme, acme_user, july, other_client, other_org
):
    report = report_build(client=acme, month=date(2026, 7, 1))
    login(client, acme_user)
    assert client.get(reverse("portal:report", args=[report.pk])).status_code == 404  # not sent yet
    report_send(report=report)
    page = client.get(reverse("portal:report", args=[report.pk])).content.decode()
    assert "Zaal en catering geregeld" in page and "Bestuursvergadering" in page and INTERNAL not in page
    assert "<svg" in page  # the charts
    assert f'href="{reverse("portal:report", args=[report.pk])}"' in client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:report", args=[report.pk]) in client.get(reverse("portal:reports")).content.decode()
    pdf = client.get(reverse("portal:report_pdf", args=[report.pk])).content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Zaal en catering geregeld" in text and "3:00" in text and INTERNAL not in text
    stranger = make_person("boss@other.example", "Other Boss")
    Membership.objects.create(person=stranger, organisation=other_org, role="client", client=other_client)
    login(client, stranger)
    assert client.get(reverse("portal:report", args=[report.pk])).status_code == 404
    assert client.get(reverse("portal:report_pdf", args=[report.pk])).status_code == 404
