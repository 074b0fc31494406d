"""The demo practice's agenda: calendars for a few clients, with recurring, all-day and cancelled events and bookings on tasks.

Everything is placed relative to `now` and named by fixed UIDs, so two loads on the same day give the same agenda.
Bookings go through booking_create/booking_cancel (send=False: the demo e-mails nobody).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from vadesk.accounts.models import Membership, Organisation
from vadesk.agenda.importing import calendar_import_ics
from vadesk.agenda.models import Calendar, Party
from vadesk.agenda.parties import assistant_party, client_party
from vadesk.agenda.services import booking_cancel, booking_create
from vadesk.clients.models import Client
from vadesk.tasks.models import Task

CLIENTS_PER_ORGANISATION = 3


def _ics(client: Client, monday: date, zone: str) -> str:
    """A 'private' calendar as a phone would export it: a weekly series with an EXDATE, an all-day event, a cancelled one."""
    first = (monday - timedelta(days=14)).strftime("%Y%m%d")
    skipped = (monday + timedelta(days=7)).strftime("%Y%m%d")
    holiday_start, holiday_end = (
        (monday + timedelta(days=4)).strftime("%Y%m%d"),
        (monday + timedelta(days=5)).strftime("%Y%m%d"),
    )
    cancelled = (monday + timedelta(days=2)).strftime("%Y%m%d")
    key = f"demo-{client.pk}"
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//vadesk//demo//EN",
            "BEGIN:VEVENT",
            f"UID:{key}-sport@demo.vadesk",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART;TZID={zone}:{first}T073000",
            f"DTEND;TZID={zone}:{first}T083000",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,TH",
            f"EXDATE;TZID={zone}:{skipped}T073000",
            "SUMMARY:Sport",
            "END:VEVENT",
            "BEGIN:VEVENT",
            f"UID:{key}-day-off@demo.vadesk",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART;VALUE=DATE:{holiday_start}",
            f"DTEND;VALUE=DATE:{holiday_end}",
            "SUMMARY:Day off",
            "END:VEVENT",
            "BEGIN:VEVENT",
            f"UID:{key}-dinner@demo.vadesk",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART;TZID={zone}:{cancelled}T190000",
            f"DTEND;TZID={zone}:{cancelled}T213000",
            "STATUS:CANCELLED",
            "SUMMARY:Dinner (cancelled)",
            "END:VEVENT",
            "BEGIN:VEVENT",
            f"UID:{key}-planning@demo.vadesk",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART;TZID={zone}:{first}T160000",
            f"DTEND;TZID={zone}:{first}T163000",
            "RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=12",
            "TRANSP:TRANSPARENT",
            "SUMMARY:Week planning (free)",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


def agenda_demo(organisations: list[Organisation], *, now: datetime) -> int:
    """Returns how many bookings were made."""
    booked = 0
    for organisation in organisations:
        zone = ZoneInfo(organisation.time_zone)
        today = timezone.localdate(now)
        monday = today - timedelta(days=today.weekday())
        owner = (
            Membership.objects.filter(organisation=organisation, role=Membership.Role.OWNER)
            .select_related("person")
            .order_by("pk")[0]
            .person
        )
        with_users = set(
            Membership.objects.filter(organisation=organisation, role=Membership.Role.CLIENT).values_list(
                "client_id", flat=True
            )
        )
        clients = sorted(
            Client.objects.filter(organisation=organisation), key=lambda c: (c.pk not in with_users, c.pk)
        )[:CLIENTS_PER_ORGANISATION]
        own = assistant_party(owner, organisation)
        Calendar.objects.create(
            party=own, name="Eigen agenda" if organisation.country != "DE" else "Eigener Kalender", color="#10b981"
        )
        for n, client in enumerate(clients):
            party = client_party(client)
            party.working_hours = {
                day: [["09:00", "12:30"], ["13:30", "17:30"]] for day in ("mon", "tue", "wed", "thu")
            } | {"fri": [["09:00", "13:00"]]}
            party.preferred_hours = {"tue": [["09:00", "12:00"]], "thu": [["09:00", "12:00"]]}
            party.max_meetings_per_day, party.buffer_minutes = 3, 10
            party.save()
            work = Calendar.objects.create(
                party=party, name="Werk" if organisation.country != "DE" else "Arbeit", color="#3b82f6"
            )
            private = Calendar.objects.create(
                party=party,
                name="Privé" if organisation.country != "DE" else "Privat",
                color="#f59e0b",
                source=Calendar.Source.UPLOAD,
            )
            calendar_import_ics(calendar=private, data=_ics(client, monday, organisation.time_zone).encode())
            Party.objects.create(
                organisation=organisation,
                client=client,
                kind=Party.Kind.EXTERNAL,
                name=f"{client.name} · accountant",
                email=f"accountant{n + 1}@example.com",
                time_zone="Europe/Brussels",
                working_hours={day: [["08:30", "16:30"]] for day in ("mon", "tue", "wed", "thu", "fri")},
            )
            tasks = list(Task.objects.filter(client=client).order_by("pk")[:3])
            for i, (day, hour, title) in enumerate([(1, 10, "Intake"), (3, 14, "Kwartaaloverleg"), (8, 11, "Review")]):
                start = datetime.combine(monday + timedelta(days=day + n), time(hour), zone)
                event = booking_create(
                    by=owner,
                    calendar=work,
                    start=start,
                    end=start + timedelta(hours=1),
                    summary=title,
                    send=False,
                    attendees=[(f"accountant{n + 1}@example.com", "Accountant")],
                    task=tasks[i] if i < len(tasks) else None,
                    uid=f"demo-{client.pk}-{i}@vadesk",
                )
                booked += 1
                if i == 2:
                    booking_cancel(by=owner, event=event, send=False)
    return booked
