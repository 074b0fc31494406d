"""Organisation.full_clean: the identifiers an accountant checks."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import trans_real

from vadesk.accounts.models import Organisation

VAT_MESSAGE = "%(value)s is not a valid EU VAT id (e.g. NL123456789B01, DE123456789, BE0123456789)."
IBAN_MESSAGE = "%(value)s is not a valid IBAN."


@pytest.fixture
def dutch(monkeypatch):
    """Dutch active, with our own wording in its catalogue so the test does not hang on the translators' choice."""
    catalog = trans_real.translation("nl")._catalog._catalogs[0]
    monkeypatch.setitem(catalog, VAT_MESSAGE, "%(value)s is geen geldig btw-identificatienummer.")
    monkeypatch.setitem(catalog, IBAN_MESSAGE, "%(value)s is geen geldig IBAN.")
    with translation.override("nl"):
        yield


def organisation(**fields) -> Organisation:
    return Organisation(name="Assist & Co", **fields)


def test_it_accepts_and_normalises_a_valid_vat_id_and_iban(db):
    org = organisation(vat_id="nl 1234.56.782.b01", iban="nl91 abna 0417 1643 00")

    org.full_clean()

    assert (org.vat_id, org.iban) == ("NL123456782B01", "NL91ABNA0417164300")


@pytest.mark.parametrize(
    ("vat_id", "iban"), [("DE136695976", "DE89370400440532013000"), ("BE0403170701", "BE68539007547034"), ("", "")]
)
def test_it_accepts_german_and_belgian_ids_and_no_ids_at_all(db, vat_id, iban):
    organisation(vat_id=vat_id, iban=iban).full_clean()


@pytest.mark.parametrize("vat_id", ["NL123456789B01", "DE136695977", "BE0403170702", "XX123"])
def test_it_rejects_a_bad_vat_id_on_its_field(db, vat_id):
    with pytest.raises(ValidationError) as rejected:
        organisation(vat_id=vat_id).full_clean()

    assert rejected.value.message_dict == {"vat_id": [VAT_MESSAGE % {"value": vat_id}]}


def test_it_rejects_a_bad_iban_on_its_field(db):
    with pytest.raises(ValidationError) as rejected:
        organisation(iban="NL91ABNA0417164301").full_clean()

    assert rejected.value.message_dict == {"iban": ["NL91ABNA0417164301 is not a valid IBAN."]}


def test_it_rejects_bad_ids_in_the_language_of_the_person_reading(db, dutch):
    with pytest.raises(ValidationError) as rejected:
        organisation(vat_id="NL123456789B01", iban="NL00RABO0000000000").full_clean()

    assert rejected.value.message_dict == {
        "vat_id": ["NL123456789B01 is geen geldig btw-identificatienummer."],
        "iban": ["NL00RABO0000000000 is geen geldig IBAN."],
    }


def test_it_rejects_an_unknown_time_zone(db):
    with pytest.raises(ValidationError) as rejected:
        organisation(time_zone="Europe/Utrecht").full_clean()

    assert rejected.value.message_dict == {"time_zone": ["Europe/Utrecht is not a known time zone."]}
