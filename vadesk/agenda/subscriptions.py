"""Read-only subscriptions: fetch an iCalendar URL with a size limit and put it in the calendar."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from vadesk.agenda import ical
from vadesk.agenda.importing import ImportReport, calendar_import_ics
from vadesk.agenda.models import Calendar
from vadesk.lib.net import AddressRefused, opener_checked

TIMEOUT_SECONDS = 20


def refused_message(exc: AddressRefused) -> str:
    return _(
        "%(host)s resolves to %(address)s, which is not a public address: vadesk does not fetch from inside its "
        "own network. An administrator can allow this host with VADESK_FETCH_ALLOWED_HOSTS."
    ) % {"host": exc.host, "address": exc.address}


def _fetch(url: str) -> bytes:
    """GET url through an opener that connects to checked addresses only (every redirect hop too)."""
    request = urllib.request.Request(url, headers={"User-Agent": "vadesk-agenda/1", "Accept": "text/calendar"})
    try:
        with opener_checked(allowed=settings.FETCH_ALLOWED).open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.read(ical.MAX_ICS_BYTES + 1)
    except AddressRefused as exc:
        raise ical.IcsError(refused_message(exc)) from exc
    except urllib.error.HTTPError as exc:  # the status only: the reason phrase and body are the server's words
        raise ical.IcsError(
            _("The subscription cannot be fetched: HTTP Error %(status)s") % {"status": exc.code}
        ) from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, AddressRefused):
            raise ical.IcsError(refused_message(exc.reason)) from exc
        raise ical.IcsError(
            _("The subscription cannot be fetched: %(error)s") % {"error": _reason(exc.reason)}
        ) from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:  # ValueError: a malformed URL or header
        raise ical.IcsError(_("The subscription cannot be fetched: %(error)s") % {"error": _reason(exc)}) from exc


def _reason(reason: object) -> str:
    """What went wrong without what the server said: BadStatusLine carries the server's first line."""
    if isinstance(reason, http.client.HTTPException):
        return _("the server did not answer in HTTP")
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return type(reason).__name__ if not isinstance(reason, str) else reason[:100]


def subscription_fetch(*, calendar: Calendar) -> ImportReport:
    url = calendar.url.replace("webcal://", "https://", 1) if calendar.url.startswith("webcal://") else calendar.url
    if not url.startswith(("http://", "https://")):
        raise ical.IcsError(_("Only http, https and webcal addresses can be subscribed to."))
    data = _fetch(url)
    report = calendar_import_ics(calendar=calendar, data=data)
    Calendar.objects.filter(pk=calendar.pk).update(
        next_sync_at=timezone.now() + timedelta(minutes=calendar.refresh_minutes)
    )
    return report
