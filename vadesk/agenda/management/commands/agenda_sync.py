"""`vadesk agenda_sync`: the agenda's upkeep at once (the scheduled job does the same every few minutes)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from vadesk.agenda.upkeep import agenda_upkeep


class Command(BaseCommand):
    help = "Sync calendars that are due (or have changes waiting), renew expansion horizons, send reminders. Safe to run every few minutes."

    def handle(self, *args, **options) -> None:
        upkeep = agenda_upkeep(now=timezone.now())
        for calendar, error in upkeep.failures:
            self.stderr.write(f"{calendar}: {error}")
        self.stdout.write(upkeep.summary())
