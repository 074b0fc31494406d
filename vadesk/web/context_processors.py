"""What every staff and portal page shows: the organisation worked in and a running timer."""

from vadesk.timesheets.models import TimeEntry


def membership(request):
    """The organisation being worked in, the others to switch to, and a running timer to show everywhere."""
    current = getattr(request, "membership", None)
    running = None
    if current is not None and current.is_staff_member:
        running = (
            TimeEntry.objects.running().filter(person=request.user).select_related("task", "engagement__client").first()
        )
    return {"membership": current, "memberships": getattr(request, "memberships", []), "running_timer": running}
