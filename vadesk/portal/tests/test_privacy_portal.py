"""Privacy: no portal page shows a client user what the team keeps internal.

Every page under portal/ (and the agenda's portal week) is opened as the client user after internal
comments, dossier facts and follow-ups were written with marker strings; none may show one. The list of
pages is checked against the URL configuration, so a new portal page must be added here to pass.
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from vadesk.conftest import leaked, login
from vadesk.reports.monthly import report_build, report_send

pytestmark = pytest.mark.django_db


def portal_routes(patterns=None, prefix="", namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from portal_routes(pattern.url_patterns, route, inner)
        elif route.startswith("portal/") or "/portal/" in route:
            yield f"{namespace}{pattern.name}"


def sent_report(task):
    """acme's report of this month, built from its work and sent: the portal shows it."""
    report = report_build(client=task.client, month=timezone.localdate())
    report_send(report=report)
    return report


def portal_pages(task):
    report = sent_report(task)
    return {
        "portal:home": reverse("portal:home"),
        "portal:signin": reverse("portal:signin"),
        "portal:signin_link": None,  # a one-time secret, nothing of a client's: test_signin_link.py
        "portal:hours": reverse("portal:hours"),
        "portal:hours_csv": reverse("portal:hours_csv"),
        # A compressed PDF hides any marker from a byte search: test_work_log.py reads its text with pdftotext.
        "portal:hours_pdf": None,
        "portal:task": reverse("portal:task", args=[task.pk]),
        "portal:request": None,  # POST only: the home page's request form posts here
        "portal:consent": None,  # POST only: the home page's consent question posts here
        "portal:reports": reverse("portal:reports"),
        "portal:report": reverse("portal:report", args=[report.pk]),
        # The report PDF is compressed: vadesk/reports/tests/test_monthly_report.py reads its text.
        "portal:report_pdf": None,
        "portal:report_rate": None,  # POST only: the report page's rating form
        "portal:task_rate": None,  # POST only: a done task's rating form
        "agenda_portal": reverse("agenda_portal"),
        "invoicing:portal_list": reverse("invoicing:portal_list"),
        # The invoice files have their own test: test_privacy_invoice_pdf.py.
        "invoicing:portal_download": None,
    }


def test_every_portal_page_is_checked(task):
    assert set(portal_routes()) == set(portal_pages(task))


def test_no_portal_page_shows_an_internal_comment_fact_or_follow_up(client, acme_user, task, internal_notes):
    login(client, acme_user)
    for name, url in portal_pages(task).items():
        if url is None:
            continue
        response = client.get(url, follow=True)
        assert response.status_code == 200, name
        assert leaked(response.content) == [], name
    page = client.get(reverse("portal:task", args=[task.pk])).content.decode()
    assert task.title in page and "Welke datum past u het best?" in page  # positive control
