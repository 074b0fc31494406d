"""The daily loop in Chromium against a live server: an invoice leaves vadesk and arrives on a loopback SMTP server,
an engagement saved unchanged stays unchanged in nl and de, and a client's portal reply reaches the assistant."""

import time
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from vadesk.comms.models import OutboxMessage
from vadesk.comms.tests.delivery import deliver, received
from vadesk.comms.tests.servers import SmtpServer
from vadesk.engagements.models import Engagement
from vadesk.invoicing import services
from vadesk.invoicing.models import ClientBilling, InvoiceDispatch
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise, invoice_line_save, sending
from vadesk.invoicing.tests.conftest import PERIOD, billable_acme, seller  # noqa: F401 - fixtures
from vadesk.tasks.models import Status
from vadesk.web.tests.test_browser import ARTIFACTS, log_in, page  # noqa: F401 - fixture
from vadesk.web.tests.test_unchanged_save import odd_retainer  # noqa: F401 - fixture
from vadesk.web.tests.unchanged import rows_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def smtp_server(monkeypatch):
    with SmtpServer() as server:
        monkeypatch.setattr(settings, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setattr(settings, "SMTP_PORT", server.port)
        yield server


@pytest.fixture
def final_invoice(seller, owner, billable_acme):
    ClientBilling.objects.update_or_create(
        client=billable_acme, defaults={"invoice_email": "facturen@acme.example", "einvoice_format": "ubl"}
    )
    draft = invoice_draft_create(
        by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
    )
    invoice_line_save(
        by=owner, invoice=draft, description="Agendabeheer", quantity=Decimal(3), unit="HUR", unit_price=Decimal(55)
    )
    return invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))


def slow_sending(monkeypatch) -> list[str]:
    """Rendering the PDF takes a second, as on a busy server (the live server runs in this process); returns the
    outcome of each call of the service once it has ended: "sent" or the refusal."""
    render, send = sending.render_pdf, services.invoice_send
    ended: list[str] = []

    def slow_render(invoice):
        time.sleep(1)
        return render(invoice)

    def recorded_send(**kwargs):
        try:
            dispatch = send(**kwargs)
        except ValidationError as error:
            ended.append(" ".join(error.messages))
            raise
        ended.append("sent")
        return dispatch

    monkeypatch.setattr(sending, "render_pdf", slow_render)
    monkeypatch.setattr(services, "invoice_send", recorded_send)
    return ended


def wait_for(condition, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_an_invoice_sent_from_its_page_arrives_once_with_the_pdf_and_the_clients_e_invoice(
    page,
    live_server,
    owner,
    final_invoice,
    smtp_server,
    monkeypatch,
):
    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/today/")
    page.goto(f"{live_server.url}/invoices/{final_invoice.pk}/")
    assert page.input_value("[data-testid=send] input[name=to]") == "facturen@acme.example"
    ended = slow_sending(monkeypatch)
    # An impatient double click: the second click lands while the first request is still being answered. (Two
    # Playwright clicks cannot do it: the second waits for the first one's navigation.)
    page.evaluate(
        """() => { const send = document.querySelector("[data-testid=send-invoice]");
                   send.click(); setTimeout(() => send.click(), 300); }"""
    )
    page.wait_for_selector("[data-testid=dispatch]")
    page.screenshot(path=str(ARTIFACTS / "invoice-sent.png"), full_page=True)
    wait_for(lambda: len(ended) == 2)  # both clicks reached the server; one of them sent
    assert sorted(ended)[-1] == "sent" and "already sent" in sorted(ended)[0], ended

    assert OutboxMessage.objects.count() == 1 and InvoiceDispatch.objects.count() == 1
    assert deliver()["sent"] == 1  # the outbox worker's next round
    [mail] = received(smtp_server)
    assert str(mail["To"]) == "facturen@acme.example"
    assert str(mail["Subject"]) == f"Factuur {final_invoice.number} van Assist & Co"  # the client's language
    attachments = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    assert sorted(attachments) == [f"{final_invoice.number}-ubl.xml", f"{final_invoice.number}.pdf"]
    assert attachments[f"{final_invoice.number}.pdf"].startswith(b"%PDF")
    assert b"<Invoice" in attachments[f"{final_invoice.number}-ubl.xml"]
    assert final_invoice.number.encode() in attachments[f"{final_invoice.number}-ubl.xml"]


@pytest.mark.parametrize("language", ["nl", "de"])
def test_an_engagement_saved_unchanged_in_the_browser_is_unchanged(
    page,
    live_server,
    owner,
    org,
    acme,
    odd_retainer,
    language,
):
    org.default_hourly_rate = Decimal("58.00")
    org.save()
    owner.language = language
    owner.save(update_fields=["language"])
    before = rows_of(Engagement)
    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/today/")
    page.goto(f"{live_server.url}/clients/{acme.pk}/engagements/{odd_retainer.pk}/")
    assert page.get_attribute("html", "lang") == language
    # What the browser holds is what is stored: a localised "12,50" in a number input would read as empty.
    assert page.input_value("#id_monthly_hours") in ("12.50", "12.5")
    assert page.input_value("#id_starts_on") == "2025-03-01"
    page.screenshot(path=str(ARTIFACTS / f"engagement-form-{language}.png"), full_page=True)
    with page.expect_navigation():
        page.click(".engagement-form button[type=submit]")
    assert page.url == f"{live_server.url}/clients/{acme.pk}/", page.inner_text("main")  # saved, not refused
    assert rows_of(Engagement) == before


def test_a_clients_portal_reply_reaches_the_assistants_badge_and_today_page(
    page,
    live_server,
    task,
    assistant,
    acme_user,
):
    task.status = Status.WAITING
    task.save(update_fields=["status"])
    log_in(page, live_server, acme_user.email)
    page.wait_for_url(f"{live_server.url}/portal/")
    page.goto(f"{live_server.url}/portal/tasks/{task.pk}/")
    page.fill("textarea[name=body]", "Ja, graag dinsdag om tien uur.")
    page.click("form.stack button")
    page.wait_for_selector("text=Ja, graag dinsdag om tien uur.")
    page.context.clear_cookies()

    log_in(page, live_server, assistant.email)
    page.wait_for_url(f"{live_server.url}/today/")
    assert page.inner_text("[data-testid=notification-badge] .badge") == "1"
    needs_you = page.inner_text("[data-testid=needs-you]")
    assert "Plan board meeting" in needs_you and "Ja, graag dinsdag om tien uur." in needs_you
    page.screenshot(path=str(ARTIFACTS / "today-client-replied.png"), full_page=True)
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS  # the reply takes the task off "waiting for client"


@pytest.fixture
def booked(assistant, acme):
    """Two appointments this month in a local calendar of acme's: the month agenda has something to show."""
    from datetime import timedelta

    from django.utils import timezone

    from vadesk.agenda.models import Calendar
    from vadesk.agenda.parties import client_party
    from vadesk.agenda.services import booking_create

    calendar = Calendar.objects.create(party=client_party(acme), name="Work", source=Calendar.Source.LOCAL)
    today = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    first = today.replace(day=min(today.day, 20))
    for start in (first, first + timedelta(days=2)):
        booking_create(
            by=assistant, calendar=calendar, start=start, end=start + timedelta(hours=1), summary="Kwartaaloverleg"
        )
    return calendar


@pytest.mark.parametrize("language", ["nl", "de", "en"])
def test_on_a_phone_the_navigation_the_month_agenda_and_the_dashboard_fit(
    page, live_server, owner, assistant, acme, booked, task, language
):
    from datetime import timedelta

    from django.utils import timezone

    from vadesk.tasks.services import task_update

    # A row in "overdue work", with the long German names that pushed its columns out of a phone's card.
    task_update(
        by=owner,
        task=task,
        due_at=timezone.now() - timedelta(days=2),
        title="Abwesenheitsnotiz für den Urlaub einrichten",
    )
    acme.name = "Müller & Partner Steuerberatungsgesellschaft mbH"
    acme.save(update_fields=["name"])
    assistant.full_name = "Annemarie Assistent-Vermeulen"
    assistant.save(update_fields=["full_name"])
    owner.language = language
    owner.save(update_fields=["language"])
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/today/")
    # Every section of the top navigation is on screen, none scrolled out of sight.
    boxes = page.eval_on_selector_all("nav.mainnav a", "links => links.map(a => a.getBoundingClientRect().right)")
    assert len(boxes) >= 8 and max(boxes) <= 390, boxes

    page.goto(f"{live_server.url}/agenda/clients/{acme.pk}/?view=month")
    days = page.eval_on_selector_all(
        ".agenda-day", "days => days.filter(d => d.offsetParent).map(d => d.getBoundingClientRect().width)"
    )
    assert days and min(days) > 300, days  # one day a row, not seven squeezed columns
    assert page.is_visible("text=Kwartaaloverleg")
    page.screenshot(path=str(ARTIFACTS / f"agenda-month-phone-{language}.png"), full_page=True)

    page.goto(f"{live_server.url}/dashboard/")
    assert page.is_visible("[data-testid=overdue-tasks] >> text=Abwesenheitsnotiz")
    hidden = page.eval_on_selector_all(
        ".card", "cards => cards.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText.slice(0, 40))"
    )
    assert hidden == [], hidden  # no card hides a column to the right
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / f"dashboard-phone-{language}.png"), full_page=True)
