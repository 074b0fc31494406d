"""The portal home at a glance: hours left and how long they last, what waits on the client, the team, what
comes next, the latest invoices; and nothing internal."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from vadesk.agenda.models import Calendar, Event, Occurrence, Party
from vadesk.clients.models import Assignment
from vadesk.engagements.models import Engagement
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise
from vadesk.invoicing.tests.conftest import PERIOD, billable_acme, hourly, october_hours, seller  # noqa: F401 - fixtures
from vadesk.tasks.models import Comment
from vadesk.tasks.services import comment_add, task_create, task_transition
from vadesk.timesheets.services import time_entry_log

AMS = ZoneInfo("Europe/Amsterdam")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _2_december_2026(time_machine):
    time_machine.move_to(datetime(2026, 12, 2, 10, tzinfo=AMS), tick=False)


def home(client, person, language: str = "en") -> str:
    person.language = language
    person.save(update_fields=["language"])
    client.force_login(person)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def retainer_20(acme, assistant):
    """20 hours a month; 8 hours in the last four weeks, 2 of them this month: 18 left, lasting the month."""
    engagement = Engagement.objects.create(
        client=acme,
        name="Retainer 20",
        kind=Engagement.Kind.RETAINER,
        starts_on=date(2026, 9, 1),
        monthly_hours=Decimal("20"),
        monthly_price=Decimal("1000"),
        excess_rate=Decimal("55"),
        billing_increment_minutes=15,
    )
    for day, minutes in [(date(2026, 11, 10), 180), (date(2026, 11, 20), 180), (date(2026, 12, 1), 120)]:
        time_entry_log(by=assistant, engagement=engagement, work_date=day, minutes=minutes)
    return engagement


def test_a_retainer_shows_how_long_the_month_lasts_and_what_expires(client, acme_user, retainer_20):
    html = section(home(client, acme_user), f"engagement-{retainer_20.pk}")

    assert "18:00" in html  # left
    assert "At this pace (about 2:00 a week) your hours last the month." in html
    # No rollover: what is not used this month is gone at its end.
    assert "18:00 expire at the end of this month if unused." in html


def test_a_busy_retainer_says_the_day_it_runs_out(client, acme_user, retainer_20, assistant):
    time_entry_log(by=assistant, engagement=retainer_20, work_date=date(2026, 12, 2), minutes=16 * 60)

    html = section(home(client, acme_user), f"engagement-{retainer_20.pk}")

    # 2:00 left; 24 hours in four weeks is 6 hours a week: 2:00 lasts 2 days.
    assert "this month&#x27;s hours last until 4 December." in html


def test_a_bundle_says_how_long_what_is_left_lasts(client, acme_user, bundle, assistant):
    for day in (date(2026, 11, 11), date(2026, 11, 25)):
        time_entry_log(by=assistant, engagement=bundle, work_date=day, minutes=300)  # 10 h in four weeks

    html = section(home(client, acme_user), f"engagement-{bundle.pk}")

    assert "0:00 left" not in html
    assert "No hours used" not in html


def test_a_bundle_nearly_used_up_lasts_about_a_week(client, acme_user, bundle, assistant):
    bundle.bundle_hours = Decimal("12.5")
    bundle.save()
    time_entry_log(by=assistant, engagement=bundle, work_date=date(2026, 10, 10), minutes=150)  # before the window
    for day in (date(2026, 11, 11), date(2026, 11, 18), date(2026, 11, 25)):
        time_entry_log(by=assistant, engagement=bundle, work_date=day, minutes=150)

    html = section(home(client, acme_user), f"engagement-{bundle.pk}")

    # 12:30 less 10:00 leaves 2:30; 7:30 in the last four weeks is about 1:53 a week: 9 days.
    assert "2:30 left, that is about 1 week at your usual pace (about 1:53 a week)." in html


def test_an_idle_engagement_says_so(client, acme_user, bundle):
    assert "No hours used in the last four weeks." in section(home(client, acme_user), f"engagement-{bundle.pk}")


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", "In dit tempo (ongeveer 2:00 per week) komt u de maand ruim door."),
        ("de", "In diesem Tempo (etwa 2:00 pro Woche) reichen Ihre Stunden für den ganzen Monat."),
    ],
)
def test_the_projection_speaks_the_clients_language(client, acme_user, retainer_20, language, words):
    assert words in section(home(client, acme_user, language), f"engagement-{retainer_20.pk}")


def test_waiting_on_you_shows_the_question_and_takes_the_answer(client, acme_user, acme, assistant, bundle):
    task = task_create(by=assistant, client=acme, engagement=bundle, title="Hotel Keulen", assignees=[assistant])
    comment_add(by=assistant, task=task, body="Nog iets, intern: ZQX-INTERN", visibility="internal")
    comment_add(by=assistant, task=task, body="Voorkeur voor het Dom Hotel of het Savoy?", visibility="client")
    comment_add(by=assistant, task=task, body="Intern na de vraag: ZQX-NA", visibility="internal")
    task_transition(by=assistant, task=task, to="waiting")

    html = home(client, acme_user)
    waiting = section(html, "waiting-on-you")

    assert "Hotel Keulen" in waiting and "Voorkeur voor het Dom Hotel of het Savoy?" in waiting
    assert "ZQX" not in html
    answer = client.post(reverse("portal:task", args=[task.pk]), {"body": "Het Savoy graag"})
    assert answer.status_code == 302
    assert task.comments.filter(body="Het Savoy graag", visibility=Comment.Visibility.CLIENT).exists()


def test_the_clients_own_reply_is_not_shown_as_the_question(client, acme_user, acme, assistant, bundle):
    task = task_create(by=assistant, client=acme, engagement=bundle, title="Hotel", assignees=[assistant])
    comment_add(by=assistant, task=task, body="Welk hotel?", visibility="client")
    comment_add(by=acme_user, task=task, body="Even nadenken", visibility="client")
    task_transition(by=assistant, task=task, to="waiting")

    waiting = section(home(client, acme_user), "waiting-on-you")

    assert "Welk hotel?" in waiting and "Even nadenken" not in waiting


def test_the_team_lists_lead_and_backup_with_initials(client, acme_user, acme, assistant, colleague):
    Assignment.objects.create(client=acme, person=colleague, role=Assignment.Role.BACKUP)

    team = section(home(client, acme_user), "your-team")

    assert team.index("Anna Assistent") < team.index("Carl Colleague")
    assert "Lead assistant" in team and "Backup" in team and ">AA<" in team


def test_coming_up_shows_the_clients_own_calendar_only(client, acme_user, acme, assistant):
    def appointment(party, summary, start):
        calendar = Calendar.objects.create(party=party, name=summary)
        event = Event.objects.create(calendar=calendar, uid=summary, ics="", summary=summary)
        Occurrence.objects.create(
            calendar=calendar,
            event=event,
            recurrence_id="",
            start=start,
            end=start + timedelta(hours=1),
            summary=summary,
        )

    own = Party.objects.create(organisation=acme.organisation, client=acme, kind=Party.Kind.CLIENT, name="Acme")
    mine = Party.objects.create(organisation=acme.organisation, person=assistant, kind=Party.Kind.ASSISTANT, name="A")
    appointment(own, "Board meeting", datetime(2026, 12, 3, 9, tzinfo=UTC))
    appointment(own, "Last week", datetime(2026, 11, 25, 9, tzinfo=UTC))
    appointment(mine, "Anna's dentist", datetime(2026, 12, 3, 11, tzinfo=UTC))

    upcoming = section(home(client, acme_user), "upcoming")

    assert "Board meeting" in upcoming
    assert "Last week" not in upcoming and "dentist" not in upcoming


def test_the_latest_invoices_show_open_overdue_and_paid(
    client, acme_user, owner, assistant, seller, october_hours, billable_acme
):
    invoice = invoice_finalise(
        by=owner,
        invoice=invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1]),
        issue_date=date(2026, 11, 2),
    )
    assert invoice.due_date < date(2026, 12, 2)

    invoices = section(home(client, acme_user), "latest-invoices")

    assert invoice.number in invoices and "Overdue" in invoices
    assert reverse("invoicing:portal_download", args=[invoice.pk, "pdf"]) in invoices
    einvoice = reverse("invoicing:portal_download", args=[invoice.pk, "facturx"])
    assert einvoice in invoices  # and the e-invoice beside the PDF
    assert client.get(einvoice).status_code == 200


def test_another_clients_waiting_tasks_never_show(client, acme_user, org, assistant):
    from vadesk.clients.models import Client

    globex = Client.objects.create(organisation=org, name="Globex NV", country="BE")
    Assignment.objects.create(client=globex, person=assistant)
    engagement = Engagement.objects.create(client=globex, name="Uren", kind="hourly", starts_on=date(2026, 1, 1))
    task = task_create(by=assistant, client=globex, engagement=engagement, title="Globex geheim", assignees=[assistant])
    comment_add(by=assistant, task=task, body="Vraag aan Globex", visibility="client")
    task_transition(by=assistant, task=task, to="waiting")

    html = home(client, acme_user)

    assert "Globex" not in html


@pytest.mark.parametrize("many", [1, 6])
def test_the_home_reads_the_same_number_of_queries_however_much_there_is(
    client, acme_user, acme, assistant, bundle, many, django_assert_max_num_queries
):
    for n in range(many):
        extra = Engagement.objects.create(
            client=acme,
            name=f"Retainer {n}",
            kind="retainer",
            starts_on=date(2026, 1, 1),
            monthly_hours=Decimal("8"),
            monthly_price=Decimal("400"),
            excess_rate=Decimal("60"),
        )
        task = task_create(by=assistant, client=acme, engagement=extra, title=f"Vraag {n}")
        time_entry_log(by=assistant, engagement=extra, task=task, work_date=date.today(), minutes=7 * 60)
        comment_add(by=assistant, task=task, body=f"Welke datum {n}?", visibility=Comment.Visibility.CLIENT)
        task_transition(by=assistant, task=task, to="waiting")
    home(client, acme_user)  # the session and the language settle first
    with django_assert_max_num_queries(28):
        page = home(client, acme_user)
    assert page.count('data-testid="waiting-') == many + 1  # the section and each task
