"""What a consent question sets going beyond the time sheet (issue 11.3; the rules are in timesheets/consent.py).

- Asked: the question goes to the client's billing contact through their own channel and rhythm (the comms hub's
  preference and the outbox), urgent at 100 % so that it does not wait for a digest.
- Answered: the team is told; *buy a new bundle* makes a draft bundle engagement and its draft invoice, and the
  owners are asked to confirm them.
- Lapsed: the team is told that the engagement's own terms apply again.
Each runs in the transaction of the change that caused it, so a message exists iff the change committed.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vadesk.clients.models import Client, Contact
from vadesk.comms.models import OutboxMessage
from vadesk.comms.routing import Draft, contact_notify, preference_of
from vadesk.engagements.models import Engagement
from vadesk.engagements.services import engagement_bundle_order
from vadesk.invoicing.models import ClientBilling
from vadesk.invoicing.services import invoice_bundle_draft
from vadesk.lib.formatting import format_minutes
from vadesk.notifications.hooks import owners_of
from vadesk.notifications.models import Kind
from vadesk.notifications.services import notify
from vadesk.timesheets.balances import balance_of
from vadesk.timesheets.consent import consent_answered, consent_asked, consent_lapsed
from vadesk.timesheets.models import OverageConsent

Answer = OverageConsent.Answer


def register() -> None:
    consent_asked.register(on_consent_asked)
    consent_answered.register(on_consent_answered)
    consent_lapsed.register(on_consent_lapsed)


def billing_contact_of(client: Client) -> Contact | None:
    """Who decides about money: the contact at the client's invoice address, else the primary contact."""
    contacts = list(client.contacts.all())
    invoice_email = ClientBilling.objects.filter(client=client).values_list("invoice_email", flat=True).first()
    at_invoice_address = [c for c in contacts if invoice_email and c.email.lower() == invoice_email.lower()]
    found = at_invoice_address or contacts
    return found[0] if found else None


def on_consent_asked(*, consent: OverageConsent) -> list[OutboxMessage]:
    engagement = consent.engagement
    contact = billing_contact_of(engagement.client)
    if contact is None:
        return []  # nobody to write to: the question waits in the portal
    balance = balance_of(engagement, consent.month)
    with translation.override(preference_of(contact).language):
        values = {
            "contact": contact.name,
            "name": engagement.name,
            "used": format_minutes(balance.used),
            "available": format_minutes(balance.available),
            "month": date_format(consent.month, "F"),
            "day": date_format(timezone.localtime(consent.answer_by), "j F"),
            "link": settings.SITE_URL + reverse("portal:home"),
            "organisation": engagement.client.organisation.name,
        }
        subject = (
            _("The hours of “%(name)s” are used up: may we go on?")
            if consent.threshold >= 100
            else _("%(percent)s %% of “%(name)s” is used: may we go on?")
        ) % {**values, "percent": consent.threshold}
        text = (
            _(
                "Dear %(contact)s,\n\n%(used)s of the %(available)s hours of “%(name)s” are used in %(month)s. May "
                "your team go on beyond them? In your portal you choose: stop at the limit, allow extra hours this "
                "month (billed at the rate for extra hours), or buy a new bundle.\n\n%(link)s\n\nPlease answer by "
                "%(day)s; until then, and without an answer, the agreed terms apply.\n\nKind regards,\n%(organisation)s"
            )
            % values
        )
    return contact_notify(
        contact=contact,
        draft=Draft(kind=OutboxMessage.Kind.QUESTION, subject=subject, text=text),
        urgent=consent.threshold >= 100,  # used up: the work stops or goes on now, not at the next digest
        dedupe_key=f"consent:{consent.pk}",
    )


def _team(engagement: Engagement) -> list:
    return [a.person for a in engagement.client.assignments.select_related("person")]


def on_consent_answered(*, consent: OverageConsent) -> None:
    engagement, client = consent.engagement, consent.engagement.client
    if consent.answer == Answer.BUNDLE:
        assert consent.answered_by is not None  # an answer has its author
        bundle = engagement_bundle_order(by=consent.answered_by, engagement=engagement, on=timezone.localdate())
        invoice = invoice_bundle_draft(by=consent.answered_by, engagement=bundle)
        notify(
            kind=Kind.CLIENT_MESSAGE,
            recipients=owners_of(client.organisation_id),
            organisation_id=client.organisation_id,
            client=client,
            by=consent.answered_by,
            key=f"consent-bundle:{consent.pk}",
            url=reverse("invoicing:detail", args=[invoice.pk]),
            text=lambda: (
                _("%(client)s ordered a new bundle") % {"client": client.name},
                _("Confirm the draft engagement “%(name)s” (make it active) and finalise its draft invoice.")
                % {"name": bundle.name},
            ),
        )
    notify(
        kind=Kind.CLIENT_MESSAGE,
        recipients=_team(engagement),
        organisation_id=client.organisation_id,
        client=client,
        by=consent.answered_by,
        key=f"consent-answer:{consent.pk}",
        url=reverse("client_detail", args=[client.pk]),
        text=lambda: (_("%(client)s answered about extra hours") % {"client": client.name}, _answer_text(consent)),
    )


def _answer_text(consent: OverageConsent) -> str:
    month = date_format(consent.month, "F")
    if consent.answer == Answer.ALLOW:
        return _("The client allowed %(extra)s extra hours in %(month)s.") % {
            "extra": format_minutes(consent.extra_minutes),
            "month": month,
        }
    if consent.answer == Answer.BUNDLE:
        return _("The client ordered a new bundle; log further time on it once the owner confirms it.")
    return _("The client asked to stop at the limit in %(month)s.") % {"month": month}


def on_consent_lapsed(*, consent: OverageConsent) -> None:
    engagement, client = consent.engagement, consent.engagement.client
    notify(
        kind=Kind.CLIENT_MESSAGE,
        recipients=_team(engagement),
        organisation_id=client.organisation_id,
        client=client,
        key=f"consent-lapsed:{consent.pk}",
        url=reverse("client_detail", args=[client.pk]),
        text=lambda: (
            _("%(client)s did not answer about extra hours") % {"client": client.name},
            _("No answer by %(day)s: the terms of “%(name)s” apply again (%(policy)s).")
            % {
                "day": date_format(timezone.localtime(consent.answer_by), "j F"),
                "name": engagement.name,
                "policy": engagement.get_overdraft_policy_display(),
            },
        ),
    )
