"""Issue 11.4: one report per client, engagement and month. A client with several engagements gets one report (one
message) with each engagement's figures, hours by category and week and burn-down, and the client's tasks, calls
and appointments once; the burn-down draws the same balance rule as the dashboard's."""

import importlib
import os
import shutil
import subprocess
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from vadesk.api.tests.conftest import api_as  # noqa: F401  (the API's token client)
from vadesk.clients.models import Contact
from vadesk.conftest import login
from vadesk.reports import monthly
from vadesk.reports.models import EngagementReport, MonthlyReport
from vadesk.reports.monthly import report_build, report_figures, report_refresh, report_send
from vadesk.reports.overview import burn_downs
from vadesk.reports.pdf import report_data, report_pdf
from vadesk.reports.tests.test_report_command import at, engagement, october  # noqa: F401  (acme's October 2026)
from vadesk.timesheets.services import time_entry_log

pytestmark = pytest.mark.django_db
OCTOBER = date(2026, 10, 1)


@pytest.fixture
def reader(acme):
    return Contact.objects.create(client=acme, name="Cees Acme", email="ceo@acme.example", is_primary=True)


def part(report: MonthlyReport, engagement) -> EngagementReport:
    return report.parts.get(engagement=engagement)


def test_each_engagement_gets_its_own_figures_and_the_client_its_counts_once(acme, october, reader):
    report = report_build(client=acme, month=OCTOBER)
    retainer, bundle, hourly = (part(report, october[k]) for k in ("retainer", "bundle", "hourly"))
    assert (retainer.used_minutes, retainer.left_minutes, retainer.rolled_over_minutes) == (660, 60, 120)
    assert retainer.minutes_by_category == {"agenda": 300, "email": 360}
    assert retainer.minutes_by_week == {"40": 300, "44": 360}  # 1 October: week 40; 31 October: week 44
    assert (bundle.used_minutes, bundle.left_minutes, bundle.excess_minutes) == (120, 0, 60)
    assert (hourly.used_minutes, hourly.left_minutes, hourly.minutes_by_week) == (90, None, {"41": 90})
    assert report.parts.count() == 3  # the project begins in December: not October's
    figures = report_figures(report)
    assert (figures["tasks_done"], figures["calls"], figures["appointments"]) == (2, 2, 2)  # once, not per part
    assert [e["id"] for e in figures["engagements"]] == sorted(e.pk for e in october.values())
    (message,) = report_send(report=report)  # one message for the client's report, whatever its engagements
    assert message.recipient == reader.email


def test_the_burn_down_runs_day_by_day_and_ends_where_the_figures_and_the_dashboard_do(acme, october):
    report = report_build(client=acme, month=OCTOBER)
    retainer = part(report, october["retainer"]).burn_down
    assert len(retainer) == 32  # day 0 (the month's start) and 31 days
    assert retainer[0] == [0, 0, 720] and retainer[1] == [1, 300, 420]  # 10 hours and 2 rolled over; 5 on the 1st
    assert retainer[30] == [30, 300, 420] and retainer[31] == [31, 660, 60]
    bundle = part(report, october["bundle"]).burn_down
    assert bundle[0] == [0, 0, 60] and bundle[20] == [20, 120, 0]  # 1 hour left of 5 after September
    hourly = part(report, october["hourly"]).burn_down
    assert hourly[7] == [7, 0, None] and hourly[8] == [8, 90, None]  # no allowance: used so far
    dashboard = burn_downs([october["retainer"], october["bundle"]], date(2026, 10, 31))
    for kind, points in (("retainer", retainer), ("bundle", bundle)):
        (month_end,) = [p for p in dashboard[october[kind].pk] if p.month == OCTOBER]
        assert points[-1][2] == month_end.left == part(report, october[kind]).left_minutes


def test_the_report_page_and_pdf_draw_each_engagements_charts(client, acme, acme_user, october, reader):
    report = report_build(client=acme, month=OCTOBER)
    report_send(report=report)
    login(client, acme_user)
    page = client.get(reverse("portal:report", args=[report.pk])).content.decode()
    assert page.count('data-testid="report-engagement"') == 3 and page.count('data-testid="report-burn-down"') == 3
    assert "<polyline" in page and "Uren over, dag na dag" in page  # the client's user reads Dutch
    assert "Gebruikte uren deze maand, dag na dag" in page  # the hourly work: used so far
    pdf = client.get(reverse("portal:report_pdf", args=[report.pk])).content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert text.count("Uren over, dag na dag") == 2 and "11:00" in text  # the retainer's used hours


def test_a_second_build_and_a_rebuild_keep_one_part_per_engagement(acme, october, assistant):
    first = report_build(client=acme, month=OCTOBER)
    assert report_build(client=acme, month=date(2026, 10, 20)).pk == first.pk
    with at(date(2026, 10, 30)):
        time_entry_log(by=assistant, engagement=october["retainer"], work_date=date(2026, 10, 30), minutes=30)
    report_refresh(report=first)
    assert MonthlyReport.objects.count() == 1 and EngagementReport.objects.count() == 3
    assert part(first, october["retainer"]).used_minutes == 690


def test_building_and_drawing_a_report_takes_the_same_queries_at_any_size(
    acme, october, assistant, django_assert_max_num_queries
):
    def build_and_draw() -> None:
        report = report_build(client=acme, month=OCTOBER)
        report_data(MonthlyReport.objects.select_related("client__organisation").get(pk=report.pk))

    with CaptureQueriesContext(connection) as small:
        build_and_draw()
    MonthlyReport.objects.all().delete()
    with at(date(2026, 10, 1)):  # one engagement more, and many times the entries, on every day of the month
        extra = engagement(acme, "retainer", starts_on=date(2026, 10, 1), monthly_hours=Decimal("20"))
    for day in range(1, 29):
        with at(date(2026, 10, day)):
            for e in [*october.values(), extra]:
                time_entry_log(by=assistant, engagement=e, work_date=date(2026, 10, day), minutes=15)
    with django_assert_max_num_queries(len(small)):
        build_and_draw()
    assert MonthlyReport.objects.get().parts.count() == 4 and len(small) <= 20


def test_the_api_lists_the_reports_of_one_engagement(acme, acme_user, october, reader, api_as, other_client):
    sent = report_build(client=acme, month=OCTOBER)
    report_send(report=sent)
    api = api_as(acme_user)
    listed = api.get("/reports", {"engagement": october["hourly"].pk}).json()
    assert [r["id"] for r in listed] == [sent.pk]
    (hourly,) = [e for e in listed[0]["figures"]["engagements"] if e["id"] == october["hourly"].pk]
    assert hourly["burn_down"][8] == {"day": 8, "used": 90, "left": None} and hourly["minutes_by_week"] == {"41": 90}
    assert api.get("/reports", {"engagement": 2**40}).json() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_building_and_rebuilding_at_once_leave_one_report_with_one_part_per_engagement(
    acme, october, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the in-memory SQLite test database locks whole tables across threads")
    together = threading.Barrier(2)
    build_content = monthly.report_content

    def content_then_wait(client, month):  # both have read the month before either writes: the race
        found = build_content(client, month)
        together.wait(timeout=20)
        return found

    monkeypatch.setattr(monthly, "report_content", content_then_wait)
    built, errors = [], []

    def work(step) -> None:
        try:
            built.append(step())
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    def race(step) -> None:
        threads = [threading.Thread(target=work, args=(step,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    race(lambda: report_build(client=acme, month=OCTOBER))
    assert errors == [] and built[0].pk == built[1].pk
    race(lambda: report_refresh(report=MonthlyReport.objects.get()))
    assert errors == []
    assert MonthlyReport.objects.count() == 1 and EngagementReport.objects.count() == 3


def test_the_data_migration_moves_an_old_reports_engagements_into_parts(acme, october):
    migration = importlib.import_module("vadesk.reports.migrations.0004_move_engagement_figures_into_parts")
    old = report_figures(report_build(client=acme, month=OCTOBER))  # as the content held it before the parts
    old_weeks = {"40": 300, "41": 90, "43": 120, "44": 360}
    content = old | {
        "engagements": [
            {k: v for k, v in e.items() if k not in ("kind", "minutes_by_week", "burn_down")}
            for e in old["engagements"]
        ],
        "minutes_by_week": old_weeks,
    }
    EngagementReport.objects.all().delete()
    MonthlyReport.objects.update(content=content)
    migration.forwards(apps, None)
    report = MonthlyReport.objects.get()
    assert "engagements" not in report.content and "minutes_by_week" not in report.content
    moved = report_figures(report)
    for before, after in zip(old["engagements"], moved["engagements"], strict=True):
        assert after == before | {"burn_down": []}  # the same figures and weeks; it went out without a burn-down
    migration.backwards(apps, None)
    report.refresh_from_db()
    assert report.content["minutes_by_week"] == old_weeks


@pytest.mark.parametrize("language", ["nl", "de"])
def test_the_pdf_reads_in_the_clients_language_without_a_raw_code(acme, october, language, tmp_path):
    report = report_build(client=acme, month=OCTOBER)
    report.highlights = "Alles op tijd geregeld. " * 20
    with translation.override(language):
        pdf = report_pdf(report)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    for english in ("Hours", "Used", "Left", "day by day", "Tasks done", "agenda", "email", "other"):
        assert english not in text, english
    assert {"nl": "wk 40", "de": "KW 40"}[language] in text  # the week of 1 October
    pages = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-", str(pages)], input=pdf, check=True)
    shown = os.environ.get("VADESK_REPORT_PNG_DIR")  # to look at them: the file viewer shows PNGs
    if shown:
        for png in tmp_path.glob("page*.png"):
            shutil.copy(png, Path(shown) / f"report-{language}-{png.name}")
    assert sorted(p.name for p in tmp_path.glob("page*.png"))
