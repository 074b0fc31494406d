"""Read-only subscriptions: fetch an iCalendar URL with a size limit and put it in the calendar."""

from __future__ import annotations

import urllib.request
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from vadesk.agenda import ical
from vadesk.agenda.importing import ImportReport, calendar_import_ics
from vadesk.agenda.models import Calendar


def subscription_fetch(*, calendar: Calendar) -> ImportReport:
    url = calendar.url.replace("webcal://", "https://", 1) if calendar.url.startswith("webcal://") else calendar.url
    if not url.startswith(("http://", "https://")):
        raise ical.IcsError(_("Only http, https and webcal addresses can be subscribed to."))
    request = urllib.request.Request(url, headers={"User-Agent": "vadesk-agenda/1", "Accept": "text/calendar"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            data = response.read(ical.MAX_ICS_BYTES + 1)
    except OSError as exc:
        raise ical.IcsError(_("The subscription cannot be fetched: %(error)s") % {"error": str(exc)[:200]}) from exc
    report = calendar_import_ics(calendar=calendar, data=data)
    Calendar.objects.filter(pk=calendar.pk).update(
        next_sync_at=timezone.now() + timedelta(minutes=calendar.refresh_minutes)
    )
    return report
