"""Electronic addresses (BT-34 / BT-49) and legal registration ids (BT-30 / BT-47) with their schemes, as the Peppol
EAS list (PEPPOL-EN16931-CL008), the NL CIUS (NL-R-003 / NL-R-005) and PEPPOL-COMMON-R043 accept them."""

import pytest

from vadesk.einvoice.xmlutil import endpoint, registration


@pytest.mark.parametrize(
    ("facts", "peppol", "expected"),
    [
        (dict(scheme="0190", address="00000001001299992000"), True, ("0190", "00000001001299992000")),
        (dict(vat_id="NL123456782B01", email="a@b.nl"), True, ("9944", "NL123456782B01")),
        (dict(vat_id="ATU13585627"), True, ("9914", "ATU13585627")),
        (dict(registration_id="12345678", country="NL", email="a@b.nl"), True, ("0106", "12345678")),
        (dict(registration_id="0403.019.261", country="BE"), True, ("0208", "0403019261")),
        (dict(registration_id="HRB 12345", country="DE", email="a@b.de"), True, ("", "")),
        (dict(email="jan@example.nl"), True, ("", "")),  # no EM in Peppol
        (dict(scheme="EM", address="jan@example.nl"), True, ("", "")),
        (dict(email="jan@example.nl"), False, ("EM", "jan@example.nl")),  # EN 16931 lists EM (BR-CL-25)
        (dict(), False, ("", "")),
    ],
)
def test_the_electronic_address_and_its_scheme(facts, peppol, expected):
    vat_id, email = facts.pop("vat_id", ""), facts.pop("email", "")
    assert (
        endpoint(vat_id, email, facts.pop("scheme", ""), facts.pop("address", ""), peppol=peppol, **facts) == expected
    )


@pytest.mark.parametrize(
    ("country", "registration_id", "expected"),
    [
        ("NL", "12345678", ("0106", "12345678")),
        ("NL", "1234567", ("", "1234567")),  # not a KvK number: written without a scheme
        ("BE", "0477.472.701", ("0208", "0477472701")),
        ("BE", "0477.472.702", ("", "0477.472.702")),  # fails the mod-97 check
        ("DE", "HRB 12345", ("", "HRB 12345")),  # the Handelsregister has no ICD code
    ],
)
def test_the_legal_registration_id_and_its_scheme(country, registration_id, expected):
    assert registration(country, registration_id) == expected
