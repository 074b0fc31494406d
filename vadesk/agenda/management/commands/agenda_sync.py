"""`vadesk agenda_sync`: sync due CalDAV calendars and subscriptions, renew rolling horizons, queue reminders in the comms outbox."""

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from vadesk.agenda.caldav_sync import calendar_refresh
from vadesk.agenda.materialise import HORIZON_RENEW, calendar_materialise
from vadesk.agenda.models import Calendar, Event
from vadesk.agenda.services import reminders_send


class Command(BaseCommand):
    help = "Sync calendars that are due (or have changes waiting), renew expansion horizons, send reminders. Safe to run every few minutes."

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        remote = Calendar.objects.filter(source__in=[Calendar.Source.CALDAV, Calendar.Source.SUBSCRIPTION])
        waiting = Event.objects.filter(pending_push=True).values("calendar_id")
        due = remote.filter(Q(next_sync_at__isnull=True) | Q(next_sync_at__lte=now) | Q(pk__in=waiting))
        failed = 0
        for calendar in due:
            if calendar_refresh(calendar=calendar):
                failed += 1
                self.stderr.write(f"{calendar}: {Calendar.objects.get(pk=calendar.pk).last_error}")
        renewed = 0
        for calendar in Calendar.objects.filter(
            Q(materialised_until__isnull=True) | Q(materialised_until__lt=now + HORIZON_RENEW)
        ):
            calendar_materialise(calendar=calendar, now=now)
            renewed += 1
        reminded = reminders_send(now=now)
        self.stdout.write(
            f"Synced {len(due) - failed}, failed {failed}, horizons renewed {renewed}, reminders queued {reminded}."
        )
