"""Two-way CalDAV sync (RFC 4791) with ETags and sync tokens (RFC 6578): nothing is overwritten blindly.

1. Push: every event changed here goes up with `If-Match: <etag we last saw>` (new ones with
   `If-None-Match: *`, RFC 7232 §3). A 412 means the server changed it too: the server's version
   is taken and ours is kept as a Conflict for a person to decide. Deletions go with If-Match too.
2. Pull: a `sync-collection` REPORT with the stored token lists what changed since; changed
   objects are fetched with one `calendar-multiget`, removed ones (404 in the report) are removed.
   An expired token (RFC 6578 §3.2 `valid-sync-token`) falls back to a full listing.
3. Re-materialise when anything changed; store the new token.

A server that is down or answers errors leaves local data untouched; the caller records the
error and tries again later.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote, unquote, urljoin, urlsplit
from xml.sax.saxutils import escape

import niquests
from caldav.davclient import DAVClient
from caldav.lib.error import AuthorizationError
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vadesk.agenda import ical
from vadesk.agenda.importing import _describe
from vadesk.agenda.materialise import calendar_materialise
from vadesk.agenda.models import Calendar, Conflict, Event
from vadesk.agenda.subscriptions import refused_message, subscription_fetch
from vadesk.lib.net import AddressRefused, CheckedResolver

DAV = "{DAV:}"
CALDAV_NS = "{urn:ietf:params:xml:ns:caldav}"
TIMEOUT_SECONDS = 15
log = logging.getLogger(__name__)


class SyncError(Exception):
    pass


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    removed: int = 0
    conflicts: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    full: bool = False  # the server listed the whole collection (no or an expired sync token)
    touched: set[str] = field(default_factory=set)  # the objects fetched or removed in this sync


def _client(calendar: Calendar) -> DAVClient:
    if not calendar.url.lower().startswith(("http://", "https://")):
        raise SyncError(_("A CalDAV address starts with http:// or https://."))
    client = DAVClient(
        url=calendar.url,
        username=calendar.username or None,
        password=calendar.password or None,
        timeout=TIMEOUT_SECONDS,
        enable_rfc6764=False,  # discovery would fetch from hosts of its own choosing, past the address check
    )
    # Every connection (redirects too) goes to an address the resolver checked; no proxy from the environment.
    client.session = niquests.Session(resolver=CheckedResolver(allowed=settings.FETCH_ALLOWED), disable_http3=True)
    client.session.trust_env = False
    return client


def _refused(exc: BaseException | None) -> AddressRefused | None:
    while exc is not None and not isinstance(exc, AddressRefused):
        exc = exc.__cause__ or exc.__context__
    return exc


def _request(client: DAVClient, url: str, method: str, body: str = "", headers: dict[str, str] | None = None):
    try:
        response = client.request(url, method, body, headers or {})
    except Exception as exc:  # connection refused, timeout, TLS, auth, not HTTP at all: all mean "not now"
        if refused := _refused(exc):
            raise SyncError(refused_message(refused)) from exc
        if isinstance(exc, AuthorizationError):  # the status, never the body (it may be an internal API's answer)
            raise SyncError(_("The CalDAV server refused access (%(status)s).") % {"status": exc.status}) from exc
        raise SyncError(_("The CalDAV server cannot be reached (%(error)s).") % {"error": type(exc).__name__}) from exc
    if response.status >= 500:
        raise SyncError(_("The CalDAV server answered %(status)s.") % {"status": response.status})
    return response


def calendar_sync(*, calendar: Calendar) -> SyncReport:
    """Push local changes, then pull remote ones. Raises SyncError and changes nothing more when the server fails."""
    started = time.perf_counter()
    client = _client(calendar)
    report = SyncReport()
    _push(client, calendar, report)
    changed = _pull(client, calendar, report)
    if changed or report.pushed:
        calendar_materialise(calendar=calendar)
    calendar.import_problems = _still_left_out(calendar.import_problems, report)
    report.seconds = time.perf_counter() - started
    calendar.last_synced_at = timezone.now()
    calendar.last_error, calendar.sync_failures = "", 0
    calendar.next_sync_at = calendar.last_synced_at + timedelta(minutes=calendar.refresh_minutes)
    calendar.sync_seconds = report.seconds
    calendar.save(
        update_fields=[
            "last_synced_at",
            "last_error",
            "next_sync_at",
            "sync_seconds",
            "sync_token",
            "sync_failures",
            "import_problems",
        ]
    )
    return report


def _still_left_out(before: list[str], report: SyncReport) -> list[str]:
    """What the calendar holds that vadesk could not read, by object: a full listing starts over; otherwise
    the objects fetched or removed in this sync drop their old problems and add their new ones."""
    kept = [] if report.full else [p for p in before if p.split(": ", 1)[0] not in report.touched]
    return list(dict.fromkeys([*kept, *report.problems]))[:200]


def _href_for(calendar: Calendar, event: Event) -> str:
    if event.href:
        return event.href
    safe = (
        "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "-" for ch in event.uid)[:120]
        or uuid.uuid4().hex
    )
    return urlsplit(urljoin(calendar.url.rstrip("/") + "/", f"{safe}.ics")).path


def _push(client: DAVClient, calendar: Calendar, report: SyncReport) -> None:
    for event in Event.objects.filter(calendar=calendar, pending_push=True):
        href = _href_for(calendar, event)
        url = urljoin(calendar.url, quote(href))
        if event.deleted:
            if event.etag:
                response = _request(client, url, "DELETE", headers={"If-Match": event.etag})
                if response.status == 412:
                    _conflict(client, calendar, event, url, report)
                    continue
            event.delete()
            report.pushed += 1
            continue
        headers = {"Content-Type": "text/calendar; charset=utf-8"}
        headers.update({"If-Match": event.etag} if event.etag else {"If-None-Match": "*"})
        response = _request(client, url, "PUT", event.ics, headers)
        if response.status == 412:
            _conflict(client, calendar, event, url, report)
            continue
        if response.status >= 400:
            raise SyncError(
                _("The CalDAV server refused %(summary)s (%(status)s).")
                % {"summary": event.summary, "status": response.status}
            )
        etag = response.headers.get("ETag", "")
        if not etag:  # RFC 4791 §5.3.4: a server may change the object and then sends no ETag
            etag = _request(client, url, "HEAD").headers.get("ETag", "")
        Event.objects.filter(pk=event.pk).update(href=href, etag=etag, pending_push=False)
        report.pushed += 1


def _conflict(client: DAVClient, calendar: Calendar, event: Event, url: str, report: SyncReport) -> None:
    """Both sides changed it: take the server's version, keep ours as a Conflict."""
    response = _request(client, url, "GET")
    remote = response._raw.decode() if response.status == 200 and isinstance(response._raw, bytes) else ""
    with transaction.atomic():
        Conflict.objects.create(event=event, local_ics="" if event.deleted else event.ics, remote_ics=remote)
        if remote:
            event.ics, event.etag, event.pending_push, event.deleted = (
                remote,
                response.headers.get("ETag", ""),
                False,
                False,
            )
            _describe(event)
            event.save()
        else:  # deleted on the server while changed here: keep ours, to be created again
            event.etag, event.href = "", ""
            event.save(update_fields=["etag", "href"])
    report.conflicts += 1


def _sync_body(token: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:">'
        f"<D:sync-token>{escape(token)}</D:sync-token><D:sync-level>1</D:sync-level>"
        "<D:prop><D:getetag/></D:prop></D:sync-collection>"
    )


def _token_refused(error: BaseException | None) -> bool:
    return isinstance(error, AuthorizationError) and (
        error.status == 403 and f"{DAV}valid-sync-token" in (error.preconditions or [])
    )


def _pull(client: DAVClient, calendar: Calendar, report: SyncReport) -> bool:
    try:
        response = _request(
            client,
            calendar.url,
            "REPORT",
            _sync_body(calendar.sync_token),
            {"Depth": "0", "Content-Type": "application/xml"},
        )
        expired = response.status in (403, 409)
    except SyncError as exc:
        # The caldav client raises on a 403 rather than returning it; a 403 that names DAV:valid-sync-token is "start over".
        if not _token_refused(exc.__cause__):
            raise
        expired = True
    if expired and calendar.sync_token:  # RFC 6578 §3.2: the token is no longer valid
        calendar.sync_token = ""
        response = _request(
            client, calendar.url, "REPORT", _sync_body(""), {"Depth": "0", "Content-Type": "application/xml"}
        )
    if response.status != 207 or response.tree is None:
        raise SyncError(
            _("The CalDAV server does not support sync tokens here (answer %(status)s).") % {"status": response.status}
        )
    full = not calendar.sync_token
    changed: dict[str, str] = {}
    gone: set[str] = set()
    for item in response.tree.findall(f"{DAV}response"):
        href = unquote(item.findtext(f"{DAV}href") or "")  # servers differ in what they percent-encode
        status = item.findtext(f"{DAV}status") or ""
        if " 404 " in status:
            gone.add(href)
            continue
        etag = item.findtext(f".//{DAV}getetag") or ""
        if href.rstrip("/") != urlsplit(calendar.url).path.rstrip("/"):
            changed[href] = etag
    token = response.tree.findtext(f"{DAV}sync-token") or ""
    known = {e.href: e for e in Event.objects.filter(calendar=calendar).exclude(href="")}
    if full:  # a full listing: whatever we hold that the server no longer lists was removed there
        gone |= {href for href in known if href not in changed}
    fetch = [href for href, etag in changed.items() if href not in known or known[href].etag != etag]
    report.full, report.touched = full, {*fetch, *gone}
    # Each chunk is fetched and parsed first, then written in one short transaction: no network call and no
    # parsing while the database's write lock is held.
    for chunk in _multiget(client, calendar, fetch):
        taken = [(href, etag, _parsed_remote(href, text, report)) for href, text, etag in chunk]
        with transaction.atomic():
            for href, etag, remote in taken:
                if remote is not None:
                    _take_remote(calendar, href, remote, etag, known.get(href), report)
    with transaction.atomic():
        for href in gone:
            event = known.get(href)
            if event is None:
                continue
            if event.pending_push:
                Conflict.objects.create(event=event, local_ics=event.ics, remote_ics="")
                event.etag, event.href = "", ""
                event.save(update_fields=["etag", "href"])
                report.conflicts += 1
            else:
                event.delete()
                report.removed += 1
    calendar.sync_token = token
    return bool(fetch or gone)


def _multiget(client: DAVClient, calendar: Calendar, hrefs: list[str]):
    for start in range(0, len(hrefs), 100):
        chunk = hrefs[start : start + 100]
        body = (
            '<?xml version="1.0" encoding="utf-8"?><C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            "<D:prop><D:getetag/><C:calendar-data/></D:prop>"
            + "".join(f"<D:href>{escape(quote(h))}</D:href>" for h in chunk)
            + "</C:calendar-multiget>"
        )
        response = _request(client, calendar.url, "REPORT", body, {"Depth": "1", "Content-Type": "application/xml"})
        if response.status != 207 or response.tree is None:
            raise SyncError(_("The CalDAV server answered %(status)s.") % {"status": response.status})
        found = []
        for item in response.tree.findall(f"{DAV}response"):
            text = item.findtext(f".//{CALDAV_NS}calendar-data")
            if text:
                found.append(
                    (unquote(item.findtext(f"{DAV}href") or ""), text, item.findtext(f".//{DAV}getetag") or "")
                )
        yield found


def _parsed_remote(href: str, text: str, report: SyncReport) -> tuple[str, str, Event] | None:
    """One calendar object from the server, parsed and described (no database); None when it cannot be used.

    What is left out is named with the object's address, so that the next sync of that object replaces it.
    """
    try:
        parsed = ical.parse_ics(text)
    except ical.IcsError as exc:
        report.problems.append(f"{href}: {exc}")
        return None
    report.problems += [f"{href}: {p}" for p in parsed.problems]
    objects = ical.split_by_uid(parsed)
    if len(objects) != 1:
        if not objects and parsed.problems:  # its one event was left out, and named above
            return None
        report.problems.append(_("%(href)s: expected one event, found %(n)s") % {"href": href, "n": len(objects)})
        return None
    uid, ics_text = next(iter(objects.items()))
    described = Event(uid=uid, ics=ics_text)
    _describe(described)
    return uid, text, described


def _take_remote(
    calendar: Calendar, href: str, remote: tuple[str, str, Event], etag: str, event: Event | None, report: SyncReport
) -> None:
    uid, text, described = remote
    event = event or Event.objects.filter(calendar=calendar, uid=uid).first() or Event(calendar=calendar, uid=uid)
    if event.pending_push and event.pk:
        # Changed on both sides since we last agreed: keep ours next to the server's.
        Conflict.objects.create(event=event, local_ics=event.ics, remote_ics=text)
        report.conflicts += 1
    event.uid, event.ics, event.href, event.etag, event.pending_push, event.deleted = (
        uid,
        described.ics,
        href,
        etag,
        False,
        False,
    )
    for name in ("summary", "location", "sequence", "organizer_email"):
        setattr(event, name, getattr(described, name))
    event.save()
    report.pulled += 1


def calendar_refresh(*, calendar: Calendar) -> str | None:
    """Sync a CalDAV calendar or re-read a subscription; on failure keep the data, note the error, retry later.

    Any error is this calendar's alone (issue 10: a non-HTTP answer once stopped `agenda_sync` for everyone).
    """
    try:
        if calendar.source == Calendar.Source.CALDAV:
            calendar_sync(calendar=calendar)
        elif calendar.source == Calendar.Source.SUBSCRIPTION:
            subscription_fetch(calendar=calendar)
        return None
    except (SyncError, ical.IcsError) as exc:
        return _failed(calendar, str(exc))
    except Exception as exc:  # a bug or an answer nobody foresaw: logged in full, shown without the server's words
        log.exception("calendar %s failed to sync", calendar.pk)
        return _failed(calendar, _("The calendar could not be synced (%(error)s).") % {"error": type(exc).__name__})


def _failed(calendar: Calendar, error: str) -> str:
    failures = Calendar.objects.get(pk=calendar.pk).sync_failures + 1
    Calendar.objects.filter(pk=calendar.pk).update(
        last_error=error,
        sync_failures=failures,
        next_sync_at=timezone.now() + timedelta(minutes=5 * 2 ** min(failures, 5)),
    )
    return error
