"""Rebuild the kept revenue per month of organisations from their final invoices (after an import or a repair)."""

from django.core.management.base import BaseCommand

from vadesk.invoicing.revenue import revenue_rebuild


class Command(BaseCommand):
    help = "Recompute the kept revenue per month the owners' dashboard charts, from the final invoices (all organisations, or those given)."

    def add_arguments(self, parser):
        parser.add_argument("organisations", nargs="*", type=int, help="organisation ids; all when none are given")

    def handle(self, *args, organisations, **options):
        kept = revenue_rebuild(organisations or None)
        if options["verbosity"]:
            self.stdout.write(f"{kept} revenue months rebuilt.")
