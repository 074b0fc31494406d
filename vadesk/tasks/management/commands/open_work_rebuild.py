"""Rebuild the kept open work of organisations from their tasks (after a bulk import or a repair)."""

from django.core.management.base import BaseCommand

from vadesk.tasks.open_work import open_work_rebuild


class Command(BaseCommand):
    help = "Recompute the kept open and overdue work the owners' overview reads, from the tasks (all organisations, or those given)."

    def add_arguments(self, parser):
        parser.add_argument("organisations", nargs="*", type=int, help="organisation ids; all when none are given")

    def handle(self, *args, organisations, **options):
        kept = open_work_rebuild(organisations or None)
        if options["verbosity"]:
            self.stdout.write(f"{kept} open work rows rebuilt.")
