import pytest
from django.core.exceptions import ValidationError

from vadesk.lib.validators import (
    bic_for_iban,
    normalise_iban,
    normalise_vat_id,
    validate_iban,
    validate_vat_id,
)


@pytest.mark.parametrize(
    "value",
    [
        "NL123456782B01",
        "NL000099998B57",
        "nl 1234.56.782.b01",
        "DE136695976",
        "DE 136 695 976",
        "BE0403170701",
        "BE 0403.170.701",
    ],
)
def test_it_accepts_valid_dutch_german_and_belgian_vat_ids(value):
    validate_vat_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "NL123456789B01",  # wrong check digit
        "NL123456782",  # no B01 suffix
        "DE136695977",  # wrong check digit
        "DE13669597",  # too short
        "BE0403170702",  # wrong check digit
        "BE1403170701",  # Belgian numbers start with 0 or 1 and pass mod 97
        "XX123456789",  # no such country
        "123456789",  # no country prefix
    ],
)
def test_it_rejects_invalid_vat_ids(value):
    with pytest.raises(ValidationError) as rejected:
        validate_vat_id(value)

    assert rejected.value.code == "invalid_vat_id"
    assert rejected.value.messages == [
        f"{value} is not a valid EU VAT id (e.g. NL123456789B01, DE123456789, BE0123456789)."
    ]


def test_it_normalises_a_vat_id_to_its_compact_form():
    assert normalise_vat_id("nl 1234.56.782.b01") == "NL123456782B01"
    assert normalise_vat_id("BE 403.170.701") == "BE0403170701"


def test_normalising_a_vat_id_it_cannot_parse_leaves_it_for_the_validator():
    assert normalise_vat_id(" XX123 ") == "XX123"


@pytest.mark.parametrize(
    "value", ["NL91ABNA0417164300", "nl91 abna 0417 1643 00", "DE89370400440532013000", "BE68539007547034"]
)
def test_it_accepts_valid_ibans(value):
    validate_iban(value)


@pytest.mark.parametrize(
    "value", ["NL91ABNA0417164301", "NL91ABNA041716430", "DE89370400440532013001", "BE68539007547035", "garbage!", ""]
)
def test_it_rejects_invalid_ibans(value):
    with pytest.raises(ValidationError) as rejected:
        validate_iban(value)

    assert rejected.value.code == "invalid_iban"
    assert rejected.value.messages == [f"{value} is not a valid IBAN."]


def test_it_normalises_an_iban_and_finds_its_bic():
    assert normalise_iban("nl91 abna 0417 1643 00") == "NL91ABNA0417164300"
    assert bic_for_iban("NL91ABNA0417164300") == "ABNANL2A"
    assert bic_for_iban("not an iban") == ""
