"""The badge, the list, reading, the preferences page and the today page's block."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vadesk.clients.models import Assignment
from vadesk.notifications.models import Delivery, Kind, Notification, NotificationPreference, NotificationSettings
from vadesk.notifications.services import notify
from vadesk.tasks.services import comment_add


def _tell(task, person, title="Acme replied"):
    return notify(
        kind=Kind.CLIENT_MESSAGE,
        recipients=[person],
        organisation_id=task.client.organisation_id,
        task=task,
        url=reverse("task_detail", args=[task.pk]),
        text=lambda: (title, "Dinsdag past."),
    )[0]


def _badge(html: str) -> str:
    start = html.index('data-testid="notification-badge"')
    return html[start : html.index("</a>", start)]


def test_the_badge_counts_unread_notifications_with_one_query(client, task, assistant):
    _tell(task, assistant)
    _tell(task, assistant, "Second")
    client.force_login(assistant)

    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("board")).content.decode()
    assert '<span class="badge">2</span>' in _badge(html)
    assert len([q for q in queries if "notifications_notification" in q["sql"]]) == 1


def test_no_badge_without_unread(client, task, assistant):
    client.force_login(assistant)
    assert 'class="badge"' not in _badge(client.get(reverse("board")).content.decode())


def test_the_list_shows_ones_own_and_opening_marks_read_and_goes_to_the_task(client, task, assistant, colleague):
    mine = _tell(task, assistant)
    client.force_login(assistant)

    assert "Acme replied" in client.get(reverse("notifications:list")).content.decode()
    response = client.post(reverse("notifications:open", args=[mine.pk]), {"go": "1"})

    assert response.status_code == 302 and response.url == reverse("task_detail", args=[task.pk])
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "Acme replied" not in client.get(reverse("notifications:list")).content.decode()
    assert "Acme replied" in client.get(reverse("notifications:list") + "?show=all").content.decode()


def test_a_link_that_leaves_vadesk_is_not_followed(client, task, assistant):
    mine = _tell(task, assistant)
    Notification.objects.filter(pk=mine.pk).update(url="https://evil.example/")
    client.force_login(assistant)

    response = client.post(reverse("notifications:open", args=[mine.pk]), {"go": "1"})

    assert response.url == reverse("notifications:list")


def test_mark_all_read(client, task, assistant):
    _tell(task, assistant)
    _tell(task, assistant, "Second")
    client.force_login(assistant)

    client.post(reverse("notifications:read_all"))

    assert Notification.objects.unread().count() == 0


def test_a_notification_about_a_client_one_no_longer_serves_is_out_of_reach(client, task, assistant):
    mine = _tell(task, assistant)
    Assignment.objects.filter(person=assistant).delete()
    client.force_login(assistant)

    assert "Acme replied" not in client.get(reverse("notifications:list")).content.decode()
    assert client.post(reverse("notifications:open", args=[mine.pk])).status_code == 404
    assert 'class="badge"' not in _badge(client.get(reverse("notifications:list")).content.decode())


def test_a_client_user_has_no_notification_pages(client, acme_user):
    client.force_login(acme_user)
    assert client.get(reverse("notifications:list")).status_code == 302  # to the portal
    assert client.get(reverse("notifications:preferences")).status_code == 302


def test_preferences_are_saved_per_kind_with_quiet_hours(client, assistant):
    client.force_login(assistant)
    body = {f"kind_{kind}": Delivery.IN_APP for kind in Kind.values}
    body |= {f"kind_{Kind.MENTION}": Delivery.SUMMARY, "quiet_from": "22:00", "quiet_until": "07:00"}

    response = client.post(reverse("notifications:preferences"), body | {"summary_time": "16:30"})

    assert response.status_code == 302
    assert NotificationPreference.objects.get(person=assistant, kind=Kind.MENTION).delivery == Delivery.SUMMARY
    own = NotificationSettings.objects.get(person=assistant)
    assert (str(own.quiet_from), str(own.quiet_until), str(own.summary_time)) == ("22:00:00", "07:00:00", "16:30:00")
    assert 'value="16:30"' in client.get(reverse("notifications:preferences")).content.decode()


def test_half_quiet_hours_are_refused_keeping_what_was_typed(client, assistant):
    client.force_login(assistant)
    body = {f"kind_{kind}": Delivery.MAIL for kind in Kind.values}
    body |= {
        f"kind_{Kind.PAYMENT}": Delivery.SUMMARY,
        "quiet_from": "22:00",
        "quiet_until": "",
        "summary_time": "17:00",
    }

    response = client.post(reverse("notifications:preferences"), body, HTTP_ACCEPT_LANGUAGE="nl")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Geef begin én einde van je rusttijd" in html or "Give both ends of your quiet hours" in html
    assert 'value="22:00"' in html
    assert NotificationSettings.objects.count() == NotificationPreference.objects.count() == 0


def test_a_bad_choice_is_refused(client, assistant):
    client.force_login(assistant)
    body = {f"kind_{kind}": "carrier-pigeon" for kind in Kind.values} | {"summary_time": "17:00"}

    assert client.post(reverse("notifications:preferences"), body).status_code == 200
    assert NotificationPreference.objects.count() == 0


def test_the_today_page_shows_what_needs_you(client, task, assistant, acme_user):
    comment_add(by=acme_user, task=task, body="Graag vóór vrijdag", visibility="client")
    client.force_login(assistant)

    html = client.get(reverse("today")).content.decode()

    block = html[html.index('data-testid="needs-you"') :]
    assert "Acme B.V. replied on Plan board meeting" in block


@pytest.mark.parametrize("language,word", [("nl", "Meldingen"), ("de", "Benachrichtigungen")])
def test_the_list_speaks_the_persons_language(client, assistant, language, word):
    client.force_login(assistant)
    client.cookies["vadesk_language"] = language
    assert word in client.get(reverse("notifications:list")).content.decode()
