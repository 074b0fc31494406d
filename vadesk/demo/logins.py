"""The demo logins, read back from the database so what is printed is what works."""

from __future__ import annotations

from dataclasses import dataclass

from vadesk.accounts.models import Membership, Person
from vadesk.demo.practice import DEMO_EMAILS, DEMO_PASSWORD, ORGANISATIONS


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    role: str
    organisation: str
    portal_client: str = ""


def demo_present() -> bool:
    """The demo agency's owner exists: enough to know the demo was loaded here."""
    return Person.objects.filter(email=ORGANISATIONS[0].people[0].email).exists()


def demo_logins() -> list[DemoLogin]:
    memberships = Membership.objects.filter(person__email__in=DEMO_EMAILS, is_active=True).select_related(
        "person", "organisation", "client"
    )
    logins = [
        DemoLogin(
            m.person.email,
            m.person.full_name,
            str(m.get_role_display()),
            m.organisation.name,
            m.client.name if m.client else "",
        )
        for m in memberships
    ]
    return sorted(logins, key=lambda login: DEMO_EMAILS.index(login.email))


def demo_logins_text(logins: list[DemoLogin], url: str = "") -> str:
    if not logins:
        return ""
    rows = [
        (
            login.role + (f" ({login.portal_client})" if login.portal_client else ""),
            login.organisation,
            login.email,
            login.name,
        )
        for login in logins
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [f"Demo logins{' at ' + url if url else ''} — password for all: {DEMO_PASSWORD}"]
    lines += [
        f"  {role:<{widths[0]}}  {org:<{widths[1]}}  {email:<{widths[2]}}  {name}" for role, org, email, name in rows
    ]
    return "\n".join(lines)
