"""Invoicing fixtures: a complete seller (address, VAT id, IBAN) and a client with an address."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from vadesk.engagements.models import Engagement
from vadesk.invoicing.services import seller_profile_of

PERIOD = (date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture
def seller(org):
    org.street, org.postal_code, org.city, org.coc_number = "Keizersgracht 123", "1015 CJ", "Amsterdam", "12345678"
    org.save()
    profile = seller_profile_of(org)
    profile.email, profile.phone, profile.contact_name = "facturen@assist.example", "+31 20 123 4567", "Olga Owner"
    profile.save()
    return profile


@pytest.fixture
def billable_acme(acme):
    acme.street, acme.postal_code, acme.city, acme.email = "Damrak 1", "1012 LG", "Amsterdam", "ap@acme.example"
    acme.coc_number = "33014286"  # its Peppol address: KvK, EAS 0106 (PEPPOL-EN16931-R010)
    acme.save()
    return acme


@pytest.fixture
def hourly(billable_acme):
    return Engagement.objects.create(
        client=billable_acme,
        name="Ad hoc support",
        kind=Engagement.Kind.HOURLY,
        starts_on=date(2026, 1, 1),
        hourly_rate=Decimal("55.00"),
        billing_increment_minutes=15,
    )


def log(engagement, person, day, minutes, task=None):
    from vadesk.timesheets.services import time_entry_log

    return time_entry_log(by=person, engagement=engagement, work_date=day, minutes=minutes, task=task)


@pytest.fixture
def october_hours(hourly, assistant):
    return [log(hourly, assistant, date(2026, 10, 1) + timedelta(days=i), 50) for i in range(4)]


@pytest.fixture(autouse=True)
def _file_storage(settings, tmp_path):
    """Uploads that runs store and the files they make go into the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
