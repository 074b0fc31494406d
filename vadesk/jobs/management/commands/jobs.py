"""`vadesk jobs --failed` lists failed jobs; `vadesk jobs --retry ID` runs one again."""

from django.core.management.base import BaseCommand, CommandError

from vadesk.jobs.services import JobNotFound, failed_jobs, job_retry


class Command(BaseCommand):
    help = "List the background jobs that failed (after all their attempts), or enqueue one again."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--failed", action="store_true", help="List failed jobs, newest first.")
        group.add_argument("--retry", metavar="ID", help="Enqueue the failed job with this id again.")

    def handle(self, *args, failed: bool, retry: str | None, **options) -> None:
        if retry:
            try:
                row = job_retry(job_id=retry, by=None)
            except JobNotFound as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"{row.pk} {row.task_name}: enqueued again")
            return
        rows = failed_jobs(by=None)
        for row in rows:
            error = row.traceback.strip().splitlines()[-1] if row.traceback else ""
            self.stdout.write(
                f"{row.pk}  {row.finished_at:%Y-%m-%d %H:%M}  {row.task_name}  attempts={len(row.worker_ids)}  {error}"
            )
        self.stdout.write(f"{len(rows)} failed job(s).")
