"""First run: the short checklist a fresh organisation's owner sees until it is done or dismissed.

Each step ticks itself from the data (nothing is stored about the checklist itself), in five queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from vadesk.accounts.models import Membership, Organisation
from vadesk.clients.models import Client
from vadesk.engagements.models import Engagement
from vadesk.invoicing.models import SellerProfile


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    url_name: str
    url_args: tuple = ()


def setup_steps(organisation: Organisation) -> list[Step]:
    """The steps in the order a new owner takes them; `invite` only for an agency (a solo VA has no colleagues)."""
    details = bool(organisation.street and organisation.postal_code and organisation.city)
    money = bool(organisation.iban and organisation.vat_id)
    seller = SellerProfile.objects.filter(organisation=organisation, on_behalf_of=None).exclude(email="").exists()
    first_client = Client.objects.filter(organisation=organisation).order_by("pk").values_list("pk", flat=True).first()
    engagement = Engagement.objects.filter(client__organisation=organisation).exists()
    steps = [
        Step("details", str(_("Organisation details: address")), details, "organisation"),
        Step("money", str(_("IBAN and VAT id")), money, "organisation"),
        Step(
            "invoicing", str(_("Invoice settings: the e-mail and terms on your invoices")), seller, "invoicing:settings"
        ),
        Step("client", str(_("Your first client")), first_client is not None, "client_create"),
        Step(
            "engagement",
            str(_("A first engagement: a bundle, retainer, hourly rate or project")),
            engagement,
            "engagement_create" if first_client else "client_create",
            (first_client,) if first_client else (),
        ),
    ]
    if organisation.kind == Organisation.Kind.AGENCY:
        colleagues = Membership.objects.filter(
            organisation=organisation, role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT]
        ).count()
        steps.append(Step("invite", str(_("Invite a colleague")), colleagues > 1, "member_new"))
    return steps
