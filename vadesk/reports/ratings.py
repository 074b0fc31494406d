"""A word back: the client rates a task that is done, or a monthly report, from one to five with a comment.

Only the client's own users rate, and only their own client's things; a low rating (LOW or less) fires
`rating_low`, which the portal's listener turns into a notification to the client's lead and the owners.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.clients.models import Client
from vadesk.lib.hooks import Hook
from vadesk.reports.models import MonthlyReport, Rating
from vadesk.tasks.models import Status, Task

LOW = 2
MAX_COMMENT = 2000
# rating=: a rating of LOW or less, in the transaction that saved it.
rating_low = Hook("reports.rating_low")


def rating_give(
    *, by: Person, score: int, comment: str = "", task: Task | None = None, report: MonthlyReport | None = None
) -> Rating:
    """Rate a done task or a report that went out; rating the same thing again replaces the earlier rating."""
    if (task is None) == (report is None):
        raise ValidationError(_("Rate a task or a monthly report."))
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose a rating from one to five.")})
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": _("A comment can be at most %(n)d characters.") % {"n": MAX_COMMENT}})
    client_id = task.client_id if task is not None else report.client_id  # type: ignore[union-attr]
    if client_id not in reach_of(by).portal_clients:
        raise PermissionDenied(_("Only the client's own users can rate this."))
    if task is not None and task.status != Status.DONE:
        raise ValidationError(_("A task can be rated once it is done."))
    if report is not None and report.sent_at is None:
        raise ValidationError(_("This report has not gone out yet."))
    with transaction.atomic():
        rating, _created = Rating.objects.update_or_create(
            by=by,
            task=task,
            report=report,
            defaults={"client_id": client_id, "score": score, "comment": comment},
        )
        if score <= LOW:
            rating_low.fire(rating=rating)
    return rating


def rating_trend(client: Client) -> dict[str, float | int | None]:
    """The client's ratings in numbers: how many, and their average."""
    row = Rating.objects.filter(client=client).aggregate(n=Count("pk"), average=Avg("score"))
    return {"count": row["n"], "average": round(row["average"], 1) if row["average"] is not None else None}
