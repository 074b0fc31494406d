"""A calendar as an .ics feed behind a secret, revocable address (no login: the address is the key)."""

import hmac

from django.http import Http404, HttpResponse

from vadesk.agenda import ical
from vadesk.agenda.models import Calendar


def feed_ics(calendar: Calendar) -> str:
    parsed = ical.join(calendar.events.filter(deleted=False).values_list("ics", flat=True))
    parsed.calendar.add("x-wr-calname", str(calendar))
    return parsed.calendar.to_ical().decode()


def feed(request, token: str) -> HttpResponse:
    calendar = Calendar.objects.filter(feed_token=token).exclude(feed_token="").first() if len(token) >= 32 else None
    # compare_digest keeps a near-miss from answering faster than a far one
    if calendar is None or not hmac.compare_digest(calendar.feed_token, token):
        raise Http404
    response = HttpResponse(feed_ics(calendar), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
