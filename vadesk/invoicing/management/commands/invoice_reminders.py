"""vadesk invoice_reminders: send the payment reminders that are due, for every organisation (run daily; idempotent)."""

from django.core.management.base import BaseCommand

from vadesk.accounts.models import Organisation
from vadesk.invoicing.reminders import reminders_send


class Command(BaseCommand):
    help = "Send due payment reminders (first, second, final notice) on each organisation's schedule."

    def handle(self, *args, **options):
        total = 0
        for organisation in Organisation.objects.filter(invoices__isnull=False).distinct():
            total += len(reminders_send(organisation=organisation))
        self.stdout.write(f"Sent {total} reminder(s).")
