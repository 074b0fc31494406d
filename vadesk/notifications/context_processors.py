"""The unread badge of the staff top bar: one COUNT, only when a page shows it, once per request."""

from django.utils.functional import SimpleLazyObject

from vadesk.notifications.scoping import notifications_for


def unread_count(request) -> int:
    cached = getattr(request, "_vadesk_unread", None)
    if cached is None:
        membership = getattr(request, "membership", None)
        cached = 0
        if membership is not None and membership.is_staff_member:
            cached = notifications_for(request.user, organisation=membership.organisation_id).unread().count()
        request._vadesk_unread = cached
    return cached


def unread(request):
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(request))}
