"""Issue 11 through the API: consent questions and answers, monthly reports as JSON and PDF, with the portal's
rules: only the client's own users answer, a client's users read only reports that went out, outsiders get 404."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from vadesk.accounts.models import Membership
from vadesk.conftest import make_person
from vadesk.reports.models import MonthlyReport
from vadesk.reports.monthly import report_build, report_send
from vadesk.timesheets.models import OverageConsent
from vadesk.timesheets.services import time_entry_log

# Its outsider tests live here (test_tenancy.py takes the set into its completeness check).
TRANSPARENCY_OPERATIONS = {
    "GET /api/v1/consents",
    "POST /api/v1/consents/{consent_id}/answer",
    "GET /api/v1/reports",
    "GET /api/v1/reports/{report_id}",
    "GET /api/v1/reports/{report_id}/pdf",
}
pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(assistant, bundle):
    time_entry_log(by=assistant, engagement=bundle, work_date=timezone.localdate(), minutes=10 * 60)
    return OverageConsent.objects.get(threshold=100)


@pytest.fixture
def stranger(other_org, other_client):
    person = make_person("boss@other.example", "Other Boss")
    Membership.objects.create(person=person, organisation=other_org, role="client", client=other_client)
    return person


def test_the_client_reads_and_answers_the_question(api_as, acme_user, asked):
    api = api_as(acme_user)
    listed = api.get("/consents").json()
    assert {c["threshold"] for c in listed} == {80, 100} and all(c["answer"] == "pending" for c in listed)
    response = api.post(f"/consents/{asked.pk}/answer", {"answer": "allow", "extra_hours": "3"})
    assert response.status_code == 200, response.content
    assert (response.json()["answer"], response.json()["extra_minutes"]) == ("allow", 180)
    again = api.post(f"/consents/{asked.pk}/answer", {"answer": "stop"})
    assert again.status_code == 422  # answered already: nothing changes
    asked.refresh_from_db()
    assert asked.answer == "allow"


def test_the_team_reads_the_state_but_cannot_answer(api_as, assistant, asked):
    api = api_as(assistant)
    assert len(api.get("/consents").json()) == 2
    assert api.post(f"/consents/{asked.pk}/answer", {"answer": "allow", "extra_hours": "3"}).status_code == 403
    asked.refresh_from_db()
    assert asked.answer == "pending"


def test_outsiders_see_no_question_and_cannot_answer(api_as, asked, stranger, outsider):
    for person in (stranger, outsider):
        api = api_as(person)
        assert api.get("/consents").json() == []
        assert api.post(f"/consents/{asked.pk}/answer", {"answer": "allow", "extra_hours": "3"}).status_code == 404
    asked.refresh_from_db()
    assert asked.answer == "pending"


def test_bad_answers_are_422(api_as, acme_user, asked):
    api = api_as(acme_user)
    for body in (
        {"answer": "maybe"},
        {"answer": "allow", "extra_hours": "-1"},
        {"answer": "allow", "extra_hours": "999"},
        {"answer": "allow"},
    ):
        assert api.post(f"/consents/{asked.pk}/answer", body).status_code == 422, body
    asked.refresh_from_db()
    assert asked.answer == "pending"


def test_reports_as_json_and_pdf_for_the_client_once_sent(api_as, acme_user, assistant, acme, stranger, outsider):
    report = report_build(client=acme, month=date.today() - timedelta(days=40))
    api = api_as(acme_user)
    assert api.get("/reports").json() == [] and api.get(f"/reports/{report.pk}").status_code == 404
    assert api_as(assistant).get(f"/reports/{report.pk}").status_code == 200  # the team previews it
    report_send(report=report)
    body = api.get(f"/reports/{report.pk}").json()
    assert body["figures"]["client"] == acme.pk and body["month"] == str(report.month)
    pdf = api.get(f"/reports/{report.pk}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for person in (stranger, outsider):
        other = api_as(person)
        assert other.get("/reports").json() == []
        assert other.get(f"/reports/{report.pk}").status_code == 404
        assert other.get(f"/reports/{report.pk}/pdf").status_code == 404
    assert MonthlyReport.objects.count() == 1
