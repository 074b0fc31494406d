"""Validators for identifiers an accountant checks: VAT ids and IBANs."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as StdnumError


def normalise_vat_id(value: str) -> str:
    """The compact form, NL123456782B01. A value without a known country comes back trimmed for the validator to reject:
    Django runs Model.clean() even when a field validator already failed."""
    try:
        return vat.compact(value)
    except StdnumError:
        return value.strip()


def validate_vat_id(value: str) -> None:
    try:
        vat.validate(value)
    except StdnumError:
        raise ValidationError(
            _("%(value)s is not a valid EU VAT id (e.g. NL123456789B01, DE123456789, BE0123456789)."),
            params={"value": value},
            code="invalid_vat_id",
        ) from None


def normalise_iban(value: str) -> str:
    """The compact form, NL91ABNA0417164300: upper case, no spaces. Stored so, and so in the QR code and XML."""
    return IBAN(value, allow_invalid=True).compact if value else value


def format_iban(value: str) -> str:
    """Grouped by four for people to read (EBS 204 / ISO 13616 paper format): NL91 ABNA 0417 1643 00."""
    compact = "".join((value or "").split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def validate_iban(value: str) -> None:
    try:
        IBAN(value)
    except SchwiftyException:
        raise ValidationError(
            _("%(value)s is not a valid IBAN."), params={"value": value}, code="invalid_iban"
        ) from None


def bic_for_iban(value: str) -> str:
    try:
        bic = IBAN(value).bic
    except SchwiftyException:
        return ""
    return str(bic) if bic else ""
