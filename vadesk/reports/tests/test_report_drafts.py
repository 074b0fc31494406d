"""Issue 11.4: the lead gets a draft of the monthly report a few days before it goes, can write its highlights
and next month's focus, and it goes out by itself if they do not; owners preview and rebuild it before it goes."""

import subprocess
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from vadesk.api.tests.conftest import api_as  # noqa: F401  (the API's token client)
from vadesk.clients.models import Assignment
from vadesk.conftest import login
from vadesk.notifications.models import Notification
from vadesk.reports.jobs import monthly_reports_job
from vadesk.reports.models import MonthlyReport
from vadesk.reports.monthly import report_build, report_notes_edit, report_regenerate, report_send, send_day
from vadesk.reports.pdf import report_pdf
from vadesk.reports.tests.test_monthly_report import at, july  # noqa: F401  (July 2026 of acme)
from vadesk.timesheets.services import time_entry_log

pytestmark = pytest.mark.django_db

# July's report goes on Monday 3 August 2026; its draft from Friday 31 July, 07:00 in Amsterdam (05:00 UTC).
THE_DAY_BEFORE, DRAFT_DAY, SEND_DAY = (
    "2026-07-30T05:00:00+00:00",
    "2026-07-31T05:00:00+00:00",
    "2026-08-03T05:00:00+00:00",
)


@pytest.fixture
def lead(acme, assistant):
    Assignment.objects.filter(client=acme, person=assistant).update(role=Assignment.Role.LEAD)
    return assistant


def run(org, now: str) -> int:
    return monthly_reports_job.call(organisation_id=org.pk, now=now)


def july_report() -> MonthlyReport:
    return MonthlyReport.objects.get(month=date(2026, 7, 1))  # (June's goes too: the job sends any month missed)


def pdf_text(report) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=report_pdf(report), capture_output=True, check=True
    ).stdout.decode()


def test_the_lead_is_told_of_the_draft_three_days_before_once(org, acme, july, lead, owner, acme_user, client):
    assert send_day(date(2026, 7, 1), country="NL") == date(2026, 8, 3)
    run(org, THE_DAY_BEFORE)
    assert not MonthlyReport.objects.filter(month=date(2026, 7, 1)).exists()
    run(org, DRAFT_DAY)
    report = july_report()
    assert (report.month, report.sent_at) == (date(2026, 7, 1), None)
    (told,) = Notification.objects.filter(kind="report_draft")
    assert (told.recipient, told.url) == (lead, reverse("report_detail", args=[report.pk]))
    assert "Monday 3 August" in told.body
    run(org, "2026-08-01T05:00:00+00:00")
    assert Notification.objects.filter(kind="report_draft").count() == 1  # told once
    report.refresh_from_db()
    assert report.sent_at is None
    login(client, acme_user)
    assert client.get(reverse("portal:report", args=[report.pk])).status_code == 404  # not the client's yet


def test_the_leads_words_go_out_with_the_whole_months_figures(org, acme, july, lead, acme_user, client):
    run(org, DRAFT_DAY)
    report = july_report()
    report_notes_edit(by=lead, report=report, highlights="Bestuur rond\nZaal geboekt", next_focus="Jaarplanning")
    with at(date(2026, 7, 31), 16):  # after the draft was built: the report that goes must count it
        time_entry_log(by=lead, engagement=july, work_date=date(2026, 7, 31), minutes=30, client_note="Nabellen")
    assert run(org, SEND_DAY) == 1  # July's
    report.refresh_from_db()
    assert report.sent_at is not None and report.parts.get().used_minutes == 210
    assert (report.highlights, report.next_focus) == ("Bestuur rond\nZaal geboekt", "Jaarplanning")
    text = pdf_text(report)
    assert "Zaal geboekt" in text and "Jaarplanning" in text
    login(client, acme_user)
    page = client.get(reverse("portal:report", args=[report.pk])).content.decode()
    assert "Bestuur rond<br>Zaal geboekt" in page and "Jaarplanning" in page


def test_the_api_gives_the_leads_words_with_the_figures(org, acme, july, lead, acme_user, api_as):
    run(org, DRAFT_DAY)
    report_notes_edit(by=lead, report=july_report(), highlights="Bestuur rond", next_focus="Jaarplanning")
    run(org, SEND_DAY)
    body = api_as(acme_user).get(f"/reports/{july_report().pk}").json()
    assert (body["highlights"], body["next_focus"]) == ("Bestuur rond", "Jaarplanning")
    assert body["figures"]["engagements"][0]["used_minutes"] == 180


def test_it_goes_out_by_itself_when_nobody_writes_anything(org, acme, july, lead):
    run(org, DRAFT_DAY)
    assert run(org, SEND_DAY) == 1  # July's
    report = july_report()
    assert report.sent_at is not None and report.highlights == report.next_focus == ""
    assert "Highlights" not in pdf_text(report)


def test_only_the_lead_or_an_owner_writes_and_only_before_it_goes(acme, july, lead, owner, colleague, acme_user):
    Assignment.objects.create(client=acme, person=colleague, role=Assignment.Role.BACKUP)  # not the lead
    report = report_build(client=acme, month=date(2026, 7, 1))
    for person in (colleague, acme_user):
        with pytest.raises(PermissionDenied):
            report_notes_edit(by=person, report=report, highlights="Nee", next_focus="")
    report_notes_edit(by=owner, report=report, highlights="Goed", next_focus="")
    with pytest.raises(ValidationError):
        report_notes_edit(by=lead, report=report, highlights="x" * 2001, next_focus="")
    report_send(report=report)
    with pytest.raises(ValidationError) as refused:
        report_notes_edit(by=lead, report=report, highlights="Later", next_focus="")
    assert "stays as it was sent" in str(refused.value)
    report.refresh_from_db()
    assert report.highlights == "Goed" and report.notes_by == owner


def test_an_owner_rebuilds_a_draft_but_never_a_sent_report(acme, july, lead, owner):
    report = report_build(client=acme, month=date(2026, 7, 1))
    with at(date(2026, 7, 20)):
        time_entry_log(by=lead, engagement=july, work_date=date(2026, 7, 20), minutes=45)
    again = report_build(client=acme, month=date(2026, 7, 1))  # building again: the same
    assert again.content == report.content and again.parts.get().used_minutes == 180
    with pytest.raises(PermissionDenied):
        report_regenerate(by=lead, report=report)
    assert report_regenerate(by=owner, report=report).parts.get().used_minutes == 225
    report_send(report=report)
    with at(date(2026, 7, 21)):
        time_entry_log(by=lead, engagement=july, work_date=date(2026, 7, 21), minutes=60)
    with pytest.raises(ValidationError):
        report_regenerate(by=owner, report=report)
    assert report.parts.get().used_minutes == 225


def test_the_team_previews_writes_and_rebuilds_in_the_browser(client, acme, july, lead, owner):
    login(client, owner)
    response = client.post(reverse("client_reports", args=[acme.pk]), {"month": "2026-07"})
    assert response.status_code == 404  # only this month or last month (the test runs in December 2026 or later)
    report = report_build(client=acme, month=date(2026, 7, 1))
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "Draft: goes out by itself on Monday 3 August" in page and 'data-testid="rebuild"' in page
    assert "Zaal en catering geregeld" in page and "ZQX-REPORT-INTERNAL" not in page  # as the client reads it
    assert client.get(reverse("report_pdf", args=[report.pk]))["Content-Type"] == "application/pdf"
    client.force_login(lead)
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert 'data-testid="report-notes"' in page and 'data-testid="rebuild"' not in page
    client.post(reverse("report_notes", args=[report.pk]), {"highlights": "Rustige maand", "next_focus": ""})
    report.refresh_from_db()
    assert report.highlights == "Rustige maand"
    assert client.post(reverse("report_rebuild", args=[report.pk]), follow=True).status_code == 200
    refused = client.post(reverse("report_notes", args=[report.pk]), {"highlights": "x" * 2001}).status_code
    assert refused == 400
    report.refresh_from_db()
    assert report.highlights == "Rustige maand"
