"""The failed-jobs page: an owner sees and retries their organisation's failed jobs, nobody else's."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from vadesk.accounts.models import Membership
from vadesk.conftest import login, make_person
from vadesk.jobs.tests.probe import always_fails, noop


def failed(**kwargs) -> DBTaskResult:
    result = always_fails.enqueue(**kwargs)
    job = DBTaskResult.objects.get(pk=result.id)
    job.worker_ids = ["w1", "w2", "w3"]
    job.save(update_fields=["worker_ids"])
    job.set_failed(RuntimeError("the printer is on fire"))
    return job


@pytest.fixture
def jobs(database_backend, org, other_org):
    return {"ours": failed(organisation_id=org.pk), "theirs": failed(organisation_id=other_org.pk), "system": failed()}


@pytest.mark.django_db
def test_an_owner_sees_their_organisations_failed_jobs_only(client, owner, jobs):
    login(client, owner)
    page = client.get(reverse("jobs:failed"))
    assert page.status_code == 200
    html = page.content.decode()
    assert str(jobs["ours"].pk) in html and "the printer is on fire" in html
    assert str(jobs["theirs"].pk) not in html and str(jobs["system"].pk) not in html


@pytest.mark.django_db
def test_retry_from_the_page_enqueues_the_job_again(client, owner, jobs):
    login(client, owner)
    response = client.post(reverse("jobs:retry", args=[jobs["ours"].pk]))
    assert response.status_code == 302
    again = DBTaskResult.objects.get(pk=jobs["ours"].pk)
    assert again.status == "READY" and again.worker_ids == []
    assert str(jobs["ours"].pk) not in client.get(reverse("jobs:failed")).content.decode()


@pytest.mark.django_db
def test_another_organisations_owner_cannot_retry_it(client, outsider, jobs):
    login(client, outsider)
    assert client.post(reverse("jobs:retry", args=[jobs["ours"].pk])).status_code == 404
    assert client.post(reverse("jobs:retry", args=[jobs["system"].pk])).status_code == 404
    assert DBTaskResult.objects.get(pk=jobs["ours"].pk).status == "FAILED"
    assert str(jobs["ours"].pk) not in client.get(reverse("jobs:failed")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["assistant", "acme_user"])
def test_a_non_owner_is_refused(client, request, who, jobs):
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("jobs:failed")).status_code in (302, 403)
    assert client.post(reverse("jobs:retry", args=[jobs["ours"].pk])).status_code in (302, 403)
    assert DBTaskResult.objects.get(pk=jobs["ours"].pk).status == "FAILED"


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_sign_in(client, jobs):
    assert client.get(reverse("jobs:failed")).status_code == 302


@pytest.mark.django_db
def test_a_superuser_owner_sees_every_failed_job(client, org, jobs):
    operator = make_person("root@vadesk.example", "Operator")
    operator.is_superuser = True
    operator.save(update_fields=["is_superuser"])
    Membership.objects.create(person=operator, organisation=org, role=Membership.Role.OWNER)
    login(client, operator)
    html = client.get(reverse("jobs:failed")).content.decode()
    assert all(str(job.pk) in html for job in jobs.values())


@pytest.mark.django_db
def test_the_page_speaks_dutch(client, owner, jobs):
    login(client, owner)
    client.cookies["vadesk_language"] = "nl"
    assert "Mislukte achtergrondtaken" in client.get(reverse("jobs:failed")).content.decode()


@pytest.mark.django_db
def test_the_command_lists_and_retries_failed_jobs(capsys, jobs):
    noop.enqueue()  # not failed: not listed
    call_command("jobs", "--failed")
    listed = capsys.readouterr().out
    assert all(str(job.pk) in listed for job in jobs.values()) and "3 failed job(s)." in listed
    assert "RuntimeError: the printer is on fire" in listed

    call_command("jobs", "--retry", str(jobs["system"].pk))
    assert DBTaskResult.objects.get(pk=jobs["system"].pk).status == "READY"
    with pytest.raises(CommandError, match="no failed job"):
        call_command("jobs", "--retry", str(jobs["system"].pk))
    with pytest.raises(CommandError, match="no failed job"):
        call_command("jobs", "--retry", "not-a-uuid")
