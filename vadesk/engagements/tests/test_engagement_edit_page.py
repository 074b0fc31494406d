"""The engagement page saves what it shows: opening an engagement and saving it unchanged changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from vadesk.engagements.models import Engagement


def _posted(form) -> dict[str, str]:
    """What the browser sends back for an untouched form: each field's shown value."""
    return {name: "" if form[name].value() is None else str(form[name].value()) for name in form.fields}


@pytest.fixture
def rated_org(org):
    org.default_hourly_rate = Decimal("65.00")
    org.save(update_fields=["default_hourly_rate"])
    return org


def test_saving_an_unchanged_engagement_changes_no_column(client, owner, rated_org, bundle):
    bundle.starts_on = date(2025, 3, 1)
    bundle.save(update_fields=["starts_on"])
    before = model_to_dict(Engagement.objects.get(pk=bundle.pk))
    client.force_login(owner)
    url = reverse("engagement_edit", args=[bundle.client_id, bundle.pk])

    form = client.get(url).context["form"]
    assert client.post(url, _posted(form)).status_code == 302

    assert model_to_dict(Engagement.objects.get(pk=bundle.pk)) == before


def test_a_new_engagement_starts_today_at_the_default_rate(client, owner, rated_org, acme, time_machine):
    time_machine.move_to("2026-05-04 10:00:00+02:00")
    client.force_login(owner)

    form = client.get(reverse("engagement_create", args=[acme.pk])).context["form"]

    assert (form["starts_on"].value(), form["hourly_rate"].value()) == (date(2026, 5, 4), Decimal("65.00"))
