"""Writes on engagements: only an owner of the client's organisation agrees terms."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.clients.models import Client
from vadesk.clients.services import check_owner, save_validated
from vadesk.engagements.models import Engagement


def engagement_create(*, by: Person, client: Client, **fields: Any) -> Engagement:
    check_owner(by, client.organisation_id)
    return save_validated(Engagement(client=client), fields)


def engagement_update(*, by: Person, engagement: Engagement, **fields: Any) -> Engagement:
    check_owner(by, engagement.client.organisation_id)
    return save_validated(engagement, fields)


def engagement_bundle_order(*, by: Person, engagement: Engagement, on: date) -> Engagement:
    """The client's own user buys a new bundle when the hours of `engagement` run out (issue 11.3): a draft bundle
    on the same terms, for an owner to confirm (activate) with its draft invoice. Its size is the old bundle's, or
    the retainer month's or the project's hours, priced at the old bundle's price or at the rate for extra hours."""
    if engagement.client_id not in reach_of(by).portal_clients:
        raise PermissionDenied(_("Only the client's own users can order a new bundle."))
    hours = engagement.bundle_hours or engagement.monthly_hours or engagement.budget_hours or Decimal(10)
    rate = engagement.excess_rate or engagement.hourly_rate or engagement.client.organisation.default_hourly_rate
    price = engagement.bundle_price if engagement.kind == Engagement.Kind.BUNDLE else hours * (rate or Decimal(0))
    price = (price or Decimal(0)).quantize(Decimal("0.01"))  # the owner sets the price when it is 0
    name = _("%(name)s: new bundle of %(day)s") % {"name": engagement.name, "day": date_format(on, "j F Y")}
    return save_validated(
        Engagement(client=engagement.client),
        {
            "name": name[:150],
            "kind": Engagement.Kind.BUNDLE,
            "status": Engagement.Status.DRAFT,
            "starts_on": on,
            "bundle_hours": hours,
            "bundle_price": price,
            "billing_increment_minutes": engagement.billing_increment_minutes,
            "minimum_minutes_per_task": engagement.minimum_minutes_per_task,
            "overdraft_policy": Engagement.Overdraft.BLOCK,
            "excess_rate": engagement.excess_rate,
            "hourly_rate": engagement.hourly_rate,
        },
    )
