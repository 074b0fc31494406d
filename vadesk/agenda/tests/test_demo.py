"""The demo's agenda: a few clients' calendars with a series, an all-day and a cancelled event, and bookings on tasks."""

from datetime import UTC, date, datetime

import time_machine
from django.test import TestCase, override_settings

from vadesk.agenda.models import Calendar, Event, Occurrence, Party
from vadesk.demo.loader import demo_load

NOW = datetime(2026, 3, 11, 9, tzinfo=UTC)  # a Wednesday


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class AgendaDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Occurrences are materialised around the real clock, so the clock is moved to the demo's day too.
        with time_machine.travel(NOW, tick=False):
            demo_load(now=NOW)

    def test_a_few_clients_have_calendars_with_every_kind_of_event(self):
        parties = Party.objects.filter(kind=Party.Kind.CLIENT)
        self.assertEqual(parties.count(), 5)  # three in the agency, both of the solo VA's
        for party in parties:
            self.assertEqual(sorted(party.calendars.values_list("source", flat=True)), ["local", "upload"])
            private = party.calendars.get(source=Calendar.Source.UPLOAD)
            self.assertEqual(private.import_problems, [])
            sport = Occurrence.objects.filter(calendar=private, summary="Sport")
            self.assertGreater(sport.count(), 50)  # Mondays and Thursdays through the horizon
            # The EXDATE takes out next Monday's session (16 March).
            self.assertFalse(sport.filter(start__date=date(2026, 3, 16)).exists())
            self.assertTrue(sport.filter(start__date=date(2026, 3, 19)).exists())
            self.assertEqual(
                list(Occurrence.objects.filter(calendar=private, kind="allday").values_list("start__date", flat=True)),
                [date(2026, 3, 13)],
            )
            cancelled = Occurrence.objects.get(calendar=private, summary="Dinner (cancelled)")
            self.assertEqual((cancelled.status, cancelled.busy), ("CANCELLED", False))
            self.assertFalse(
                Occurrence.objects.filter(calendar=private, summary="Week planning (free)", busy=True).exists()
            )

    def test_bookings_are_linked_to_tasks_and_one_is_cancelled(self):
        bookings = Event.objects.filter(booked_by__isnull=False, calendar__party__kind=Party.Kind.CLIENT)
        self.assertEqual(bookings.count(), 15)
        self.assertGreaterEqual(bookings.filter(task__isnull=False).count(), 10)
        for event in bookings.filter(task__isnull=False):
            self.assertEqual(event.task.client_id, event.calendar.party.client_id)
        self.assertEqual(Occurrence.objects.filter(event__in=bookings, status="CANCELLED").count(), 5)
        # Fixed UIDs and times relative to the given day: the same load gives the same agenda.
        first = bookings.order_by("pk").first()
        self.assertRegex(first.uid, r"^demo-\d+-0@vadesk$")
        self.assertEqual(
            Occurrence.objects.get(event=first).start, datetime(2026, 3, 10, 9, tzinfo=UTC)
        )  # Tuesday 10:00 CET
        self.assertEqual(first.attendees.count(), 1)
