"""The wording of each message kind: the organisation's own template if it wrote one, else ours, in the contact's language."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from vadesk.comms.models import MessageTemplate
from vadesk.comms.placeholders import fill


def default_text(kind: str, language: str) -> tuple[str, str]:
    with translation.override(language):
        return {
            "confirmation": (
                _("We have received your request: $task"),
                _(
                    "Dear $contact,\n\nWe have received your request “$task” and will get to work on it. You can follow it here: $link\n\nKind regards,\n$assistant\n$organisation"
                ),
            ),
            "question": (
                _("A question about: $task"),
                _(
                    "Dear $contact,\n\n$question\n\nJust reply to this e-mail: your answer goes straight to the task.\n\nKind regards,\n$assistant\n$organisation"
                ),
            ),
            "phone": (
                _("Phone message: $caller ($urgency)"),
                _(
                    "Dear $contact,\n\n$caller $company called at $taken_at.\nNumber: $number\nReason: $reason\n$callback\n\nKind regards,\n$assistant\n$organisation"
                ),
            ),
            "digest": (
                _("Your update from $organisation, $date"),
                _("Dear $contact,\n\nHere is what is waiting for you and what we did since the last update."),
            ),
            "reminder": (
                _("Reminder: $appointment on $when"),
                _(
                    "Dear $contact,\n\nThis is a reminder of your appointment “$appointment” on $when.\n\nKind regards,\n$organisation"
                ),
            ),
        }[kind]


def compose(
    kind: str,
    *,
    organisation_id: int,
    language: str,
    values: dict[str, str],
    templates: dict[tuple[str, str], MessageTemplate] | None = None,
) -> tuple[str, str]:
    """Subject and text with the values filled in; `templates` lets a batch pass pre-loaded rows."""
    if templates is not None:
        own = templates.get((kind, language))
    else:
        own = MessageTemplate.objects.filter(organisation_id=organisation_id, kind=kind, language=language).first()
    subject, body = (own.subject, own.body) if own else default_text(kind, language)
    return fill(subject, values).replace("\n", " ").strip(), fill(body, values)
