"""Issue 11: consent questions and answers, and monthly reports (JSON of the same figures, and the PDF).

The same services as the portal decide: `timesheets.consent` (only the client's own users answer) and
`reports.monthly` (a client's users read only reports that went out).
"""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from vadesk.api.auth import person_of
from vadesk.api.types import EngagementRef, Id, Input, Timestamp
from vadesk.lib.downloads import content_disposition
from vadesk.reports.monthly import report_figures, report_for, reports_for
from vadesk.reports.pdf import report_pdf
from vadesk.timesheets.consent import consent_answer, consent_for, consents_for, is_lapsed
from vadesk.timesheets.models import OverageConsent

router = Router(tags=["transparency"])
MAX_ITEMS = 200


class ConsentOut(Schema):
    id: int
    engagement: EngagementRef
    month: date
    threshold: int = Field(description="Percent of the period's hours used when asked: 80 or 100")
    asked_at: Timestamp
    answer_by: Timestamp
    answer: str = Field(description="pending, stop, allow or bundle (a new bundle ordered)")
    lapsed: bool = Field(description="Not answered in time: the engagement's own policy applies")
    extra_minutes: int
    answered_at: Timestamp | None

    @staticmethod
    def resolve_lapsed(consent: OverageConsent) -> bool:
        return is_lapsed(consent)


class ConsentAnswerIn(Input):
    answer: str = Field(pattern="^(stop|allow|bundle)$")
    extra_hours: Decimal | None = Field(None, gt=0, le=200, max_digits=6, decimal_places=2)


class ReportOut(Schema):
    id: int
    client: int = Field(alias="client_id")
    month: date
    sent_at: Timestamp | None
    figures: dict = Field(
        description="The figures of `vadesk report CLIENT_ID YYYY-MM --json` (each engagement also with its name, "
        "`minutes_by_week` and `burn_down`: day, minutes used since the month began, minutes left), and the "
        "report's lists"
    )
    highlights: str = Field(description="The lead's highlights of the month, as the report shows them")
    next_focus: str = Field(description="The lead's focus for the next month")

    @staticmethod
    def resolve_figures(report) -> dict:
        return report_figures(report)


@router.get("/consents", response=list[ConsentOut])
def list_consents(request: HttpRequest):
    """Questions about extra hours for the clients in reach, newest first."""
    found = consents_for(person_of(request)).select_related("engagement__client").order_by("-asked_at", "-id")
    return list(found[:MAX_ITEMS])


@router.post("/consents/{consent_id}/answer", response=ConsentOut)
def answer_consent(request: HttpRequest, consent_id: Id, payload: ConsentAnswerIn):
    person = person_of(request)
    consent = consent_answer(
        by=person, consent=consent_for(person, consent_id), answer=payload.answer, extra_hours=payload.extra_hours
    )
    return consent_for(person, consent.pk)


@router.get("/reports", response=list[ReportOut])
def list_reports(request: HttpRequest, engagement: Id | None = None):
    """Monthly reports in reach, newest first; with `engagement`, those holding that engagement's month."""
    reports = reports_for(person_of(request))
    if engagement is not None:
        reports = reports.filter(parts__engagement_id=engagement)
    return list(reports.prefetch_related("parts").order_by("-month", "-id")[:MAX_ITEMS])


@router.get("/reports/{report_id}", response=ReportOut)
def get_report(request: HttpRequest, report_id: Id):
    return report_for(person_of(request), report_id)


@router.get(
    "/reports/{report_id}/pdf",
    response={200: None},
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def get_report_pdf(request: HttpRequest, report_id: Id):
    report = report_for(person_of(request), report_id)
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"report-{report.month:%Y-%m}.pdf")
    return response
