"""The endpoint services decide: owners only, bounded and checked input, and a job that finds nothing does nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vadesk.lib.net import allowed_parse
from vadesk.tasks.services import task_create
from vadesk.webhooks import services
from vadesk.webhooks.jobs import webhook_deliver_job
from vadesk.webhooks.models import Delivery, Endpoint
from vadesk.webhooks.services import endpoint_create, endpoint_delete, endpoint_update

pytestmark = pytest.mark.django_db
URL = "https://hooks.example/vadesk"


@pytest.mark.parametrize("who", ["assistant", "acme_user", "outsider"])
def test_only_the_organisations_owners_register_endpoints(who, request, org):
    with pytest.raises(PermissionDenied):
        endpoint_create(by=request.getfixturevalue(who), organisation_id=org.pk, url=URL, events=["task.done"])
    assert Endpoint.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "events", "field"),
    [
        ("http://hooks.example/x", ["task.done"], "url"),
        ("https://user:pw@hooks.example/x", ["task.done"], "url"),
        ("ftp://hooks.example/x", ["task.done"], "url"),
        ("https://" + "a" * 500 + ".example", ["task.done"], "url"),
        (URL, [], "events"),
        (URL, ["task.deleted"], "events"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(owner, org, url, events, field):
    with pytest.raises(ValidationError) as refused:
        endpoint_create(by=owner, organisation_id=org.pk, url=url, events=events)
    assert field in refused.value.message_dict


def test_plain_http_is_accepted_only_for_an_allowed_internal_host(owner, org, settings):
    settings.FETCH_ALLOWED = allowed_parse("n8n.lan, 10.0.5.0/24")
    for url in ("http://n8n.lan:5678/webhook/x", "http://10.0.5.7/hook"):
        endpoint_create(by=owner, organisation_id=org.pk, url=url, events=["task.done"])
    with pytest.raises(ValidationError):
        endpoint_create(by=owner, organisation_id=org.pk, url="http://10.0.6.7/hook", events=["task.done"])


def test_an_organisation_has_a_bounded_number_of_endpoints(owner, org, monkeypatch):
    monkeypatch.setattr(services, "MAX_ENDPOINTS", 2)
    for _ in range(2):
        endpoint_create(by=owner, organisation_id=org.pk, url=URL, events=["task.done"])
    with pytest.raises(ValidationError):
        endpoint_create(by=owner, organisation_id=org.pk, url=URL, events=["task.done"])


def test_an_assistant_cannot_change_or_delete_an_endpoint(owner, org, assistant):
    endpoint, _secret = endpoint_create(by=owner, organisation_id=org.pk, url=URL, events=["task.done"])
    with pytest.raises(PermissionDenied):
        endpoint_update(by=assistant, endpoint=endpoint, url=URL, events=["task.done"], description="", is_active=False)
    with pytest.raises(PermissionDenied):
        endpoint_delete(by=assistant, endpoint=endpoint)
    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_a_job_whose_endpoint_was_deleted_does_nothing(owner, org, assistant, acme):
    endpoint, _secret = endpoint_create(by=owner, organisation_id=org.pk, url=URL, events=["task.created"])
    task_create(by=assistant, client=acme, title="x")
    delivery = Delivery.objects.get()
    endpoint_delete(by=owner, endpoint=endpoint)
    assert webhook_deliver_job.call(delivery_id=delivery.pk, organisation_id=org.pk) == "gone"
