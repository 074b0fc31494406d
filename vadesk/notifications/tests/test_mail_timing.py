"""Quiet hours hold mail until they end; the daily summary goes once, at the person's time, whoever ticks."""

import threading
from datetime import datetime, time
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction

from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.clients.models import Assignment
from vadesk.comms.models import OutboxMessage
from vadesk.conftest import on_own_connection
from vadesk.notifications import mailing
from vadesk.notifications.mailing import held_mails_send, summaries_send
from vadesk.notifications.models import Delivery, Kind, MailState, Notification, SummarySent
from vadesk.notifications.services import notification_preferences_save, notify
from vadesk.notifications.tests.conftest import mails_to
from vadesk.notifications.timing import quiet_end, summary_slot

AMS = ZoneInfo("Europe/Amsterdam")


def at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=AMS)


def test_quiet_hours_across_midnight_end_the_next_morning():
    assert quiet_end(at(23), time(22), time(7)) == at(7, day=3)
    assert quiet_end(at(6, 59), time(22), time(7)) == at(7)
    assert quiet_end(at(7), time(22), time(7)) is None
    assert quiet_end(at(12), time(22), time(7)) is None


def test_quiet_hours_within_a_day_and_none():
    assert quiet_end(at(12, 30), time(12), time(13)) == at(13)
    assert quiet_end(at(13), time(12), time(13)) is None
    assert quiet_end(at(12), None, None) is None
    assert quiet_end(at(12), time(9), time(9)) is None


def test_the_summary_slot_is_today_once_its_time_has_passed():
    assert summary_slot(at(16, 59), time(17)) is None
    assert summary_slot(at(17, 0), time(17)) == at(17)


def _tell(task, person, title="Acme replied"):
    return notify(
        kind=Kind.CLIENT_MESSAGE,
        recipients=[person],
        organisation_id=task.client.organisation_id,
        task=task,
        url=f"/tasks/{task.pk}/",
        text=lambda: (title, "Dinsdag past."),
    )


def _prefer(person, *, delivery=Delivery.MAIL, quiet=(None, None), summary=time(17)):
    notification_preferences_save(
        by=person,
        deliveries={Kind.CLIENT_MESSAGE: delivery},
        quiet_from=quiet[0],
        quiet_until=quiet[1],
        summary_time=summary,
    )


def test_quiet_hours_hold_the_mail_until_they_end_then_it_goes_once(task, assistant):
    _prefer(assistant, quiet=(time(22), time(7)))
    with time_machine.travel(at(23), tick=False):
        [notification] = _tell(task, assistant)
    assert notification.mail_state == MailState.HELD and mails_to(assistant) == []

    assert held_mails_send(now=at(6, 59, day=3)) == 0
    assert held_mails_send(now=at(7, 0, day=3)) == 1
    assert held_mails_send(now=at(7, 5, day=3)) == 0
    [mail] = mails_to(assistant)
    assert mail.subject == "Acme replied" and f"/tasks/{task.pk}/" in mail.body_text


def test_a_held_mail_read_in_the_app_meanwhile_is_not_sent(task, assistant):
    _prefer(assistant, quiet=(time(22), time(7)))
    with time_machine.travel(at(23), tick=False):
        [notification] = _tell(task, assistant)
    Notification.objects.filter(pk=notification.pk).update(read_at=at(23, 30))

    assert held_mails_send(now=at(8, day=3)) == 0
    assert mails_to(assistant) == []


def test_outside_quiet_hours_the_mail_goes_at_once(task, assistant):
    _prefer(assistant, quiet=(time(22), time(7)))
    with time_machine.travel(at(10), tick=False):
        _tell(task, assistant)
    assert len(mails_to(assistant)) == 1


def test_in_app_only_sends_no_mail(task, assistant):
    _prefer(assistant, delivery=Delivery.IN_APP)
    [notification] = _tell(task, assistant)
    assert notification.mail_state == MailState.NONE and mails_to(assistant) == []


def test_the_daily_summary_goes_once_at_the_chosen_time_with_what_waited(task, assistant):
    _prefer(assistant, delivery=Delivery.SUMMARY, summary=time(18))
    with time_machine.travel(at(9), tick=False):
        _tell(task, assistant, "First")
        _tell(task, assistant, "Second")
    with time_machine.travel(at(19), tick=False):
        _tell(task, assistant, "After the summary")  # waits for tomorrow's

    assert summaries_send(now=at(17, 59)) == 0
    assert summaries_send(now=at(18, 0)) == 1
    assert summaries_send(now=at(18, 5)) == 0  # a second tick
    [mail] = mails_to(assistant)
    assert "First" in mail.body_text and "Second" in mail.body_text and "After the summary" not in mail.body_text
    assert "2" in mail.subject

    assert summaries_send(now=at(18, 0, day=3)) == 1
    assert "After the summary" in mails_to(assistant)[1].body_text


def test_a_summary_leaves_out_a_client_the_person_no_longer_serves(task, assistant, other_client):
    _prefer(assistant, delivery=Delivery.SUMMARY)
    with time_machine.travel(at(9), tick=False):
        _tell(task, assistant, "About Acme")
    Assignment.objects.filter(client=task.client, person=assistant).delete()  # taken off acme's team

    assert summaries_send(now=at(17, 30)) == 0
    assert mails_to(assistant) == []
    assert Notification.objects.get().mail_state == MailState.SKIPPED


def test_two_workers_ticking_at_once_send_one_summary(sqlite_file, monkeypatch):
    """Two threads on their own connections to one SQLite file, as two worker processes would; both have
    read what waits for a summary before either claims it (the interleaving is forced, not hoped for)."""
    seed, seeded = on_own_connection(sqlite_file, _seed_one_for_the_summary)
    seed.start()
    seed.join()
    assert "error" not in seeded, seeded
    both_read = threading.Barrier(2, timeout=10)
    slot = mailing.summary_slot

    def slot_after_both_read(now, at):
        both_read.wait()
        return slot(now, at)

    monkeypatch.setattr(mailing, "summary_slot", slot_after_both_read)
    workers = [on_own_connection(sqlite_file, lambda: summaries_send(now=at(17, 30))) for _ in range(2)]
    for thread, _ in workers:
        thread.start()
    for thread, _ in workers:
        thread.join(timeout=30)

    assert sorted(result.get("value", result.get("error")) for _, result in workers) == [0, 1], workers
    check, counted = on_own_connection(
        sqlite_file, lambda: (SummarySent.objects.count(), OutboxMessage.objects.filter(kind="account").count())
    )
    check.start()
    check.join()
    assert counted["value"] == (1, 1)


def _seed_one_for_the_summary() -> None:
    organisation = Organisation.objects.create(name="Assist & Co", country="NL", time_zone="Europe/Amsterdam")
    person = Person.objects.create_user("olga@assist.example", "x", full_name="Olga Owner")
    Membership.objects.create(person=person, organisation=organisation, role=Membership.Role.OWNER)
    _prefer(person, delivery=Delivery.SUMMARY)
    with time_machine.travel(at(9), tick=False), transaction.atomic():
        notify(
            kind=Kind.CLIENT_MESSAGE,
            recipients=[person],
            organisation_id=organisation.pk,
            text=lambda: ("Something", ""),
        )
