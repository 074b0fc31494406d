"""Organisation-written message templates with $placeholders: string.Template over a fixed whitelist.

User text is never rendered by Django's template engine: a template that writes
`{{ request.user }}` or `{% load %}` gets that text back literally, and `$client.organisation`
only ever reads the flat value of `$client` followed by the text ".organisation" —
string.Template has no attribute access, filters or calls, so there is nothing to inject.
"""

from __future__ import annotations

from string import Template

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "confirmation": ("contact", "client", "task", "assistant", "organisation", "link"),
    "question": ("contact", "client", "task", "question", "assistant", "organisation", "link"),
    "phone": (
        "contact",
        "client",
        "caller",
        "company",
        "number",
        "reason",
        "urgency",
        "callback",
        "taken_at",
        "assistant",
        "organisation",
    ),
    "digest": ("contact", "client", "organisation", "date", "summary"),
    "reminder": ("contact", "client", "appointment", "when", "organisation"),
}


def unknown_placeholders(text: str, kind: str) -> list[str]:
    template = Template(text)
    if not template.is_valid():
        return ["$"]
    allowed = set(PLACEHOLDERS[kind])
    return sorted({name for name in template.get_identifiers() if name not in allowed})


def validate_template_text(text: str, kind: str) -> None:
    unknown = unknown_placeholders(text, kind)
    if unknown == ["$"]:
        raise ValidationError(
            _("A lone $ is not allowed: write $$ for a dollar sign, or use one of: %(names)s."),
            params={"names": ", ".join("$" + n for n in PLACEHOLDERS[kind])},
        )
    if unknown:
        raise ValidationError(
            _("Unknown placeholder(s) %(unknown)s. You can use: %(names)s."),
            params={
                "unknown": ", ".join("$" + n for n in unknown),
                "names": ", ".join("$" + n for n in PLACEHOLDERS[kind]),
            },
        )


def fill(text: str, values: dict[str, str]) -> str:
    """Substitute whitelisted values as plain text; anything else stays as written."""
    return Template(text).safe_substitute({k: str(v) for k, v in values.items()})
