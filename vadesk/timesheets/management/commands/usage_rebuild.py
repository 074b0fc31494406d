"""Rebuild the kept monthly usage of engagements from their time entries (after a bulk import or a repair)."""

from django.core.management.base import BaseCommand

from vadesk.timesheets.usage import usage_rebuild


class Command(BaseCommand):
    help = "Recompute the monthly usage balances read, from the time entries (all engagements, or those given)."

    def add_arguments(self, parser):
        parser.add_argument("engagements", nargs="*", type=int, help="engagement ids; all when none are given")

    def handle(self, *args, engagements, **options):
        kept = usage_rebuild(engagements or None)
        if options["verbosity"]:
            self.stdout.write(f"{kept} monthly usage rows rebuilt.")
