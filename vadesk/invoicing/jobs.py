"""Jobs of the invoicing app, run by `vadesk worker` (see vadesk/jobs/schedule.py for when).

The monthly run, the accountant's ZIP export and the bank statement import are runs with progress
(vadesk/jobs/runs.py): the page starts one and shows its progress; the job does the work and reports it.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count
from django.utils.translation import gettext_noop

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Organisation, Person
from vadesk.invoicing import camt, export
from vadesk.invoicing.models import StatementLine
from vadesk.invoicing.reminders import reminders_send
from vadesk.invoicing.services import invoice_month_draft, month_run_clients, statement_store
from vadesk.jobs.registry import job
from vadesk.jobs.runs import Progress, RunGone, run_progress


@job(max_attempts=5)
def invoice_reminders_job(*, organisation_id: int) -> int:
    """What `vadesk invoice_reminders` does, for one organisation; idempotent (a reminder goes once per stage)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:  # deleted since the slot fired
        return 0
    return len(reminders_send(organisation=organisation))


def _owner(progress: Progress) -> Person | None:
    """Who started the run, if they are (still) an owner of its organisation; else the run says why it stops."""
    person = progress.run.started_by
    if person is None or progress.run.organisation_id not in reach_of(person).owner_of:
        progress.problem(gettext_noop("Only an owner can do this."))
        return None
    return person


@job(max_attempts=3)
def invoice_month_run_job(*, run_id: int, organisation_id: int, month: str) -> int:
    """Drafts of a month for every active client, one transaction per client.

    A client whose draft fails is named on the run's page and the others go on; running the job again (a
    retry, a second run of the same month) skips the clients whose draft exists, so no draft is made twice.
    Returns the number of drafts made.
    """
    made = 0
    try:
        with run_progress(run_id) as progress:
            by = _owner(progress)
            if by is None or progress.run.organisation_id != organisation_id:
                return 0
            clients = month_run_clients(organisation=progress.run.organisation)
            progress.set_total(len(clients))
            for client in clients:
                try:
                    if invoice_month_draft(by=by, client=client, month=date.fromisoformat(month)) is not None:
                        made += 1
                except Exception as exc:  # one client's failure is reported, the others' drafts are kept
                    message = "; ".join(getattr(exc, "messages", [])) or type(exc).__name__
                    progress.problem(gettext_noop("%(client)s: %(error)s"), client=client.name, error=message)
                progress.step()
            progress.note(gettext_noop("%(count)s draft(s) made. Review and finalise them."), count=made)
    except RunGone:
        return 0
    return made


@job(max_attempts=3)
def invoice_export_job(*, run_id: int, organisation_id: int, start: str, end: str) -> int:
    """The accountant's ZIP (CSV, PDFs and e-invoices of a period), written piece by piece into a file of the
    storage backend; the run's page offers it for download. Returns the number of documents."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    try:
        with run_progress(run_id) as progress:
            if _owner(progress) is None or progress.run.organisation_id != organisation_id:
                return 0
            organisation = progress.run.organisation
            progress.set_total(export.documents_in(organisation, first, last).count())
            with progress.result_file(f"invoices-{first}-{last}.zip", "application/zip") as out:
                count = export.export_zip_to(organisation, first, last, out, on_document=progress.step)
            progress.note(gettext_noop("%(count)s document(s) exported."), count=count)
    except RunGone:
        return 0
    return count


@job(max_attempts=3)
def statement_import_job(*, run_id: int, organisation_id: int) -> int:
    """A bank statement the page stored: parsed first (a bad line is named with its line number and nothing
    is written), then written and matched in one short transaction. Returns the number of new lines."""
    try:
        with run_progress(run_id) as progress:
            by = _owner(progress)
            if by is None or progress.run.organisation_id != organisation_id:
                return 0
            with progress.open_input() as upload:
                data = upload.read()
            try:
                parsed = camt.parse(data)
            except camt.StatementError as exc:
                for reason in exc.problems or [str(exc)]:
                    progress.problem(
                        gettext_noop("This is not a CAMT.053 bank statement we can read (%(reason)s)."),
                        reason=reason,
                    )
                return 0
            progress.set_total(len(parsed.entries))
            statement = statement_store(by=by, organisation=progress.run.organisation, parsed=parsed)
            progress.step(len(parsed.entries))
            counts = dict.fromkeys(StatementLine.Status.values, 0)
            counts.update(statement.lines.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
            progress.note(
                gettext_noop("%(matched)s payment(s) booked, %(review)s to review, %(unmatched)s without an invoice."),
                **counts,
            )
    except RunGone:
        return 0
    return sum(counts.values())
