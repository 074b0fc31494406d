"""vadesk einvoice NUMBER --format ubl|cii|xrechnung-ubl|xrechnung-cii|facturx --out PATH   (or --all --out DIR)"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from vadesk.accounts.models import Organisation
from vadesk.invoicing.einvoices import FORMATS, einvoice_bytes, formats_of
from vadesk.invoicing.models import Invoice


class Command(BaseCommand):
    help = (
        "Write the e-invoice of a final invoice or credit note (or of all of an organisation's) in a standard format."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", nargs="?", help="the invoice or credit note number, e.g. 2026-0042")
        parser.add_argument("--format", choices=FORMATS, default="ubl")
        parser.add_argument("--out", required=True, help="a file (one document) or a directory (--all)")
        parser.add_argument("--all", action="store_true", help="every final document of the organisation")
        parser.add_argument(
            "--organisation", type=int, help="organisation id; needed when several organisations use the number"
        )

    def handle(self, *args, number=None, format="ubl", out="", all=False, organisation=None, **options):
        invoices = Invoice.objects.final().select_related("seller__organisation", "client", "credit_of")
        if organisation:
            if not Organisation.objects.filter(pk=organisation).exists():
                raise CommandError(f"No organisation {organisation}.")
            invoices = invoices.filter(organisation_id=organisation)
        if all:
            if number:
                raise CommandError("Give a number or --all, not both.")
            if not organisation and invoices.values("organisation").distinct().count() > 1:
                raise CommandError("Several organisations have invoices: say which with --organisation ID.")
            directory = Path(out)
            directory.mkdir(parents=True, exist_ok=True)
            count = skipped = 0
            for invoice in invoices.order_by("issue_date", "number"):
                if format not in formats_of(invoice, [format]):
                    skipped += 1  # Peppol UBL without a Peppol address for a party
                    continue
                content, filename, _type = einvoice_bytes(invoice, format)
                (directory / filename).write_bytes(content)
                count += 1
            self.stdout.write(
                f"Wrote {count} file(s) to {directory}"
                + (f"; {skipped} without this format skipped" if skipped else "")
            )
            return
        if not number:
            raise CommandError("Give the invoice number, or --all.")
        matches = list(invoices.filter(number=number))
        if not matches:
            raise CommandError(f"No final invoice or credit note numbered {number}.")
        if len(matches) > 1:
            raise CommandError(f"Several organisations use number {number}: add --organisation ID.")
        try:
            content, _filename, _type = einvoice_bytes(matches[0], format)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        Path(out).write_bytes(content)
        self.stdout.write(f"Wrote {out}")
