"""Bureau Bijzonder: a Dutch agency in Utrecht with an owner, three assistants and eight clients in NL, DE and BE."""

from __future__ import annotations

from decimal import Decimal

from vadesk.demo.practice.specs import ClientSpec, ContactSpec, EngagementSpec, FactSpec, OrganisationSpec, PersonSpec

D = Decimal

AGENCY_PEOPLE = (
    PersonSpec("marieke", "marieke@bureau-bijzonder.example", "Marieke de Vries", "nl", "owner"),
    PersonSpec("sanne", "sanne@bureau-bijzonder.example", "Sanne Jansen", "nl", "assistant", D("32")),
    PersonSpec("noor", "noor@bureau-bijzonder.example", "Noor El Amrani", "nl", "assistant", D("24")),
    PersonSpec("lukas", "lukas@bureau-bijzonder.example", "Lukas Becker", "de", "assistant", D("32")),
    PersonSpec("pieter", "pieter@vandijk-architecten.example", "Pieter van Dijk", "nl", "client", client_key="vandijk"),
)

VAN_DIJK = ClientSpec(
    key="vandijk",
    name="Van Dijk Architecten B.V.",
    kind="company",
    language="nl",
    country="NL",
    street="Maliebaan 45",
    postal_code="3581 CD",
    city="Utrecht",
    email="info@vandijk-architecten.example",
    phone="+31 30 231 44 10",
    vat_id="NL812345678B01",
    coc_number="30198765",
    team=(("sanne", "lead"), ("noor", "backup")),
    engagements=(
        EngagementSpec(
            "Retainer 20 uur per maand",
            "retainer",
            95,  # the portal client's two past months of reports are whole on any day, the 31st included
            dict(
                monthly_hours=D("20"),
                monthly_price=D("1100.00"),
                excess_rate=D("60.00"),
                rollover_policy="capped",
                rollover_cap_hours=D("5"),
                billing_increment_minutes=6,
            ),
            usage=(0.8, 1.05, 0.95),
        ),
    ),
    task_count=20,
    categories={"agenda": 4, "email": 3, "travel": 2, "bookkeeping": 2, "events": 1, "office": 2, "phone": 1},
    contacts=(
        ContactSpec(
            "Pieter van Dijk", "Directeur-eigenaar", "pieter@vandijk-architecten.example", "+31 6 1234 5678", "nl", True
        ),
        ContactSpec("Eva Smit", "Officemanager", "eva@vandijk-architecten.example", "+31 30 231 44 11", "nl"),
    ),
    dossier=(
        FactSpec(
            "location",
            "Kantoor Maliebaan 45, 2e verdieping. Parkeren achter het pand via de Nachtegaalstraat; de slagboom opent met de intercom.",
            120,
            "sanne",
            True,
        ),
        FactSpec(
            "person",
            "Pieter beslist over alles boven € 500; Eva Smit regelt de dagelijkse kantoorzaken en heeft inzage in de agenda.",
            110,
            "sanne",
            True,
        ),
        FactSpec(
            "preference",
            "Pieter wil geen afspraken vóór 9:30 en nooit op vrijdagmiddag (dan is hij op de bouwplaats).",
            90,
            "noor",
        ),
        FactSpec("preference", "Reizen altijd per trein, 1e klas; hotels op loopafstand van het station.", 75, "sanne"),
        FactSpec(
            "sensitivity",
            "Niet ingaan op het geschil met de aannemer van project Tuindorp; dat loopt via de advocaat.",
            40,
            "sanne",
            True,
        ),
        FactSpec(
            "matter",
            "Omgevingsvergunning Tuindorp: wachten op reactie van de gemeente, verwacht eind van de maand.",
            12,
            "noor",
        ),
    ),
)

GOUDEN_KORST = ClientSpec(
    key="goudenkorst",
    name="Bakkerij De Gouden Korst",
    kind="company",
    language="nl",
    country="NL",
    street="Langestraat 12",
    postal_code="3811 AD",
    city="Amersfoort",
    email="bestel@goudenkorst.example",
    phone="+31 33 461 20 20",
    vat_id="NL865123986B01",
    coc_number="32087412",
    team=(("noor", "lead"),),
    engagements=(
        EngagementSpec(
            "Strippenkaart 20 uur",
            "bundle",
            110,
            dict(
                bundle_hours=D("20"), bundle_price=D("1080.00"), overdraft_policy="block", billing_increment_minutes=15
            ),
            usage=(0.88,),
            expires_in_days=255,
        ),
    ),
    task_count=12,
    categories={"bookkeeping": 4, "social": 3, "phone": 2, "office": 2, "email": 1},
    contacts=(ContactSpec("Henk Bosman", "Eigenaar", "henk@goudenkorst.example", "+31 6 2233 4455", "nl", True),),
    dossier=(
        FactSpec(
            "location",
            "Bakkerij Langestraat 12; kantoortje achter de winkel. Leveranciers via de achteringang aan de Muurhuizen.",
            100,
            "noor",
            True,
        ),
        FactSpec(
            "preference",
            "Henk is vanaf 4:00 aan het werk: bellen liefst tussen 13:00 en 15:00, nooit na 19:00.",
            95,
            "noor",
            True,
        ),
        FactSpec("person", "Ingrid (vrouw van Henk) doet de kassa en de personeelsplanning.", 80, "noor"),
        FactSpec(
            "matter", "Strippenkaart bijna op: Henk vragen of hij een nieuwe kaart van 20 uur wil.", 3, "noor", True
        ),
    ),
)

VERHOEVEN = ClientSpec(
    key="verhoeven",
    name="Ellen Verhoeven",
    kind="private",
    language="nl",
    country="NL",
    street="Soestdijkseweg Zuid 88",
    postal_code="3721 AH",
    city="Bilthoven",
    email="ellen.verhoeven@mail.example",
    phone="+31 6 5566 7788",
    team=(("sanne", "lead"),),
    engagements=(
        EngagementSpec(
            "Persoonlijke assistentie (uurbasis)",
            "hourly",
            400,
            dict(hourly_rate=D("52.50"), billing_increment_minutes=15, minimum_minutes_per_task=15),
            usage=(1.0, 0.8, 1.2),
            base_hours=D("7"),
        ),
    ),
    task_count=10,
    categories={"agenda": 3, "travel": 3, "phone": 2, "office": 2},
    dossier=(
        FactSpec(
            "person",
            "Dr. Ellen Verhoeven, cardioloog; partner Marco, kinderen Julia (12) en Daan (9).",
            300,
            "sanne",
            True,
        ),
        FactSpec("preference", "Wil alles per WhatsApp bevestigd; mails leest ze alleen 's avonds.", 200, "sanne"),
        FactSpec(
            "sensitivity", "Nooit afspraken plannen op de sterfdag van haar vader (14 maart).", 150, "sanne", True
        ),
        FactSpec("location", "Sleutel van het huis ligt bij de buren op nr. 86 (mevrouw De Wit).", 60, "sanne"),
    ),
)

MULLER = ClientSpec(
    key="muller",
    name="Müller & Partner Steuerberatung GmbH",
    kind="company",
    language="de",
    country="DE",
    street="Hohenzollernring 72",
    postal_code="50672",
    city="Köln",
    email="kanzlei@mueller-partner.example",
    phone="+49 221 987 65 40",
    vat_id="DE145782369",
    coc_number="HRB 98765",
    team=(("lukas", "lead"), ("sanne", "backup")),
    engagements=(
        EngagementSpec(
            "Retainer 30 Stunden",
            "retainer",
            60,
            dict(
                monthly_hours=D("30"),
                monthly_price=D("1560.00"),
                excess_rate=D("58.00"),
                rollover_policy="all",
                billing_increment_minutes=6,
            ),
            usage=(0.7, 0.85, 0.9),
        ),
    ),
    task_count=20,
    categories={"agenda": 4, "email": 3, "office": 3, "phone": 2, "bookkeeping": 1, "events": 1},
    contacts=(
        ContactSpec(
            "Dr. Katrin Müller", "Partnerin", "k.mueller@mueller-partner.example", "+49 221 987 65 41", "de", True
        ),
        ContactSpec("Jonas Weber", "Partner", "j.weber@mueller-partner.example", "+49 221 987 65 42", "de"),
        ContactSpec("Aylin Demir", "Büroleitung", "a.demir@mueller-partner.example", "+49 221 987 65 43", "de"),
    ),
    dossier=(
        FactSpec(
            "location",
            "Kanzlei im 4. OG, Hohenzollernring 72. Besucher melden sich am Empfang; Tiefgarage Einfahrt Friesenstraße.",
            110,
            "lukas",
            True,
        ),
        FactSpec(
            "person",
            "Dr. Katrin Müller: Termine nur nach Rücksprache. Jonas Weber telefoniert lieber, als E-Mails zu lesen.",
            100,
            "lukas",
            True,
        ),
        FactSpec("preference", "Mandantentermine immer mit 15 Minuten Puffer davor und danach eintragen.", 85, "lukas"),
        FactSpec(
            "sensitivity",
            "Mandantendaten niemals per WhatsApp oder privater Mail weiterleiten – nur über das DATEV-Portal.",
            70,
            "lukas",
            True,
        ),
        FactSpec(
            "matter",
            "Wechsel der Telefonanlage zum neuen Anbieter im nächsten Quartal; Aylin Demir koordiniert.",
            20,
            "sanne",
        ),
        FactSpec(
            "other",
            "Rechnungen an niederländische Mandanten auf Englisch, an deutsche Mandanten auf Deutsch.",
            30,
            "lukas",
        ),
    ),
)

HOFFMANN = ClientSpec(
    key="hoffmann",
    name="Hoffmann Events GmbH",
    kind="company",
    language="de",
    country="DE",
    street="Königsallee 30",
    postal_code="40212",
    city="Düsseldorf",
    email="hallo@hoffmann-events.example",
    phone="+49 211 445 66 70",
    vat_id="DE273645182",
    coc_number="HRB 54321",
    team=(("lukas", "lead"),),
    engagements=(
        EngagementSpec(
            "Projekt Jubiläumsgala 25 Jahre",
            "project",
            45,
            dict(budget_hours=D("40"), project_price=D("2200.00"), billing_increment_minutes=15),
            usage=(0.6,),
            ends_in_days=21,
        ),
    ),
    task_count=14,
    categories={"events": 5, "travel": 3, "email": 2, "phone": 2, "agenda": 1},
    contacts=(
        ContactSpec(
            "Stefanie Hoffmann",
            "Geschäftsführerin",
            "s.hoffmann@hoffmann-events.example",
            "+49 171 234 56 78",
            "de",
            True,
        ),
        ContactSpec("Tim Krause", "Projektleiter", "t.krause@hoffmann-events.example", "+49 211 445 66 72", "en"),
    ),
    dossier=(
        FactSpec(
            "matter",
            "Jubiläumsgala in den Rheinterrassen, 180 Gäste; Programm bis 23:00, danach Band.",
            40,
            "lukas",
            True,
        ),
        FactSpec(
            "preference",
            "Stefanie Hoffmann möchte jeden Freitag bis 12 Uhr einen kurzen Stand per E-Mail.",
            38,
            "lukas",
            True,
        ),
        FactSpec(
            "person", "Tim Krause spricht lieber Englisch; er entscheidet über Technik und Catering.", 30, "lukas"
        ),
        FactSpec("sensitivity", "Keine Fotos der Gäste auf Social Media ohne schriftliche Zustimmung.", 25, "lukas"),
    ),
)

LUMIERE = ClientSpec(
    key="lumiere",
    name="Atelier Lumière BV",
    kind="company",
    language="en",
    country="BE",
    street="Veldstraat 21",
    postal_code="9000",
    city="Gent",
    email="studio@atelier-lumiere.example",
    phone="+32 9 224 18 18",
    vat_id="BE0721563402",
    coc_number="0721.563.402",
    team=(("noor", "lead"), ("lukas", "backup")),
    engagements=(
        EngagementSpec(
            "Prepaid bundle 10 hours",
            "bundle",
            50,
            dict(
                bundle_hours=D("10"),
                bundle_price=D("590.00"),
                overdraft_policy="bill",
                excess_rate=D("62.00"),
                billing_increment_minutes=15,
            ),
            usage=(0.55,),
            expires_in_days=130,
        ),
    ),
    task_count=10,
    categories={"social": 4, "email": 2, "events": 2, "bookkeeping": 1},
    contacts=(
        ContactSpec(
            "Camille Peeters", "Founder & designer", "camille@atelier-lumiere.example", "+32 470 12 34 56", "en", True
        ),
        ContactSpec("Jef Claes", "Studio manager", "jef@atelier-lumiere.example", "+32 9 224 18 19", "nl"),
    ),
    dossier=(
        FactSpec(
            "location",
            "Studio on the first floor above the shop; the bell says 'Lumière atelier'. Tram 1 stops at Korenmarkt.",
            45,
            "noor",
            True,
        ),
        FactSpec(
            "preference", "Camille answers in English; Jef prefers Dutch (Flemish) and handles deliveries.", 44, "noor"
        ),
        FactSpec(
            "preference",
            "Instagram posts only with photos Camille approved in the shared folder 'Goedgekeurd'.",
            30,
            "noor",
            True,
        ),
        FactSpec("matter", "Preparing the spring collection launch; mood board due next week.", 6, "lukas"),
    ),
)

JANSSENS = ClientSpec(
    key="janssens",
    name="Janssens Vastgoed NV",
    kind="company",
    language="nl",
    country="BE",
    street="Meir 44",
    postal_code="2000",
    city="Antwerpen",
    email="info@janssens-vastgoed.example",
    phone="+32 3 231 55 00",
    vat_id="BE0856341239",
    coc_number="0856.341.239",
    team=(("sanne", "lead"),),
    engagements=(
        EngagementSpec(
            "Retainer 10 uur",
            "retainer",
            60,
            dict(
                monthly_hours=D("10"),
                monthly_price=D("575.00"),
                excess_rate=D("60.00"),
                rollover_policy="none",
                billing_increment_minutes=15,
            ),
            usage=(0.95, 1.0, 1.15),
        ),
    ),
    task_count=10,
    categories={"agenda": 2, "email": 2, "phone": 3, "bookkeeping": 2},
    contacts=(
        ContactSpec("Bart Janssens", "Zaakvoerder", "bart@janssens-vastgoed.example", "+32 475 98 76 54", "nl", True),
    ),
    dossier=(
        FactSpec(
            "person",
            "Bart Janssens (zaakvoerder) zegt 'u' tegen iedereen en verwacht dat ook terug.",
            70,
            "sanne",
            True,
        ),
        FactSpec("preference", "Bezichtigingen alleen op dinsdag en donderdag, tussen 10:00 en 16:00.", 65, "sanne"),
        FactSpec(
            "matter", "Verhuur van het pand aan de Lange Nieuwstraat: drie kandidaat-huurders in gesprek.", 10, "sanne"
        ),
    ),
)

GREENFLEET = ClientSpec(
    key="greenfleet",
    name="GreenFleet Mobility B.V.",
    kind="company",
    language="en",
    country="NL",
    street="Wilhelminakade 91",
    postal_code="3072 AP",
    city="Rotterdam",
    email="office@greenfleet.example",
    phone="+31 10 808 12 00",
    vat_id="NL853771212B01",
    coc_number="72834519",
    team=(("noor", "lead"), ("sanne", "backup")),
    engagements=(
        EngagementSpec(
            "Hourly support",
            "hourly",
            200,
            dict(hourly_rate=D("60.00"), billing_increment_minutes=6),
            usage=(0.9, 1.1, 1.0),
            base_hours=D("12"),
        ),
    ),
    task_count=12,
    categories={"travel": 3, "agenda": 3, "bookkeeping": 3, "office": 2, "email": 1},
    contacts=(
        ContactSpec("Amir Haddad", "CEO", "amir@greenfleet.example", "+31 6 4455 6677", "en", True),
        ContactSpec("Sophie de Boer", "Finance lead", "sophie@greenfleet.example", "+31 10 808 12 05", "nl"),
    ),
    dossier=(
        FactSpec(
            "location",
            "Office in the Maastoren, 22nd floor; visitors register at the front desk with ID.",
            180,
            "noor",
            True,
        ),
        FactSpec(
            "preference", "Amir flies KLM only and wants an aisle seat; no flights before 8:00.", 150, "noor", True
        ),
        FactSpec("person", "Sophie de Boer approves every purchase invoice above € 1,000.", 120, "sanne"),
        FactSpec(
            "matter", "Series A round: investor meetings in Amsterdam and Berlin over the coming weeks.", 8, "noor"
        ),
    ),
)

AGENCY = OrganisationSpec(
    name="Bureau Bijzonder",
    kind="agency",
    legal_form="B.V.",
    street="Oudegracht 158",
    postal_code="3511 AZ",
    city="Utrecht",
    country="NL",
    coc_number="30276543",
    vat_id="NL859048135B01",
    iban="NL91ABNA0417164300",
    default_hourly_rate=D("58.00"),
    time_zone="Europe/Amsterdam",
    people=AGENCY_PEOPLE,
    clients=(VAN_DIJK, GOUDEN_KORST, VERHOEVEN, MULLER, HOFFMANN, LUMIERE, JANSSENS, GREENFLEET),
)
