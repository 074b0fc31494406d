"""IBANs and VAT ids typed with spaces or in lower case, stored compact as the forms now store them.

Final invoices keep their frozen snapshots (what was issued stays as issued); their PDF, QR code and XML compact
the IBAN on the way out."""

from django.db import migrations
from schwifty import IBAN
from stdnum.eu import vat
from stdnum.exceptions import ValidationError


def _compact_vat_id(value: str) -> str:
    try:
        return vat.compact(value)
    except ValidationError:
        return value.strip()


def compact(apps, schema_editor):
    SellerProfile = apps.get_model("invoicing", "SellerProfile")
    Buyer = apps.get_model("invoicing", "Buyer")
    for profile in SellerProfile.objects.exclude(iban="").only("iban", "bic"):
        iban, bic = IBAN(profile.iban, allow_invalid=True).compact, "".join(profile.bic.split()).upper()
        if (iban, bic) != (profile.iban, profile.bic):
            SellerProfile.objects.filter(pk=profile.pk).update(iban=iban, bic=bic)
    for buyer in Buyer.objects.exclude(vat_id="").only("vat_id"):
        compacted = _compact_vat_id(buyer.vat_id)
        if compacted != buyer.vat_id:
            Buyer.objects.filter(pk=buyer.pk).update(vat_id=compacted)


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0004_invoice_dispatch")]

    operations = [migrations.RunPython(compact, migrations.RunPython.noop)]
