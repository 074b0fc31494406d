"""What a VA's working day is made of, in Dutch, German and English: task ideas, comments, notes.

Placeholders: {contact} is the client's primary contact's first name, {month} the month the task is due.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TaskIdea:
    category: str
    titles: dict[str, str]  # language -> title
    checklists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles["en"]

    def checklist(self, language: str) -> tuple[str, ...]:
        return self.checklists.get(language) or self.checklists.get("en", ())

    def description(self, language: str) -> str:
        return self.descriptions.get(language) or self.descriptions.get("en", "")


def idea(
    category: str,
    nl: str,
    de: str,
    en: str,
    *,
    checklist: tuple[tuple[str, ...], ...] = (),
    description: tuple[str, ...] = (),
) -> TaskIdea:
    languages = ("nl", "de", "en")
    return TaskIdea(
        category,
        dict(zip(languages, (nl, de, en), strict=True)),
        dict(zip(languages, checklist, strict=False)),
        dict(zip(languages, description, strict=False)),
    )


IDEAS: tuple[TaskIdea, ...] = (
    # agenda
    idea(
        "agenda",
        "Kwartaaloverleg met het team inplannen",
        "Quartalsbesprechung mit dem Team planen",
        "Schedule the quarterly team meeting",
        checklist=(
            ("Beschikbaarheid opvragen", "Vergaderruimte reserveren", "Uitnodiging versturen"),
            ("Verfügbarkeiten abfragen", "Besprechungsraum reservieren", "Einladung verschicken"),
            ("Collect availability", "Book a meeting room", "Send the invitation"),
        ),
    ),
    idea(
        "agenda",
        "Agenda van volgende week opschonen",
        "Kalender der nächsten Woche bereinigen",
        "Tidy up next week's calendar",
        description=(
            "Dubbele afspraken oplossen en reistijd tussen afspraken blokken.",
            "Doppelbuchungen auflösen und Fahrzeiten blocken.",
            "Resolve double bookings and block travel time between meetings.",
        ),
    ),
    idea(
        "agenda",
        "Afspraak tandarts en APK plannen",
        "Zahnarzt- und TÜV-Termin vereinbaren",
        "Book the dentist and the car's annual inspection",
    ),
    idea(
        "agenda",
        "Lunchafspraak voor {contact} met nieuwe relatie",
        "Geschäftsessen für {contact} mit Neukunden organisieren",
        "Arrange a business lunch for {contact} with a new lead",
    ),
    idea(
        "agenda",
        "Terugkerend overleg verplaatsen naar dinsdag",
        "Jour fixe auf Dienstag verlegen",
        "Move the weekly meeting to Tuesdays",
    ),
    # e-mail
    idea(
        "email",
        "Inbox uitmesten en labels bijwerken",
        "Postfach aufräumen und Ordner anpassen",
        "Triage the inbox and update the labels",
    ),
    idea(
        "email",
        "Offerteaanvragen beantwoorden met standaardtekst",
        "Angebotsanfragen mit Textbaustein beantworten",
        "Answer quote requests with the standard reply",
    ),
    idea(
        "email",
        "Nieuwsbrief {month} opstellen",
        "Newsletter {month} schreiben",
        "Draft the {month} newsletter",
        checklist=(
            ("Onderwerpen verzamelen bij {contact}", "Tekst schrijven", "Testmail versturen", "Inplannen"),
            ("Themen bei {contact} abfragen", "Text schreiben", "Testmail senden", "Versand planen"),
            ("Collect topics from {contact}", "Write the copy", "Send a test mail", "Schedule it"),
        ),
    ),
    idea(
        "email",
        "Afwezigheidsmelding instellen voor de vakantie",
        "Abwesenheitsnotiz für den Urlaub einrichten",
        "Set up the out-of-office for the holiday",
    ),
    # phone
    idea(
        "phone",
        "Terugbellen: leverancier over vertraagde levering",
        "Rückruf: Lieferant wegen verspäteter Lieferung",
        "Call the supplier back about the late delivery",
    ),
    idea(
        "phone",
        "Nieuwe leads nabellen",
        "Neue Interessenten telefonisch nachfassen",
        "Follow up new leads by phone",
        checklist=(
            ("Lijst uit CRM halen", "Bellen", "Notities in CRM"),
            ("Liste aus dem CRM ziehen", "Anrufen", "Notizen ins CRM"),
            ("Export the list from the CRM", "Call", "Log notes in the CRM"),
        ),
    ),
    idea(
        "phone",
        "Oude telefoonabonnementen opzeggen",
        "Alte Mobilfunkverträge kündigen",
        "Cancel the old phone contracts",
    ),
    # travel
    idea(
        "travel",
        "Treinreis en hotel boeken voor de beurs in Frankfurt",
        "Bahnreise und Hotel für die Messe in Amsterdam buchen",
        "Book train and hotel for the trade fair in Berlin",
        checklist=(
            ("Treintickets 1e klas", "Hotel bij het station", "Reisschema in de agenda"),
            ("Bahntickets 1. Klasse", "Hotel am Bahnhof", "Reiseplan in den Kalender"),
            ("First-class train tickets", "Hotel near the station", "Itinerary in the calendar"),
        ),
    ),
    idea("travel", "Vlucht naar Barcelona omboeken", "Flug nach Wien umbuchen", "Rebook the flight to Lisbon"),
    idea(
        "travel",
        "Parkeervergunning en OV-kaart regelen",
        "Jobticket und Parkausweis beantragen",
        "Arrange a parking permit and a transit card",
    ),
    idea(
        "travel",
        "Reisschema investeerdersbezoek uitwerken",
        "Reiseplan für die Kundentour ausarbeiten",
        "Work out the itinerary for the investor visits",
    ),
    # bookkeeping
    idea(
        "bookkeeping",
        "Inkoopfacturen {month} inboeken",
        "Eingangsrechnungen {month} erfassen",
        "Enter the {month} purchase invoices",
    ),
    idea(
        "bookkeeping",
        "Openstaande facturen nabellen",
        "Offene Posten anmahnen",
        "Chase unpaid invoices",
        checklist=(
            ("Ouderdomsanalyse draaien", "Herinneringen sturen", "Bellen bij > 30 dagen"),
            ("OP-Liste ziehen", "Zahlungserinnerungen senden", "Ab 30 Tagen anrufen"),
            ("Run the ageing report", "Send reminders", "Call when over 30 days"),
        ),
    ),
    idea(
        "bookkeeping",
        "Bonnetjes verzamelen voor de boekhouder",
        "Belege für die Buchhaltung sammeln",
        "Collect receipts for the accountant",
    ),
    idea(
        "bookkeeping",
        "Stukken btw-aangifte klaarzetten",
        "Unterlagen für die Umsatzsteuervoranmeldung vorbereiten",
        "Prepare the documents for the VAT return",
    ),
    # events
    idea(
        "events",
        "Locatie zoeken voor het personeelsuitje",
        "Location für den Betriebsausflug suchen",
        "Find a venue for the team outing",
        checklist=(
            ("Drie locaties vergelijken", "Offertes opvragen", "Voorstel naar {contact}"),
            ("Drei Locations vergleichen", "Angebote einholen", "Vorschlag an {contact}"),
            ("Compare three venues", "Request quotes", "Send a proposal to {contact}"),
        ),
    ),
    idea(
        "events",
        "Deelnemerslijst workshop bijhouden",
        "Teilnehmerliste für den Workshop pflegen",
        "Keep the workshop attendee list up to date",
    ),
    idea(
        "events",
        "Catering bestellen voor de open dag",
        "Catering für den Tag der offenen Tür bestellen",
        "Order catering for the open day",
    ),
    idea(
        "events",
        "Draaiboek voor het evenement bijwerken",
        "Ablaufplan für die Gala aktualisieren",
        "Update the run sheet for the event",
        checklist=(
            ("Tijden afstemmen met locatie", "Sprekers bevestigen", "Draaiboek delen"),
            ("Zeiten mit der Location abstimmen", "Redner bestätigen", "Ablaufplan teilen"),
            ("Align timings with the venue", "Confirm the speakers", "Share the run sheet"),
        ),
    ),
    idea(
        "events",
        "Uitnodigingen en naambadges laten drukken",
        "Einladungen und Namensschilder drucken lassen",
        "Have invitations and name badges printed",
    ),
    # social
    idea(
        "social",
        "LinkedIn-posts voor {month} inplannen",
        "LinkedIn-Beiträge für {month} planen",
        "Schedule the LinkedIn posts for {month}",
    ),
    idea("social", "Google-reviews beantwoorden", "Google-Bewertungen beantworten", "Reply to the Google reviews"),
    idea(
        "social",
        "Instagram: foto's van het nieuwe assortiment plaatsen",
        "Instagram: Fotos vom neuen Sortiment posten",
        "Instagram: post photos of the new collection",
    ),
    idea(
        "social",
        "Contentkalender voor het kwartaal maken",
        "Redaktionsplan für das Quartal erstellen",
        "Build the content calendar for the quarter",
    ),
    # office
    idea(
        "office",
        "Onboarding nieuwe medewerker voorbereiden",
        "Onboarding für die neue Mitarbeiterin vorbereiten",
        "Prepare the onboarding of the new hire",
        checklist=(
            ("Laptop bestellen", "Accounts aanmaken", "Welkomstmail sturen", "Eerste week inplannen"),
            ("Laptop bestellen", "Zugänge anlegen", "Willkommensmail senden", "Erste Woche planen"),
            ("Order a laptop", "Create the accounts", "Send the welcome mail", "Plan the first week"),
        ),
    ),
    idea(
        "office",
        "Kantoorartikelen en koffie bestellen",
        "Büromaterial und Kaffee bestellen",
        "Order office supplies and coffee",
    ),
    idea("office", "Verlofoverzicht bijwerken", "Urlaubsplanung aktualisieren", "Update the leave overview"),
    idea(
        "office",
        "Verzekeringen vergelijken en advies opstellen",
        "Versicherungen vergleichen und Empfehlung schreiben",
        "Compare insurance policies and write a recommendation",
    ),
)

INTERNAL_COMMENTS = {
    "nl": (
        "Gebeld, voicemail ingesproken; morgen opnieuw proberen.",
        "Zie de mail van gisteren in de gedeelde inbox.",
        "Let op: staat in het dossier dat dit via Eva moet lopen.",
        "Eerste versie staat in de gedeelde map, graag even meelezen.",
        "Leverancier belt vóór 16:00 terug.",
        "Duurt langer dan gedacht: er ontbraken gegevens.",
    ),
    "de": (
        "Angerufen, auf die Mailbox gesprochen; morgen erneut versuchen.",
        "Siehe Mail von gestern im gemeinsamen Postfach.",
        "Achtung: laut Dossier läuft das über die Büroleitung.",
        "Entwurf liegt im gemeinsamen Ordner, bitte gegenlesen.",
        "Rückruf kommt bis 16 Uhr.",
        "Dauert länger als geplant: es fehlten Unterlagen.",
    ),
    "en": (
        "Called, left a voicemail; will try again tomorrow.",
        "See yesterday's mail in the shared inbox.",
        "Heads-up: the dossier says this goes through the office manager.",
        "First draft is in the shared folder, please have a look.",
        "Supplier will call back before 4 pm.",
        "Taking longer than planned: some details were missing.",
    ),
}

CLIENT_UPDATES = {
    "nl": (
        "Geregeld! De bevestiging staat in uw mailbox.",
        "Staat in uw agenda; de uitnodiging is verstuurd.",
        "De documenten staan klaar in de gedeelde map.",
        "Afgerond. Laat gerust weten als er nog iets moet gebeuren.",
    ),
    "de": (
        "Erledigt! Die Bestätigung liegt in Ihrem Postfach.",
        "Steht in Ihrem Kalender, die Einladung ist raus.",
        "Die Unterlagen liegen im gemeinsamen Ordner bereit.",
        "Abgeschlossen. Melden Sie sich gern, falls noch etwas fehlt.",
    ),
    "en": (
        "All set! The confirmation is in your inbox.",
        "It's in your calendar and the invitation has gone out.",
        "The documents are ready in the shared folder.",
        "Done. Just let us know if anything else is needed.",
    ),
}

CLIENT_QUESTIONS = {
    "nl": (
        "Welke datum heeft uw voorkeur: dinsdag of donderdag?",
        "Kunt u de inloggegevens nog even sturen?",
        "Mogen we hiervoor maximaal € 250 uitgeven?",
        "Wilt u de conceptversie nog goedkeuren?",
    ),
    "de": (
        "Welcher Termin passt Ihnen besser: Dienstag oder Donnerstag?",
        "Könnten Sie uns die Zugangsdaten noch schicken?",
        "Dürfen wir dafür bis zu 250 € ausgeben?",
        "Möchten Sie den Entwurf noch freigeben?",
    ),
    "en": (
        "Which date suits you best: Tuesday or Thursday?",
        "Could you send us the login details?",
        "May we spend up to € 250 on this?",
        "Would you like to approve the draft first?",
    ),
}

CLIENT_REPLIES = {
    "nl": ("Dinsdag past prima, dank je!", "Goed zo, dank voor het regelen.", "Akkoord, ga je gang."),
    "de": ("Dienstag passt gut, danke!", "Prima, vielen Dank.", "Einverstanden, gerne so."),
    "en": ("Tuesday works, thanks!", "Great, thank you.", "Agreed, go ahead."),
}

GENERAL_NOTES = {
    "nl": ("Inbox en agenda bijgehouden", "Korte afstemming met de klant", "Weekplanning doorgenomen"),
    "de": ("Postfach und Kalender gepflegt", "Kurze Abstimmung mit dem Mandanten", "Wochenplanung durchgesehen"),
    "en": (
        "Kept the inbox and calendar up to date",
        "Short check-in with the client",
        "Went through the weekly planning",
    ),
}

NON_BILLABLE_NOTES = {
    "nl": "Inwerktijd, niet gefactureerd",
    "de": "Einarbeitung, nicht berechnet",
    "en": "Onboarding time, not billed",
}
