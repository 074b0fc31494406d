"""An organisation's webhook endpoints (owners only): register, change, rotate the secret, see the deliveries."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import owner_required
from vadesk.accounts.models import Person
from vadesk.lib.pages import apply_validation_error, report_refusal
from vadesk.webhooks.forms import EndpointForm
from vadesk.webhooks.models import Endpoint
from vadesk.webhooks.scoping import delivery_for, endpoint_for, endpoints_for
from vadesk.webhooks.services import (
    delivery_resend,
    endpoint_create,
    endpoint_delete,
    endpoint_secret_rotate,
    endpoint_test_send,
    endpoint_update,
)

DELIVERIES_SHOWN = 50


def _owner(request: HttpRequest) -> tuple[Person, int]:
    """The signed-in owner (owner_required let them in) and the organisation the page works in."""
    assert isinstance(request.user, Person)
    return request.user, request.membership.organisation_id  # type: ignore[attr-defined]


def _secret_page(request: HttpRequest, endpoint: Endpoint, secret: str) -> HttpResponse:
    """The only time the secret is shown: not cached, not kept anywhere but (encrypted) in the endpoint."""
    response = render(request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@owner_required
def endpoint_list(request: HttpRequest) -> HttpResponse:
    person, organisation_id = _owner(request)
    form = EndpointForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = endpoint_create(by=person, organisation_id=organisation_id, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            return _secret_page(request, endpoint, secret)
    endpoints = endpoints_for(person, organisation=organisation_id)
    return render(request, "webhooks/list.html", {"endpoints": endpoints, "form": form})


@owner_required
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person, organisation_id = _owner(request)
    endpoint = endpoint_for(person, pk, organisation=organisation_id)
    initial = {k: getattr(endpoint, k) for k in ("url", "description", "events", "is_active")}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint_update(by=person, endpoint=endpoint, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            messages.success(request, _("The endpoint is saved."))
            return redirect("webhooks:detail", pk=endpoint.pk)
    deliveries = endpoint.deliveries.order_by("-pk")[:DELIVERIES_SHOWN]
    return render(request, "webhooks/detail.html", {"endpoint": endpoint, "form": form, "deliveries": deliveries})


@require_POST
@owner_required
def endpoint_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    person, organisation_id = _owner(request)
    endpoint = endpoint_for(person, pk, organisation=organisation_id)
    return _secret_page(request, endpoint, endpoint_secret_rotate(by=person, endpoint=endpoint))


@require_POST
@owner_required
def endpoint_remove(request: HttpRequest, pk: int) -> HttpResponse:
    person, organisation_id = _owner(request)
    endpoint = endpoint_for(person, pk, organisation=organisation_id)
    endpoint_delete(by=person, endpoint=endpoint)
    messages.success(request, _("The endpoint is deleted."))
    return redirect("webhooks:list")


@require_POST
@owner_required
def endpoint_test_view(request: HttpRequest, pk: int) -> HttpResponse:
    person, organisation_id = _owner(request)
    endpoint = endpoint_for(person, pk, organisation=organisation_id)
    try:
        endpoint_test_send(by=person, endpoint=endpoint)
    except ValidationError as error:
        report_refusal(request, error)
    else:
        messages.success(request, _("A test event is on its way. Its delivery is listed below."))
    return redirect("webhooks:detail", pk=pk)


@require_POST
@owner_required
def delivery_resend_view(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    person, organisation_id = _owner(request)
    delivery = delivery_for(person, pk, delivery_pk, organisation=organisation_id)
    try:
        delivery_resend(by=person, delivery=delivery)
    except ValidationError as error:
        report_refusal(request, error)
    else:
        messages.success(request, _("The delivery is queued again."))
    return redirect("webhooks:detail", pk=pk)
