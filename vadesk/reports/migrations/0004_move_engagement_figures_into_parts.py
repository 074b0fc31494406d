"""Reports built before the parts existed kept each engagement's figures in `content["engagements"]` and the hours per
week for the client as a whole: move the figures into one `EngagementReport` per engagement, with its own hours per
week (counted entries, as the report counts them). Those reports went out without a burn-down and keep none."""

from collections import defaultdict
from datetime import date, timedelta

from django.db import migrations

FIGURES = ("used_minutes", "left_minutes", "rolled_over_minutes", "excess_minutes", "minutes_by_category")


def _next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def _weeks(TimeEntry, engagement_id: int, first: date) -> dict[str, int]:
    weeks: dict[str, int] = defaultdict(int)
    entries = TimeEntry.objects.filter(
        engagement_id=engagement_id, billable=True, work_date__gte=first, work_date__lt=_next_month(first)
    ).exclude(started_at__isnull=False, ended_at__isnull=True)
    for work_date, minutes in entries.values_list("work_date", "billed_minutes"):
        weeks[f"{work_date.isocalendar()[1]:02d}"] += minutes
    return {week: minutes for week, minutes in sorted(weeks.items()) if minutes}


def forwards(apps, schema_editor):
    MonthlyReport = apps.get_model("reports", "MonthlyReport")
    EngagementReport = apps.get_model("reports", "EngagementReport")
    Engagement = apps.get_model("engagements", "Engagement")
    TimeEntry = apps.get_model("timesheets", "TimeEntry")
    for report in MonthlyReport.objects.iterator():
        content = dict(report.content)
        engagements = content.pop("engagements", [])
        content.pop("minutes_by_week", None)
        kinds = dict(Engagement.objects.filter(pk__in=[e["id"] for e in engagements]).values_list("pk", "kind"))
        for e in engagements:
            if e["id"] not in kinds:
                continue
            EngagementReport.objects.create(
                report=report,
                engagement_id=e["id"],
                name=e.get("name", ""),
                kind=kinds[e["id"]],
                minutes_by_week=_weeks(TimeEntry, e["id"], report.month),
                **{name: e.get(name, {} if name == "minutes_by_category" else 0) for name in FIGURES},
            )
        MonthlyReport.objects.filter(pk=report.pk).update(content=content)


def backwards(apps, schema_editor):
    MonthlyReport = apps.get_model("reports", "MonthlyReport")
    for report in MonthlyReport.objects.prefetch_related("parts").iterator(chunk_size=500):
        weeks: dict[str, int] = defaultdict(int)
        engagements = []
        for part in report.parts.all():
            engagements.append({"id": part.engagement_id, "name": part.name} | {f: getattr(part, f) for f in FIGURES})
            for week, minutes in part.minutes_by_week.items():
                weeks[week] += minutes
        content = report.content | {"engagements": engagements, "minutes_by_week": dict(sorted(weeks.items()))}
        MonthlyReport.objects.filter(pk=report.pk).update(content=content)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_engagement_reports"),
        ("engagements", "0001_initial"),
        ("timesheets", "0005_engagement_week_usage"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
