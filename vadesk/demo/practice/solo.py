"""Büro Weiß: a German solo VA in Leipzig, a tenant of its own."""

from __future__ import annotations

from decimal import Decimal

from vadesk.demo.practice.specs import ClientSpec, ContactSpec, EngagementSpec, FactSpec, OrganisationSpec, PersonSpec

D = Decimal

SOLO = OrganisationSpec(
    name="Büro Weiß – Virtuelle Assistenz",
    kind="solo",
    legal_form="Einzelunternehmen",
    street="Karl-Liebknecht-Straße 36",
    postal_code="04107",
    city="Leipzig",
    country="DE",
    coc_number="",
    vat_id="DE298475616",
    iban="DE89370400440532013000",
    default_hourly_rate=D("52.00"),
    time_zone="Europe/Berlin",
    people=(PersonSpec("klara", "klara@buero-weiss.example", "Klara Weiß", "de", "owner", D("30")),),
    clients=(
        ClientSpec(
            key="vogel",
            name="Weinhandlung Vogel e.K.",
            kind="company",
            language="de",
            country="DE",
            street="Gottschedstraße 12",
            postal_code="04109",
            city="Leipzig",
            email="laden@weinhandlung-vogel.example",
            phone="+49 341 962 11 00",
            vat_id="DE312564789",
            coc_number="HRA 17654",
            team=(("klara", "lead"),),
            engagements=(
                EngagementSpec(
                    "Retainer 10 Stunden",
                    "retainer",
                    60,
                    dict(
                        monthly_hours=D("10"),
                        monthly_price=D("490.00"),
                        excess_rate=D("52.00"),
                        rollover_policy="none",
                        billing_increment_minutes=15,
                    ),
                    usage=(0.9, 1.0, 0.8),
                ),
            ),
            task_count=8,
            categories={"bookkeeping": 3, "events": 2, "social": 2, "email": 1},
            contacts=(
                ContactSpec(
                    "Matthias Vogel", "Inhaber", "m.vogel@weinhandlung-vogel.example", "+49 341 962 11 01", "de", True
                ),
            ),
            dossier=(
                FactSpec(
                    "preference",
                    "Weinproben immer donnerstags ab 18 Uhr; Einladungen zwei Wochen vorher.",
                    50,
                    "klara",
                    True,
                ),
                FactSpec("location", "Lager im Hinterhof, Zugang über die Einfahrt neben der Apotheke.", 40, "klara"),
            ),
        ),
        ClientSpec(
            key="lorenz",
            name="Dr. Jana Lorenz",
            kind="private",
            language="de",
            country="DE",
            street="Bautzner Straße 5",
            postal_code="01099",
            city="Dresden",
            email="jana.lorenz@post.example",
            phone="+49 172 333 44 55",
            team=(("klara", "lead"),),
            engagements=(
                EngagementSpec(
                    "Stundenbasis",
                    "hourly",
                    300,
                    dict(hourly_rate=D("52.00"), billing_increment_minutes=15),
                    usage=(1.0, 0.7, 1.1),
                    base_hours=D("5"),
                ),
            ),
            task_count=6,
            categories={"agenda": 3, "travel": 2, "office": 1},
            dossier=(
                FactSpec(
                    "preference", "Bitte nur vormittags anrufen; nachmittags hält sie Sprechstunde.", 120, "klara", True
                ),
            ),
        ),
    ),
)
