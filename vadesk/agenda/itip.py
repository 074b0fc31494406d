"""iTIP (RFC 5546) objects for iMIP (RFC 6047) e-mails, and reading an incoming REPLY (pure: no ORM).

The e-mail around an iTIP object is built by the comms outbox (`comms.mime.build`, `calendar=`).
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message

import icalendar

PRODID = "-//vadesk//agenda//EN"


@dataclass(frozen=True)
class Person:
    email: str
    name: str = ""


@dataclass(frozen=True)
class Meeting:
    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    organizer: Person
    attendees: tuple[Person, ...]
    location: str = ""
    description: str = ""
    sent_by: str = ""  # the assistant acting for the organizer (RFC 5545 §3.2.18 SENT-BY)
    cancelled: bool = False


def _address(person: Person, prop: str, **params: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    for key, value in params.items():
        address.params[key] = value
    return address


def vevent(meeting: Meeting, partstats: dict[str, str] | None = None) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", meeting.start.astimezone(UTC))
    event.add("dtend", meeting.end.astimezone(UTC))
    event.add("summary", meeting.summary)
    event.add("sequence", meeting.sequence)  # RFC 5546 §2.1.4: every significant change raises it
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.description:
        event.add("description", meeting.description)
    organizer_params = {"SENT-BY": f"mailto:{meeting.sent_by}"} if meeting.sent_by else {}
    event["organizer"] = _address(meeting.organizer, "ORGANIZER", **organizer_params)
    for person in meeting.attendees:
        status = (partstats or {}).get(person.email.lower(), "NEEDS-ACTION")
        event.add("attendee", _address(person, "ATTENDEE", ROLE="REQ-PARTICIPANT", PARTSTAT=status, RSVP="TRUE"))
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def calendar_object(meeting: Meeting, partstats: dict[str, str] | None = None) -> str:
    """The object stored in the calendar (RFC 4791 §4.1: no METHOD)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add_component(vevent(meeting, partstats))
    return calendar.to_ical().decode()


def itip(meeting: Meeting, method: str) -> str:
    """An iTIP message: METHOD:REQUEST to invite or update, METHOD:CANCEL to call off (RFC 5546 §3.2)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(vevent(meeting))
    return calendar.to_ical().decode()


@dataclass(frozen=True)
class Reply:
    uid: str
    sequence: int
    attendee: str
    partstat: str


def replies_in(message: bytes | str | Message) -> list[Reply]:
    """Every METHOD:REPLY answer in a MIME message (RFC 6047 §2.2.3); anything else yields nothing."""
    if isinstance(message, bytes):
        message = email.message_from_bytes(message, policy=email.policy.default)
    elif isinstance(message, str):
        message = email.message_from_string(message, policy=email.policy.default)
    return replies_in_parts(
        [
            payload
            for part in message.walk()
            if part.get_content_type() in ("text/calendar", "application/ics")
            and isinstance(payload := part.get_payload(decode=True), bytes)
        ]
    )


def replies_in_parts(payloads: list[bytes]) -> list[Reply]:
    """Every METHOD:REPLY answer in these text/calendar (or .ics) parts, decoded; anything else yields nothing."""
    replies: list[Reply] = []
    for payload in payloads:
        try:
            calendar = icalendar.Calendar.from_ical(payload)
        except Exception:  # a broken attachment is simply not a reply
            continue
        if str(calendar.get("METHOD", "")).upper() != "REPLY":
            continue
        for event in calendar.walk("VEVENT"):
            for attendee in _list(event.get("ATTENDEE")):
                replies.append(
                    Reply(
                        uid=str(event.get("UID", "")),
                        sequence=int(event.get("SEQUENCE", 0) or 0),
                        attendee=str(attendee).lower().removeprefix("mailto:"),
                        partstat=str(attendee.params.get("PARTSTAT", "")).upper(),
                    )
                )
    return list(dict.fromkeys(replies))  # the text/calendar part and the .ics attachment say the same


def _list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


__all__ = ["Meeting", "Person", "Reply", "calendar_object", "itip", "replies_in", "replies_in_parts"]
