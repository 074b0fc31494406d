"""Every page of issue 13 costs the same number of queries on a small and on a larger practice (no N+1), and
reads no more rows than it shows (the lists are bounded)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vadesk.accounts.models import ApiToken, Membership, Person
from vadesk.accounts.services import api_token_create
from vadesk.clients.models import Assignment, Client
from vadesk.engagements.models import Engagement
from vadesk.invoicing.models import Invoice
from vadesk.invoicing.services import invoice_draft_create
from vadesk.invoicing.views import CLIENTS_SHOWN
from vadesk.tasks.models import Comment, Priority, Status, Task
from vadesk.tasks.open_work import open_work_rebuild
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.usage import usage_rebuild
from vadesk.web.views.clients import CLIENTS_PER_PAGE
from vadesk.web.views.timesheet import DAY_DETAIL

KINDS = [
    {"kind": "retainer", "monthly_hours": Decimal("20"), "monthly_price": Decimal("1000"), "rollover_policy": "all"},
    {"kind": "bundle", "bundle_hours": Decimal("1"), "bundle_price": Decimal("100")},
    {"kind": "hourly", "hourly_rate": Decimal("50")},
    {"kind": "project", "budget_hours": Decimal("2"), "project_price": Decimal("500")},
]


# A client's tasks go round the board's columns, so that every column holds cards at both sizes.
STATUSES = [Status.NEW, Status.PLANNED, Status.IN_PROGRESS, Status.WAITING, Status.DONE]


def grow(org, people, *, clients: int, per_client: int, busy_day: int) -> Client:
    """Add clients, each with an engagement, tasks in every column of the board (every other client's urgent,
    all of them overdue, the waiting ones with the team's question) and a history of entries; `busy_day` entries
    on today's date for the first person, so the time sheet has one day over its detail limit."""
    today = timezone.localdate()
    start = Client.objects.filter(organisation=org).count()
    made = Client.objects.bulk_create(
        [Client(organisation=org, name=f"Client {start + i:04d}", country="NL") for i in range(clients)]
    )
    Assignment.objects.bulk_create([Assignment(client=c, person=p) for c in made for p in people])
    engagements = Engagement.objects.bulk_create(
        [
            Engagement(client=c, name=f"Terms {c.pk}", starts_on=today - timedelta(days=700), **KINDS[i % 4])
            for i, c in enumerate(made)
        ]
    )
    add_tasks(engagements, people, per_engagement=per_client // 10 + 3)
    entries = history(engagements, people, per_engagement=per_client)
    # The busy day is on the first client's retainer, which rolls over: at 41 entries of 24 minutes or more it
    # is at 80 % of the month's own hours, so the overview walks its months at both sizes.
    entries += [
        TimeEntry(engagement=engagements[0], person=people[0], work_date=today, worked_minutes=24, billed_minutes=24)
        for _ in range(busy_day)
    ]
    TimeEntry.objects.bulk_create(entries, batch_size=2000)
    usage_rebuild()
    return made


def add_tasks(engagements, people, *, per_engagement: int) -> None:
    """Tasks round the board's columns for each engagement, all of them overdue and every other engagement's
    urgent, assigned to the people; the waiting ones with the team's question to the client."""
    now = timezone.now()
    tasks = Task.objects.bulk_create(
        [
            Task(
                client=e.client,
                engagement=e,
                title=f"Task {n}",
                status=STATUSES[n % len(STATUSES)],
                priority=Priority.URGENT if i % 2 == 0 else Priority.NORMAL,
                due_at=now + timedelta(days=n % 20 - 10),
                closed_at=now - timedelta(days=n % 30) if STATUSES[n % len(STATUSES)] == Status.DONE else None,
                created_by=people[0],
            )
            for i, e in enumerate(engagements)
            for n in range(per_engagement)
        ]
    )
    Task.assignees.through.objects.bulk_create(
        [Task.assignees.through(task_id=t.pk, person_id=p.pk) for t in tasks for p in people]
    )
    Comment.objects.bulk_create(
        [
            Comment(task=t, author=people[0], body="Which date suits you?", visibility="client")
            for t in tasks
            if t.status == Status.WAITING
        ]
    )
    open_work_rebuild()  # the kept open work the owner's today and dashboard read, as after an import


def history(engagements, people, *, per_engagement: int) -> list[TimeEntry]:
    """Half-hour entries a week apart going back from yesterday, unsaved."""
    today = timezone.localdate()
    return [
        TimeEntry(
            engagement=e,
            person=people[n % len(people)],
            work_date=today - timedelta(days=1 + n * 7 % 600),
            worked_minutes=30,
            billed_minutes=30,
        )
        for e in engagements
        for n in range(per_engagement)
    ]


def deepen(client: Client, people, *, tasks: int, entries: int) -> None:
    """More tasks and hours for a client already there: its own pages (the client page, the portal) read longer
    lists on the larger practice too, not only the lists across clients."""
    engagement = Engagement.objects.get(client=client)
    add_tasks([engagement], people, per_engagement=tasks)
    TimeEntry.objects.bulk_create(history([engagement], people, per_engagement=entries))
    usage_rebuild()


@pytest.fixture
def practice(org, owner, assistant):
    return lambda **size: grow(org, [assistant, owner], **size)[0]


@pytest.fixture
def deeper(owner, assistant):
    return lambda client: deepen(client, [assistant, owner], tasks=20, entries=100)


def pages(client: Client) -> list[tuple[str, str, bool]]:
    """(who, path, api) for every page of the issue's table."""
    return [
        ("owner", reverse("clients"), False),
        ("owner", reverse("today"), False),
        ("assistant", reverse("timesheet"), False),
        ("assistant", reverse("clients"), False),
        ("assistant", reverse("client_detail", args=[client.pk]), False),
        ("assistant", reverse("board"), False),
        ("assistant", reverse("today"), False),
        ("assistant", "/api/v1/tasks?assignee=me", True),
        ("owner", "/api/v1/time-entries", True),
        ("owner", reverse("team"), False),
        ("owner", reverse("invoicing:list"), False),
        ("owner", reverse("comms:outbox"), False),
        ("owner", "/api/v1/clients", True),
        ("owner", "/api/v1/invoices", True),
        ("assistant", "/api/v1/follow-ups", True),
        ("owner", "/api/v1/outbox", True),
    ]


def assert_lists_filled(path: str, response) -> None:
    """The lists a page reads in a query of their own only when they hold a row (a prefetch for the cards, the
    clients of the lines shown) are filled, so that both sizes run that query and a query per row would show."""
    context = response.context
    if path.split("?")[0] == reverse("board"):
        empty = [status for status, _label, cards, _more, _steps in context["columns"] if not cards]
        assert not empty, (path, empty)
    elif path == reverse("today"):
        assert context["low"], path
    elif path == reverse("portal:home"):
        assert context["waiting"] and all(line.question for line in context["waiting"]), path


def measure(people: dict, client: Client) -> dict[tuple[str, str], tuple[int, int]]:
    """Queries and bytes of each page, after one warm-up request (sessions, template caches)."""
    counts = {}
    for who, path, api in pages(client):
        browser, headers = people[who]
        browser.get(path, headers=headers if api else {})
        with CaptureQueriesContext(connection) as captured:
            response = browser.get(path, headers=headers if api else {})
        assert response.status_code == 200, (who, path)
        assert_lists_filled(path, response)
        counts[(who, path)] = (len(captured), len(response.content))
    return counts


@pytest.fixture
def people(owner, assistant):
    signed_in = {}
    for who, person in (("owner", owner), ("assistant", assistant)):
        browser = Browser()
        browser.force_login(person)
        token, secret = api_token_create(person=person, name="tests")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        signed_in[who] = (browser, {"Authorization": f"Bearer {secret}"})
    return signed_in


def test_every_page_costs_the_same_queries_on_a_small_and_a_larger_practice(practice, deeper, people):
    first = practice(clients=3, per_client=20, busy_day=DAY_DETAIL + 1)
    small = measure(people, first)

    practice(clients=CLIENTS_PER_PAGE + 10, per_client=60, busy_day=5 * DAY_DETAIL)
    deeper(first)
    large = measure(people, first)

    assert {page: q for page, (q, _size) in large.items()} == {page: q for page, (q, _size) in small.items()}


def other_pages(client: Client, task: Task, draft: Invoice) -> list[tuple[str, str, bool]]:
    """The rest of the issue's table (and issue 9's pages): each page as the person who opens it."""
    return [
        ("owner", reverse("client_detail", args=[client.pk]), False),
        ("owner", reverse("board"), False),
        ("owner", reverse("board") + "?scope=all&due=overdue&priority=4", False),
        ("owner", reverse("board") + f"?scope=all&client={client.pk}", False),
        ("assistant", reverse("task_detail", args=[task.pk]), False),
        ("owner", reverse("team:calendar"), False),
        ("owner", reverse("invoicing:detail", args=[draft.pk]), False),
        ("owner", reverse("invoicing:bank"), False),
        ("assistant", reverse("agenda_week", args=[client.pk]), False),
        ("assistant", reverse("comms:hub"), False),
        ("assistant", reverse("comms:people", args=[client.pk]), False),
        ("owner", reverse("comms:triage"), False),
        ("owner", reverse("dashboard"), False),
        ("owner", reverse("search") + "?q=Client+0001", False),
        ("owner", reverse("search") + "?q=zzqx", False),
        ("assistant", reverse("search") + "?q=Task", False),
        ("owner", "/api/v1/tasks", True),
        ("assistant", "/api/v1/time-entries?person=me", True),
        ("client", reverse("portal:home"), False),
        ("client", reverse("portal:hours"), False),
        ("client", reverse("portal:task", args=[task.pk]), False),
        ("client", reverse("invoicing:portal_list"), False),
        ("client", reverse("agenda_portal"), False),
    ]


def test_the_other_pages_cost_the_same_queries_on_a_small_and_a_larger_practice(practice, deeper, people, org, owner):
    first = practice(clients=3, per_client=20, busy_day=DAY_DETAIL + 1)
    task = Task.objects.filter(client=first).order_by("pk").first()
    Comment.objects.create(task=task, author=owner, body="Called back.", visibility="client")
    month = timezone.localdate().replace(day=1)
    draft = invoice_draft_create(
        by=owner, client=first, period_start=(month - timedelta(days=1)).replace(day=1), period_end=month
    )
    user = Person.objects.create_user("portal@first.example", "pw-not-used", full_name="First's user")
    Membership.objects.create(person=user, organisation=org, role=Membership.Role.CLIENT, client=first)
    portal = Browser()
    portal.force_login(user)
    people = {**people, "client": (portal, {})}

    def counted() -> dict:
        counts = {}
        for who, path, api in other_pages(first, task, draft):
            browser, headers = people[who]
            browser.get(path, headers=headers if api else {})
            with CaptureQueriesContext(connection) as captured:
                response = browser.get(path, headers=headers if api else {})
            assert response.status_code == 200, (who, path)
            assert_lists_filled(path, response)
            counts[(who, path)] = len(captured)
        return counts

    small = counted()
    first_tasks = Task.objects.filter(client=first).count()
    practice(clients=CLIENTS_PER_PAGE + 10, per_client=60, busy_day=5 * DAY_DETAIL)
    deeper(first)
    assert Task.objects.count() > 10 * Task.objects.filter(client=first).count()
    assert Task.objects.filter(client=first).count() >= 5 * first_tasks  # the first client's own lists grew too

    assert counted() == small


def test_the_pages_that_list_are_bounded_by_what_they_show(practice, people):
    first = practice(clients=3, per_client=20, busy_day=DAY_DETAIL + 1)
    small = measure(people, first)
    practice(clients=2 * CLIENTS_PER_PAGE, per_client=60, busy_day=10 * DAY_DETAIL)
    large = measure(people, first)

    # The owner's client list shows one page of cards, however many clients there are.
    owner_list = ("owner", reverse("clients"))
    per_card = small[owner_list][1] / 4
    assert large[owner_list][1] < (CLIENTS_PER_PAGE + 4) * per_card
    # The invoice list's side panels name a bounded number of clients, however many the practice has.
    owner_browser, _headers = people["owner"]
    invoices = owner_browser.get(reverse("invoicing:list")).content.decode()
    assert invoices.count("/billing/") == CLIENTS_SHOWN < Client.objects.count()
    # The time sheet sums a day over its detail limit per engagement: one row for the 41 entries of the first
    # practice's engagement, one for the 400 of the second's.
    browser, _headers = people["assistant"]
    sheet = browser.get(reverse("timesheet")).content.decode()
    today_rows = sheet.split('class="day-row"')[timezone.localdate().weekday() + 1].split("</tbody>")[0]
    assert today_rows.count('class="group-row"') == 2
    assert "400 entries" in today_rows and "41 entries" in today_rows and '<td class="row-actions">' not in today_rows


def test_the_client_list_pages_through_every_client_once(org, owner, assistant, people):
    grow(org, [assistant, owner], clients=CLIENTS_PER_PAGE + 5, per_client=1, busy_day=0)
    browser, _headers = people["owner"]

    first = browser.get(reverse("clients")).content.decode()
    second = browser.get(reverse("clients") + "?page=2").content.decode()

    names = list(Client.objects.filter(organisation=org).order_by("name").values_list("name", flat=True))
    assert len(names) == CLIENTS_PER_PAGE + 6  # with acme
    assert [n for n in names if n in first] == names[:CLIENTS_PER_PAGE]
    assert [n for n in names if n in second] == names[CLIENTS_PER_PAGE:]
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert browser.get(reverse("clients") + "?page=99").status_code == 200  # past the end: the last page


def test_the_board_shows_only_the_last_two_weeks_of_done_tasks(practice, people, acme, assistant, owner):
    now = timezone.now()
    for days, title in ((3, "Closed recently"), (20, "Closed long ago")):
        task = Task.objects.create(client=acme, title=title, status="done", closed_at=now - timedelta(days=days))
        task.assignees.add(assistant)
    browser, _headers = people["assistant"]

    page = browser.get(reverse("board")).content.decode()

    assert "Closed recently" in page
    assert "Closed long ago" not in page


def test_a_board_column_shows_its_first_cards_and_how_many_more(people, acme, assistant):
    from vadesk.web.views.tasks import OPEN_ON_BOARD

    now = timezone.now()
    tasks = Task.objects.bulk_create(
        Task(client=acme, title=f"Planned {n:03d}", status="planned", due_at=now + timedelta(hours=n))
        for n in range(OPEN_ON_BOARD + 7)
    )
    Task.assignees.through.objects.bulk_create(
        Task.assignees.through(task_id=t.pk, person_id=assistant.pk) for t in tasks
    )
    browser, _headers = people["assistant"]

    page = browser.get(reverse("board")).content.decode()
    column = page[page.index("status-col-planned") :].split("</section>")[0]

    assert column.count('class="card task-card') == OPEN_ON_BOARD
    assert f"Planned {OPEN_ON_BOARD - 1:03d}" in column and f"Planned {OPEN_ON_BOARD:03d}" not in column
    assert f'<span class="count">{OPEN_ON_BOARD}+</span>' in column
    assert "More tasks, due later" in column
    # Every card's move buttons submit the one shared form to their own task's URL.
    first = tasks[0]
    assert f'form="move" formaction="{reverse("task_move", args=[first.pk])}" name="to" value="in_progress"' in column
    assert 'id="move"' in page and page.count('name="csrfmiddlewaretoken"') < 10  # not one per card
    response = browser.post(reverse("task_move", args=[first.pk]), {"to": "in_progress", "next": reverse("board")})
    assert response.status_code == 302 and Task.objects.get(pk=first.pk).status == "in_progress"


def test_the_time_sheet_sums_a_busy_day_per_engagement_and_its_week_total_is_the_entries_sum(
    people, acme, assistant, outsider, other_client
):
    from vadesk.web.views.timesheet import _week_rows

    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    mine = Engagement.objects.create(client=acme, name="Hours", kind="hourly", starts_on=monday, hourly_rate=50)
    spare = Engagement.objects.create(client=acme, name="Spare", kind="hourly", starts_on=monday, hourly_rate=50)
    foreign = Engagement.objects.create(client=other_client, name="X", kind="hourly", starts_on=monday, hourly_rate=5)
    TimeEntry.objects.bulk_create(
        [TimeEntry(engagement=mine, person=assistant, work_date=monday, worked_minutes=10, billed_minutes=12)]
        * (DAY_DETAIL + 1)
        + [TimeEntry(engagement=spare, person=assistant, work_date=monday, worked_minutes=7, billed_minutes=9)]
        + [TimeEntry(engagement=spare, person=assistant, work_date=monday + timedelta(days=1), worked_minutes=30)]
        + [TimeEntry(engagement=foreign, person=assistant, work_date=monday, worked_minutes=999)]
    )
    days = [monday + timedelta(days=n) for n in range(7)]
    week = TimeEntry.objects.filter(
        person=assistant, work_date__range=(days[0], days[-1]), engagement__client__organisation=acme.organisation
    )

    rows, totals = _week_rows(week, days)

    busy, ordinary = rows[0], rows[1]
    assert [(g["engagement__name"], g["n"], g["worked"], g["billed"]) for g in busy[2]] == [
        ("Hours", DAY_DETAIL + 1, 10 * (DAY_DETAIL + 1), 12 * (DAY_DETAIL + 1)),
        ("Spare", 1, 7, 9),
    ]
    assert busy[1] == [] and busy[3] == 10 * (DAY_DETAIL + 1) + 7
    assert [e.worked_minutes for e in ordinary[1]] == [30] and ordinary[2] == []
    assert totals == {"worked": 10 * (DAY_DETAIL + 1) + 37, "billed": 12 * (DAY_DETAIL + 1) + 9}
