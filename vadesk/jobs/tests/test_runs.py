"""Runs with progress: started by a request, run as a job, reported on a page only the right people see."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from vadesk.accounts.models import Membership
from vadesk.conftest import login
from vadesk.jobs.models import JobRun
from vadesk.jobs.runs import MAX_MESSAGES, Progress, run_start, runs_for
from vadesk.jobs.tests.probe import counted_run, crashing_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def start(by, org, job=counted_run, audience=JobRun.Audience.OWNERS, **kwargs) -> JobRun:
    return run_start(
        by=by, organisation=org, job=job, title="Counting to %(n)s", params={"n": 5}, audience=audience, **kwargs
    )


def test_a_run_is_enqueued_when_the_transaction_commits_and_reports_its_progress(
    owner, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = start(owner, org, items=5, fail_at=3, result="the result")
    assert JobRun.objects.get(pk=run.pk).state == JobRun.State.QUEUED  # nothing ran before the commit
    for callback in callbacks:
        callback()
    run.refresh_from_db()
    assert run.state == JobRun.State.DONE and (run.done, run.total) == (5, 5) and run.finished_at
    assert run.messages == [{"level": "error", "text": "item %(n)s is bad", "params": {"n": 3}}]
    with default_storage.open(run.result_name) as stored:
        assert stored.read() == b"the result"
    assert run.result_name.startswith(f"runs/{org.pk}/")


def test_the_page_shows_the_progress_and_refreshes_until_done(client, owner, org):
    run = JobRun.objects.create(organisation=org, kind="x", title="Counting to %(n)s", params={"n": 5}, total=4, done=1)
    run.state = JobRun.State.RUNNING
    run.save()
    login(client, owner)
    page = client.get(reverse("jobs:run", args=[run.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Counting to 5" in html and "1 of 4" in html and 'class="w-25"' in html
    assert page["Refresh"] == "2"

    run.state, run.done, run.messages = (
        JobRun.State.DONE,
        4,
        [{"level": "error", "text": "item %(n)s is bad", "params": {"n": 2}}],
    )
    run.save()
    page = client.get(reverse("jobs:run", args=[run.pk]))
    assert (
        "Refresh" not in page
        and "Finished with 1 problem." in page.content.decode()
        and "item 2 is bad" in page.content.decode()
    )


def test_the_download_is_offered_when_done_and_not_before(client, owner, org):
    name = default_storage.save(f"runs/{org.pk}/t/report.zip", ContentFile(b"PK zip bytes"))
    run = JobRun.objects.create(
        organisation=org,
        kind="x",
        title="t",
        result_name=name,
        result_filename="rapport 2026.zip",
        result_type="application/zip",
    )
    login(client, owner)
    assert client.get(reverse("jobs:run_download", args=[run.pk])).status_code == 404  # still queued
    assert "run-download" not in client.get(reverse("jobs:run", args=[run.pk])).content.decode()
    run.state = JobRun.State.DONE
    run.save()
    assert 'data-testid="run-download"' in client.get(reverse("jobs:run", args=[run.pk])).content.decode()
    response = client.get(reverse("jobs:run_download", args=[run.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"PK zip bytes"
    assert response["Content-Type"] == "application/zip" and "rapport 2026.zip" in response["Content-Disposition"]


def test_a_crash_marks_the_run_failed_without_its_text_and_the_job_system_sees_it(
    owner, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start(owner, org, job=crashing_run)
    run.refresh_from_db()
    assert run.state == JobRun.State.FAILED and run.done == 1 and run.finished_at
    assert run.messages[-1]["params"] == {"error": "RuntimeError"}
    assert "secret detail" not in str(run.messages)


def test_a_run_that_runs_again_starts_its_counts_afresh(owner, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = start(owner, org, items=3, fail_at=1)
    counted_run.call(run_id=run.pk, items=3, fail_at=1)  # as a retry or an expired lease would
    run.refresh_from_db()
    assert (run.done, run.total, len(run.messages)) == (3, 3, 1)


def test_messages_are_capped_and_the_rest_counted(owner, org):
    run = JobRun.objects.create(organisation=org, kind="x", title="t")
    progress = Progress(run)
    for n in range(MAX_MESSAGES + 7):
        progress.problem("line %(n)s", n=n)
    progress.flush()
    run.refresh_from_db()
    assert (
        len(run.messages) == MAX_MESSAGES
        and run.params["messages_dropped"] == 7
        and progress.problems == MAX_MESSAGES + 7
    )


def test_only_an_owner_starts_a_run_for_the_owners(assistant, outsider, org, owner):
    for who in (assistant, outsider):
        with pytest.raises(PermissionDenied):
            start(who, org, items=1)
    with pytest.raises(PermissionDenied):
        start(outsider, org, audience=JobRun.Audience.STARTER, items=1)
    assert start(assistant, org, audience=JobRun.Audience.STARTER, items=1).started_by == assistant
    assert JobRun.objects.count() == 1


def test_who_sees_which_run(client, owner, assistant, colleague, outsider, acme_user, org):
    owners_run = JobRun.objects.create(organisation=org, kind="x", title="owners' run", started_by=owner)
    assistants_run = JobRun.objects.create(
        organisation=org, kind="x", title="assistant's import", started_by=assistant, audience=JobRun.Audience.STARTER
    )
    assert set(runs_for(owner)) == {owners_run, assistants_run}
    assert set(runs_for(assistant)) == {assistants_run}
    assert set(runs_for(colleague)) == set() and set(runs_for(outsider)) == set() and set(runs_for(acme_user)) == set()
    for who, run, code in [
        (assistant, owners_run, 404),
        (colleague, assistants_run, 404),
        (outsider, owners_run, 404),
        (outsider, assistants_run, 404),
        (assistant, assistants_run, 200),
        (owner, assistants_run, 200),
    ]:
        login(client, who)
        assert client.get(reverse("jobs:run", args=[run.pk])).status_code == code, (who, run.title)
        assert client.get(reverse("jobs:run_download", args=[run.pk])).status_code == 404
    login(client, acme_user)
    assert client.get(reverse("jobs:run", args=[assistants_run.pk])).status_code == 302  # to the portal


def test_a_former_owner_no_longer_sees_the_run_they_started(client, owner, org):
    run = JobRun.objects.create(organisation=org, kind="x", title="t", started_by=owner)
    Membership.objects.filter(person=owner, organisation=org).update(role=Membership.Role.ASSISTANT)
    login(client, owner)
    assert client.get(reverse("jobs:run", args=[run.pk])).status_code == 404


def test_the_page_speaks_dutch(client, owner, org):
    run = JobRun.objects.create(
        organisation=org, kind="x", title="Monthly invoice run for %(month)s", params={"month": "2026-10"}
    )
    login(client, owner)
    client.cookies["vadesk_language"] = "nl"
    html = client.get(reverse("jobs:run", args=[run.pk])).content.decode()
    assert "Facturen van de maand 2026-10" in html and "Wachtend" in html
