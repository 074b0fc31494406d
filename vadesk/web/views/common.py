"""What several staff pages need: the clients, engagements and staff in reach."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from vadesk.accounts.models import Membership, Person
from vadesk.clients.models import Client
from vadesk.clients.scoping import staff_clients
from vadesk.engagements.models import Engagement
from vadesk.tasks.models import Task
from vadesk.timesheets.models import TimeEntry


def my_clients(request) -> QuerySet[Client]:
    """Clients the person serves in the organisation they are working in now."""
    return staff_clients(request.user, request.membership.organisation_id)


def client_in_reach(request, pk: int) -> Client:
    try:
        return my_clients(request).select_related("organisation").get(pk=pk)
    except (Client.DoesNotExist, ValueError):
        raise Http404 from None


def task_in_reach(request, pk: int) -> Task:
    try:
        return Task.objects.select_related("client", "engagement").get(pk=pk, client__in=my_clients(request))
    except (Task.DoesNotExist, ValueError):
        raise Http404 from None


def entry_in_reach(request, pk: int) -> TimeEntry:
    try:
        return TimeEntry.objects.select_related("engagement__client", "task").get(
            pk=pk, engagement__client__in=my_clients(request)
        )
    except (TimeEntry.DoesNotExist, ValueError):
        raise Http404 from None


def my_engagements(request) -> QuerySet[Engagement]:
    return Engagement.objects.filter(client__in=my_clients(request)).active()


def organisation_staff(request) -> QuerySet[Person]:
    return Person.objects.filter(
        memberships__organisation_id=request.membership.organisation_id,
        memberships__role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT],
        memberships__is_active=True,
    ).order_by("full_name")


def apply_validation_error(form: BaseForm | None, request, error: ValidationError) -> None:
    """Show a service's refusal on the form's fields where it names them, else as a message."""
    if hasattr(error, "error_dict") and form is not None:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for message in error.messages:
        if form is not None:
            form.add_error(None, message)
        else:
            messages.error(request, message)


def back(request, fallback: str, **kwargs) -> HttpResponseRedirect:
    """Return to the page the form was on (a local `next`), else to the fallback view."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(fallback, **kwargs)


def report_refusal(request, error: Exception) -> None:
    """A service said no (ValidationError or PermissionDenied): show its words as an error message."""
    messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))


def report_form_errors(request, form: BaseForm) -> None:
    """For forms posted from another page: their errors as one message there."""
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
