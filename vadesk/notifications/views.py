"""A person's notifications: the list, reading them, and how they want to be told."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import staff_required
from vadesk.lib.pages import apply_validation_error
from vadesk.lib.params import param_choice, param_int
from vadesk.notifications.forms import PreferencesForm
from vadesk.notifications.models import Kind
from vadesk.notifications.scoping import notification_for, notifications_for
from vadesk.notifications.services import (
    deliveries_of,
    notification_preferences_save,
    notification_read,
    notifications_read_all,
    settings_of,
)

PAGE_SIZE = 50
MAX_PAGE = 10_000


@staff_required
def notification_list(request):
    found = notifications_for(request.user, organisation=request.membership.organisation_id)
    unread_only = param_choice(request.GET, "show", ["unread", "all"], "unread") != "all"
    if unread_only:
        found = found.unread()
    page = Paginator(found.select_related("client"), PAGE_SIZE).get_page(
        param_int(request.GET, "page", 1, lo=1, hi=MAX_PAGE)
    )
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})


@staff_required
@require_POST
def notification_open(request, pk: int):
    """Mark it read and go to what it is about (a path inside vadesk only)."""
    notification = notification_for(request.user, pk, organisation=request.membership.organisation_id)
    notification_read(by=request.user, notification=notification)
    target = notification.url if request.POST.get("go") else request.POST.get("next", "")
    return redirect(target if _local(target) else "notifications:list")


def _local(target: str) -> bool:
    return target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=set())


@staff_required
@require_POST
def notification_read_all(request):
    count = notifications_read_all(by=request.user, organisation_id=request.membership.organisation_id)
    messages.success(request, _("Marked %(count)s as read.") % {"count": count})
    return redirect("notifications:list")


@staff_required
def preferences(request):
    own = settings_of(request.user)
    chosen = deliveries_of([request.user])[request.user.pk]
    initial = {
        "quiet_from": own.quiet_from,
        "quiet_until": own.quiet_until,
        "summary_time": own.summary_time,
        **{f"kind_{kind}": chosen[kind] for kind in Kind.values},
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notification_preferences_save(
                by=request.user,
                deliveries=form.deliveries(),
                quiet_from=form.cleaned_data["quiet_from"],
                quiet_until=form.cleaned_data["quiet_until"],
                summary_time=form.cleaned_data["summary_time"],
            )
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "zone": request.membership.organisation.time_zone},
    )
