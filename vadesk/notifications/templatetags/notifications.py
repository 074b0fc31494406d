"""`{% needs_you %}`: the today page's block of unread notifications (the page's view needs no change)."""

from django import template

from vadesk.notifications.context_processors import unread_count
from vadesk.notifications.scoping import notifications_for

register = template.Library()
SHOWN = 8


@register.inclusion_tag("notifications/_needs_you.html", takes_context=True)
def needs_you(context) -> dict:
    request = context["request"]
    membership = request.membership
    unread = notifications_for(request.user, organisation=membership.organisation_id).unread()
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "notifications": list(unread.select_related("client")[:SHOWN]),
        "count": unread_count(request),
    }
