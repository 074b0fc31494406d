"""Setting up a repeating task from the client page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from vadesk.tasks.models import RecurringTask, Task

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@time_machine.travel(datetime(2026, 11, 23, 8, 0, tzinfo=AMSTERDAM), tick=False)
def test_monthly_on_the_25th_creates_the_first_task_within_the_lead_time(client, assistant, acme, bundle):
    client.force_login(assistant)
    response = client.post(
        reverse("recurring_new", args=[acme.pk]),
        {
            "title": "Facturen klaarzetten",
            "category": "bookkeeping",
            "priority": 2,
            "first_due_at": "2026-11-25T09:00",
            "repeats": "monthly",
            "lead_days": 3,
            "engagement": bundle.pk,
            "assignees": [assistant.pk],
        },
    )
    assert response.status_code == 302
    template = RecurringTask.objects.get()
    assert template.rrule == "FREQ=MONTHLY;BYMONTHDAY=25"
    task = Task.objects.get(recurrence=template)
    assert task.due_at == datetime(2026, 11, 25, 9, 0, tzinfo=AMSTERDAM)
    assert list(task.assignees.all()) == [assistant]
    page = client.get(reverse("client_detail", args=[acme.pk])).content.decode()
    assert "Fri, 25 Dec 2026, 09:00" in page


def test_a_custom_rule_that_is_not_an_rrule_is_refused(client, assistant, acme):
    client.force_login(assistant)
    response = client.post(
        reverse("recurring_new", args=[acme.pk]),
        {
            "title": "Iets",
            "category": "other",
            "priority": 2,
            "first_due_at": "2026-11-25T09:00",
            "repeats": "custom",
            "rrule": "every tuesday",
            "lead_days": 3,
        },
    )
    assert "not a valid RRULE" in response.content.decode()
    assert not RecurringTask.objects.exists()


def test_stopping_keeps_existing_tasks_and_creates_no_more(client, assistant, acme):
    with time_machine.travel(datetime(2026, 11, 23, 8, 0, tzinfo=AMSTERDAM), tick=False):
        client.force_login(assistant)  # inside the travel: a session made "today" may have expired by then
        client.post(
            reverse("recurring_new", args=[acme.pk]),
            {
                "title": "Weekstart",
                "category": "office",
                "priority": 2,
                "first_due_at": "2026-11-23T09:00",
                "repeats": "weekly",
                "lead_days": 1,
            },
        )
        template = RecurringTask.objects.get()
        client.post(reverse("recurring_stop", args=[acme.pk, template.pk]))
    from vadesk.tasks.recurrence import recurring_tasks_spawn

    with time_machine.travel(datetime(2026, 11, 23, 8, 0, tzinfo=AMSTERDAM) + timedelta(days=14), tick=False):
        assert recurring_tasks_spawn() == 0
    assert Task.objects.filter(recurrence=template).count() == 1


@time_machine.travel(datetime(2027, 1, 20, 8, 0, tzinfo=AMSTERDAM), tick=False)
def test_monthly_on_the_31st_skips_no_month_and_reads_as_words(client, assistant, acme, bundle):
    assistant.language = "nl"
    assistant.save(update_fields=["language"])
    client.force_login(assistant)
    form = client.get(reverse("recurring_new", args=[acme.pk])).content.decode()
    assert "valt in een kortere maand op de laatste dag" in form  # the preset says what it does before it is chosen
    response = client.post(
        reverse("recurring_new", args=[acme.pk]),
        {
            "title": "Maandafsluiting",
            "category": "bookkeeping",
            "priority": 2,
            "first_due_at": "2027-01-31T09:00",
            "repeats": "monthly",
            "lead_days": 3,
        },
    )
    assert response.status_code == 302
    assert RecurringTask.objects.get().rrule == "FREQ=MONTHLY;BYMONTHDAY=-1"
    page = client.get(reverse("client_detail", args=[acme.pk])).content.decode()
    assert "Elke maand op de laatste dag" in page and "BYMONTHDAY" not in page.split('title="')[0]
    assert ">FREQ=" not in page  # the rule itself is only a tooltip
    assert "zo 28 feb 2027, 09:00" in page and "wo 31 mrt 2027, 09:00" in page  # February is not skipped
