"""The monthly run as a job: one transaction per client, progress on its page, a failure reported, no duplicates."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from vadesk.clients.models import Assignment, Client
from vadesk.conftest import login
from vadesk.engagements.models import Engagement
from vadesk.invoicing.jobs import invoice_month_run_job
from vadesk.invoicing.models import Invoice, InvoiceLine
from vadesk.invoicing.services import drafts
from vadesk.invoicing.tests.conftest import log
from vadesk.jobs.models import JobRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_clients(billable_acme, hourly, october_hours, assistant, org):
    """Acme, Beta and Gamma, each with October hours (Gamma also a retainer, billed in advance); Idle has none."""
    for name in ("Beta B.V.", "Gamma GmbH"):
        other = Client.objects.create(organisation=org, name=name, country="NL", street="Weg 1", city="Utrecht")
        Assignment.objects.create(client=other, person=assistant)
        engagement = Engagement.objects.create(
            client=other,
            name="Support",
            kind=Engagement.Kind.HOURLY,
            starts_on=date(2026, 1, 1),
            hourly_rate=Decimal(60),
        )
        log(engagement, assistant, date(2026, 10, 5), 90)
    Engagement.objects.create(
        client=other,
        name="Retainer 10",
        kind=Engagement.Kind.RETAINER,
        starts_on=date(2026, 1, 1),
        monthly_hours=Decimal("10"),
        monthly_price=Decimal("500.00"),
        excess_rate=Decimal("55.00"),
    )
    Client.objects.create(organisation=org, name="Idle Ltd", country="NL")


def start_run(client, django_capture_on_commit_callbacks, month="2026-10"):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invoicing:run"), {"month": month})
    assert response.status_code == 302
    return JobRun.objects.get(pk=response.url.split("/")[-2])


def test_the_request_starts_the_run_and_its_page_shows_the_drafts_made(
    client, owner, seller, three_clients, django_capture_on_commit_callbacks
):
    login(client, owner)
    run = start_run(client, django_capture_on_commit_callbacks)
    assert run.state == JobRun.State.DONE and (run.done, run.total) == (4, 4)
    assert sorted(Invoice.objects.values_list("client__name", flat=True)) == ["Acme B.V.", "Beta B.V.", "Gamma GmbH"]
    page = client.get(reverse("jobs:run", args=[run.pk])).content.decode()
    assert "Monthly invoice run for 2026-10" in page and "3 draft(s) made" in page and "Finished." in page


def test_a_second_run_and_a_run_that_runs_again_make_no_duplicates(
    client, owner, seller, three_clients, django_capture_on_commit_callbacks
):
    login(client, owner)
    first = start_run(client, django_capture_on_commit_callbacks)
    lines_after_the_first_run = InvoiceLine.objects.count()
    start_run(client, django_capture_on_commit_callbacks)
    # The same job again, as after a worker was killed after its commit:
    assert invoice_month_run_job.call(run_id=first.pk, organisation_id=first.organisation_id, month="2026-10-01") == 0
    assert Invoice.objects.count() == 3 and InvoiceLine.objects.filter(invoice__client__name="Gamma GmbH").count() > 1
    assert InvoiceLine.objects.count() == lines_after_the_first_run


def test_one_clients_failure_is_reported_and_rolls_back_only_that_client(
    client, owner, seller, three_clients, monkeypatch, django_capture_on_commit_callbacks
):
    real = drafts.invoice_draft_create

    def crash_for_beta(**kwargs):
        draft = real(**kwargs)  # written, then the crash: Beta's transaction must take it back
        if kwargs["client"].name == "Beta B.V.":
            raise RuntimeError("disk on fire")
        return draft

    monkeypatch.setattr(drafts, "invoice_draft_create", crash_for_beta)
    login(client, owner)
    run = start_run(client, django_capture_on_commit_callbacks)
    assert sorted(Invoice.objects.values_list("client__name", flat=True)) == ["Acme B.V.", "Gamma GmbH"]
    assert run.state == JobRun.State.DONE and run.done == 4
    assert [m["params"] for m in run.messages if m["level"] == "error"] == [
        {"client": "Beta B.V.", "error": "RuntimeError"}
    ]
    page = client.get(reverse("jobs:run", args=[run.pk])).content.decode()
    assert "Finished with 1 problem." in page and "Beta B.V.: RuntimeError" in page

    monkeypatch.setattr(drafts, "invoice_draft_create", real)  # the cause fixed, the month run again
    start_run(client, django_capture_on_commit_callbacks)
    assert Invoice.objects.filter(client__name="Beta B.V.").count() == 1 and Invoice.objects.count() == 3


def test_only_an_owner_starts_it(client, assistant, seller, three_clients, django_capture_on_commit_callbacks):
    login(client, assistant)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("invoicing:run"), {"month": "2026-10"}).status_code == 403
    assert not JobRun.objects.exists() and not Invoice.objects.exists()


def test_an_owner_who_lost_the_role_before_the_job_ran_makes_no_drafts(
    client, owner, seller, three_clients, django_capture_on_commit_callbacks
):
    login(client, owner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("invoicing:run"), {"month": "2026-10"})
    owner.memberships.update(role="assistant")
    for callback in callbacks:
        callback()
    run = JobRun.objects.get()
    assert not Invoice.objects.exists() and run.messages[0]["text"] == "Only an owner can do this."


def test_a_nonsense_month_starts_nothing(client, owner, seller, django_capture_on_commit_callbacks):
    login(client, owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("invoicing:run"), {"month": "2026-13"}).url == reverse("invoicing:list")
    assert not JobRun.objects.exists()
