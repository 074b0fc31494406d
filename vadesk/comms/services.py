"""Writes of the communication hub. Each is atomic and queues its messages in the same transaction."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from vadesk.accounts.models import Person
from vadesk.clients.models import Client, Contact, DossierFact
from vadesk.clients.scoping import is_staff_for
from vadesk.comms.addresses import task_token
from vadesk.comms.models import FollowUp, MessageTemplate, OutboxMessage, PhoneMessage, Preference
from vadesk.comms.outbox import outbox_held_change
from vadesk.comms.phone import display_number, normalise_number
from vadesk.comms.placeholders import validate_template_text
from vadesk.comms.routing import Draft, contact_notify, preference_of
from vadesk.comms.schedule import next_digest
from vadesk.comms.texts import compose
from vadesk.tasks.models import TRANSITIONS, Category, Comment, Priority, Source, Status, Task
from vadesk.tasks.services import comment_add, task_create, task_transition


def require_staff(by: Person, client: Client) -> None:
    if not is_staff_for(by, client):
        raise PermissionDenied(_("Only the team working for this client can do this."))


PREFERENCE_FIELDS = {
    "by_email",
    "by_portal",
    "by_sms",
    "by_whatsapp",
    "mobile",
    "cadence",
    "digest_time",
    "digest_weekday",
    "time_zone",
    "quiet_from",
    "quiet_until",
    "quiet_days",
    "language",
    "confirmations",
}


def preference_set(*, by: Person, contact: Contact, **fields) -> Preference:
    """Save a contact's preference and schedule their next digest."""
    require_staff(by, contact.client)
    unknown = set(fields) - PREFERENCE_FIELDS
    if unknown:
        raise ValueError(f"cannot set {unknown}")
    preference = preference_of(contact)
    for name, value in fields.items():
        setattr(preference, name, value)
    errors: dict[str, list[str]] = {}
    if preference.mobile:
        try:
            preference.mobile = normalise_number(preference.mobile, contact.client.country)
        except ValidationError as error:
            errors["mobile"] = error.messages
    preference.quiet_days = "".join(sorted({d for d in preference.quiet_days if d in "0123456"}))
    if (preference.quiet_from is None) != (preference.quiet_until is None):
        errors["quiet_until"] = [_("Give both the start and the end of the quiet hours, or neither.")]
    if not (preference.by_email or preference.by_portal or preference.by_sms or preference.by_whatsapp):
        errors["by_email"] = [_("Choose at least one channel.")]
    if (preference.by_sms or preference.by_whatsapp) and not preference.mobile and not contact.phone:
        errors.setdefault("mobile", []).append(_("SMS and WhatsApp need a mobile number."))
    try:
        preference.full_clean(exclude=["contact", "next_digest_at", "last_digest_at", "mobile"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    preference.next_digest_at = next_digest(
        timezone.now(),
        cadence=preference.cadence,
        at=preference.digest_time,
        weekday=preference.digest_weekday,
        zone=preference.time_zone,
    )
    with transaction.atomic():
        preference.save()
    return preference


def digest_item_change(*, by: Person, message: OutboxMessage, action: str, subject: str = "", text: str = "") -> bool:
    """The assistant edits, removes or sends at once a message held for a contact's digest (issue 9.3).

    Returns False when the message is no longer held (its digest went, or someone else acted first).
    """
    if message.client is None:
        raise PermissionDenied(_("Only the team working for this client can do this."))
    require_staff(by, message.client)
    if action not in {"save", "remove", "send"}:
        raise ValidationError({"action": _("Choose save, remove or send now.")})
    if action == "save":
        errors = {}
        if not subject.strip():
            errors["subject"] = [_("Give the message a subject.")]
        if not text.strip():
            errors["text"] = [_("Write the message text.")]
        if errors:
            raise ValidationError(errors)
    with transaction.atomic():
        return outbox_held_change(message=message, action=action, subject=subject, text=text.strip())


def _values(task: Task, contact: Contact, by: Person) -> dict[str, str]:
    return {
        "contact": contact.name,
        "client": task.client.name,
        "task": task.title,
        "assistant": by.full_name,
        "organisation": task.client.organisation.name,
        "link": _portal_link(task),
    }


def _portal_link(task: Task) -> str:
    """Where the client follows the task: its portal page (the portal asks a contact without a session to sign in)."""
    return settings.SITE_URL + reverse("portal:task", args=[task.pk])


def _recipients(client: Client, contact: Contact | None) -> list[Contact]:
    if contact is not None:
        if contact.client_id != client.pk:
            raise ValidationError({"contact": _("This contact belongs to another client.")})
        return [contact]
    contacts = list(client.contacts.all())
    primary = [c for c in contacts if c.is_primary]
    return primary or contacts[:1]


def question_ask(
    *, by: Person, task: Task, question: str, contact: Contact | None = None
) -> tuple[Comment, list[OutboxMessage]]:
    """Ask the client something: a client-visible comment, the task waits, and the question goes out, all or nothing."""
    require_staff(by, task.client)
    rows: list[OutboxMessage] = []
    with transaction.atomic():
        comment = comment_add(by=by, task=task, body=question, visibility=Comment.Visibility.CLIENT)
        if Status.WAITING in TRANSITIONS.get(task.status, set()):
            task = task_transition(by=by, task=task, to=Status.WAITING)
        for person in _recipients(task.client, contact):
            language = preference_of(person).language
            subject, text = compose(
                "question",
                organisation_id=task.client.organisation_id,
                language=language,
                values={**_values(task, person, by), "question": comment.body},
            )
            rows += contact_notify(
                contact=person,
                draft=Draft(kind="question", subject=f"{subject} {task_token(task.pk)}", text=text, task_id=task.pk),
            )
    return comment, rows


def request_confirm(*, by: Person, task: Task, contact: Contact | None = None) -> list[OutboxMessage]:
    """The assistant tells the client their request has arrived (the button on the task). Once per task and
    contact: if the confirmation went already when the request arrived, nothing new is queued."""
    require_staff(by, task.client)
    with transaction.atomic():
        return _confirm(task=task, contacts=_recipients(task.client, contact), signature=by.full_name)


def request_arrived(*, task: Task, requester: str = "") -> list[OutboxMessage]:
    """A new request came in from the client's side (portal, mail, API): confirm it at once (issue 9.3).

    It goes to the contact who asked (the requester's address among the client's contacts), else to the
    client's primary contact; signed by the first assignee the routing rule chose. Runs in the caller's
    transaction (the `tasks.requested` hook, or filing a mail as a new task from triage).
    """
    asked = None
    if requester:
        asked = Contact.objects.filter(client=task.client, email__iexact=requester.strip()).order_by("pk").first()
    first = task.assignees.order_by("pk").first()
    return _confirm(
        task=task,
        contacts=[asked] if asked is not None else _recipients(task.client, None),
        signature=first.full_name if first is not None else "",
    )


def _confirm(*, task: Task, contacts: list[Contact], signature: str) -> list[OutboxMessage]:
    """At once whatever the contact's rhythm (quiet hours still hold it), unless they asked for no
    confirmations; in their language; one per task, contact and channel (`dedupe_key`)."""
    rows: list[OutboxMessage] = []
    for person in contacts:
        preference = preference_of(person)
        if not preference.confirmations:
            continue
        subject, text = compose(
            "confirmation",
            organisation_id=task.client.organisation_id,
            language=preference.language,
            values={
                "contact": person.name,
                "client": task.client.name,
                "task": task.title,
                "assistant": signature,
                "organisation": task.client.organisation.name,
                "link": _portal_link(task),
            },
        )
        rows += contact_notify(
            contact=person,
            draft=Draft(kind="confirmation", subject=f"{subject} {task_token(task.pk)}", text=text, task_id=task.pk),
            skip_digest=True,  # issue 9.3: "it arrived" is worth nothing in tonight's digest
            dedupe_key=f"confirmation:{task.pk}",
        )
    return rows


def phone_message_take(
    *,
    by: Person,
    client: Client,
    caller_name: str,
    reason: str,
    number: str = "",
    company: str = "",
    urgency: str = PhoneMessage.Urgency.NORMAL,
    callback: bool = False,
    callback_when: str = "",
    contact: Contact | None = None,
    override_quiet: bool = False,
    taken_at: datetime | None = None,
    as_task: bool = False,
) -> tuple[PhoneMessage, list[OutboxMessage]]:
    """Note a call for a client and pass it on as they like it: urgent now by the fastest channel, else per rhythm.

    `as_task`: the call asks for work, so it also becomes a task for the team, which the routing rule gives to
    the first present member in the order of cover (the owners' queue when nobody fits), the decision in its
    history; the task is `message.routed_task`.
    """
    require_staff(by, client)
    errors = {}
    if not caller_name.strip():
        errors["caller_name"] = [_("Who called?")]
    if not reason.strip():
        errors["reason"] = [_("What was the call about?")]
    if urgency not in PhoneMessage.Urgency.values:
        errors["urgency"] = [_("Choose normal or urgent.")]
    try:
        e164 = normalise_number(number, client.country)
    except ValidationError as error:
        errors["number"] = error.messages
    if errors:
        raise ValidationError(errors)
    recipients = _recipients(client, contact)
    with transaction.atomic():
        message = PhoneMessage.objects.create(
            client=client,
            contact=contact,
            caller_name=caller_name.strip(),
            company=company.strip(),
            number=e164,
            reason=reason.strip(),
            urgency=urgency,
            callback=callback,
            callback_when=callback_when.strip(),
            taken_by=by,
            taken_at=taken_at or timezone.now(),
        )
        rows: list[OutboxMessage] = []
        for person in recipients:
            rows += contact_notify(
                contact=person,
                draft=_phone_draft(message, person, by),
                urgent=message.is_urgent,
                override_quiet=override_quiet,
            )
        if as_task:
            message.routed_task = _phone_task(message, by)
    return message, rows


def _phone_task(message: PhoneMessage, by: Person) -> Task:
    caller = f"{message.caller_name} ({message.company})" if message.company else message.caller_name
    lines = [message.reason]
    if message.number:
        lines.append(_("Number: %(number)s") % {"number": display_number(message.number)})
    if message.callback:
        lines.append(_("Please call back") + (f": {message.callback_when}" if message.callback_when else "."))
    return task_create(
        by=by,
        client=message.client,
        title=(_("Call from %(caller)s: %(reason)s") % {"caller": caller, "reason": message.reason})[:200],
        description="\n".join(lines),
        category=Category.PHONE,
        priority=Priority.URGENT if message.is_urgent else Priority.NORMAL,
        source=Source.PHONE,
        routed=True,
    )


def _phone_draft(message: PhoneMessage, contact: Contact, by: Person) -> Draft:
    preference = preference_of(contact)
    with translation.override(preference.language), timezone.override(preference.time_zone):
        callback = ""
        if message.callback:
            callback = _("Please call back") + (f": {message.callback_when}" if message.callback_when else ".")
        values = {
            "contact": contact.name,
            "client": message.client.name,
            "caller": message.caller_name,
            "company": f"({message.company})" if message.company else "",
            "number": display_number(message.number) or "–",
            "reason": message.reason,
            "urgency": message.get_urgency_display(),
            "callback": callback,
            "taken_at": formats.date_format(timezone.localtime(message.taken_at), "DATETIME_FORMAT"),
            "assistant": by.full_name,
            "organisation": message.client.organisation.name,
        }
    subject, text = compose(
        "phone", organisation_id=message.client.organisation_id, language=preference.language, values=values
    )
    return Draft(kind="phone", subject=subject, text=text, payload={"phone_message": message.pk})


def phone_callback_done(*, by: Person, message: PhoneMessage) -> PhoneMessage:
    require_staff(by, message.client)
    PhoneMessage.objects.filter(pk=message.pk, called_back_at__isnull=True).update(called_back_at=timezone.now())
    message.refresh_from_db()
    return message


def followup_add(
    *,
    by: Person,
    client: Client,
    text: str,
    due_at: datetime,
    task: Task | None = None,
    comment: Comment | None = None,
    fact: DossierFact | None = None,
) -> FollowUp:
    require_staff(by, client)
    if not text.strip():
        raise ValidationError({"text": _("What should be followed up?")})
    for source in (task, comment.task if comment else None, fact):
        if source is not None and source.client_id != client.pk:
            raise ValidationError({"text": _("This belongs to another client.")})
    with transaction.atomic():
        return FollowUp.objects.create(
            client=client,
            text=text.strip(),
            due_at=due_at,
            task=task or (comment.task if comment else None),
            comment=comment,
            fact=fact,
            created_by=by,
        )


def followup_done(*, by: Person, follow_up: FollowUp, outcome: str = "", to_dossier: bool = False) -> FollowUp:
    """Tick a follow-up off; what was heard can become a dossier fact in the same step."""
    require_staff(by, follow_up.client)
    if to_dossier and not outcome.strip():
        raise ValidationError({"outcome": _("Write down what you heard to keep it in the dossier.")})
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if follow_up.done_at is not None:
            return follow_up
        follow_up.done_at, follow_up.done_by, follow_up.outcome = timezone.now(), by, outcome.strip()
        if to_dossier:
            follow_up.became_fact = DossierFact.objects.create(
                client=follow_up.client, topic=DossierFact.Topic.PERSON, text=outcome.strip()[:500], author=by
            )
        follow_up.save(update_fields=["done_at", "done_by", "outcome", "became_fact"])
    return follow_up


def template_save(
    *, by: Person, organisation_id: int, kind: str, language: str, subject: str, body: str
) -> MessageTemplate:
    """Store an organisation's wording; only whitelisted $placeholders are accepted."""
    errors = {}
    for name, text in (("subject", subject), ("body", body)):
        try:
            validate_template_text(text, kind)
        except ValidationError as error:
            errors[name] = error.messages
    if not subject.strip():
        errors.setdefault("subject", []).append(_("Give the message a subject."))
    if not body.strip():
        errors.setdefault("body", []).append(_("Write the message text."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        template, _created = MessageTemplate.objects.update_or_create(
            organisation_id=organisation_id,
            kind=kind,
            language=language,
            defaults={"subject": subject.strip(), "body": body},
        )
    return template


def template_reset(*, by: Person, organisation_id: int, kind: str, language: str) -> None:
    MessageTemplate.objects.filter(organisation_id=organisation_id, kind=kind, language=language).delete()


def quiet_hours_text(preference: Preference) -> str:
    if preference.quiet_from is None or preference.quiet_until is None:
        return ""
    return f"{preference.quiet_from:%H:%M}–{preference.quiet_until:%H:%M}"
