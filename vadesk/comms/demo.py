"""The demo practice's communication: each contact's rhythm, two weeks of answered calls, follow-ups, a triage item.

Rows are written directly (not through the services) so the demo queues no e-mail to its made-up addresses.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from vadesk.accounts.models import Organisation
from vadesk.clients.models import Contact
from vadesk.comms.models import FollowUp, InboundMessage, PhoneMessage, Preference
from vadesk.comms.schedule import next_digest

CALLERS = [
    ("Jan de Vries", "Bakkerij De Vries", "+31201234567", "Wil de offerte voor de bruidstaart bespreken."),
    ("Petra Jansen", "Jansen Advies", "+31302345678", "Vraagt of de afspraak van donderdag doorgaat."),
    ("Klaus Becker", "Becker GmbH", "+4930123456", "Rückfrage zur Rechnung vom letzten Monat."),
    ("Sophie Peeters", "", "+3225111234", "Belt terug over het evenement in Gent."),
    ("Mehmet Yilmaz", "Yilmaz Transport", "+31612345678", "Levering verschoven naar volgende week."),
]
RHYTHMS = [("immediate", None), ("daily", time(17)), ("weekly", time(16, 30)), ("daily", time(8, 30))]
PERSONAL = [
    "Vragen hoe de verhuizing is gegaan",
    "Vragen hoe het met zijn zoon gaat",
    "Feliciteren met het nieuwe kantoor",
]


def comms_demo_load(*, organisations: list[Organisation], now: datetime, seed: int = 7) -> None:
    rng = random.Random(seed)
    for organisation in organisations:
        contacts = list(Contact.objects.filter(client__organisation=organisation).select_related("client"))
        for n, contact in enumerate(contacts):
            cadence, at = RHYTHMS[n % len(RHYTHMS)]
            preference = Preference(
                contact=contact,
                cadence=cadence,
                digest_time=at or time(17),
                digest_weekday=4,
                time_zone=organisation.time_zone,
                language=contact.preferred_language,
                quiet_from=time(21) if n % 2 else None,
                quiet_until=time(8) if n % 2 else None,
                quiet_days="56" if n % 3 == 0 else "",
            )
            preference.next_digest_at = next_digest(
                now, cadence=cadence, at=preference.digest_time, weekday=4, zone=preference.time_zone
            )
            preference.save()
        zone = ZoneInfo(organisation.time_zone)
        staff = organisation.memberships.filter(role__in=["owner", "assistant"]).select_related("person").first()
        for client in organisation.clients.all():
            for day in range(14):
                for _ in range(rng.choice([0, 0, 1, 1, 2])):
                    name, company, number, reason = rng.choice(CALLERS)
                    # Office hours in the organisation's own zone, never in the future.
                    local_day = now.astimezone(zone).date() - timedelta(days=day)
                    taken = datetime.combine(local_day, time(rng.randint(9, 16), rng.randint(0, 59)), tzinfo=zone)
                    if taken > now:
                        continue
                    callback = rng.random() < 0.4
                    PhoneMessage.objects.create(
                        client=client,
                        caller_name=name,
                        company=company,
                        number=number,
                        reason=reason,
                        urgency="urgent" if rng.random() < 0.15 else "normal",
                        callback=callback,
                        callback_when="voor 17:00" if callback else "",
                        called_back_at=taken + timedelta(hours=2) if callback and day > 1 else None,
                        taken_by=staff.person if staff else None,
                        taken_at=taken,
                    )
            FollowUp.objects.create(
                client=client,
                text=rng.choice(PERSONAL),
                due_at=now.replace(hour=10, minute=0, second=0, microsecond=0),
                created_by=staff.person if staff else None,
            )
        InboundMessage.objects.create(
            key=f"<demo-triage-{organisation.pk}@demo.invalid>",
            organisation=organisation,
            sender="onbekend@voorbeeld.invalid",
            subject="Samenwerking?",
            body_text="Goedendag, wij zoeken een virtueel assistent voor onze webshop. Kunt u ons bellen?",
            raw=b"",
            outcome=InboundMessage.Outcome.TRIAGE,
            note="Unknown sender.",
        )
