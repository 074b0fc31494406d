"""`vadesk worker`: run background jobs and fire the schedule; start as many as you like, on any machine."""

import signal
import sys

from django.core.management.base import BaseCommand

from vadesk.jobs.worker import JobWorker, job_logs_at


class Command(BaseCommand):
    help = (
        "Run background jobs (Django tasks on the database backend) and fire the periodic schedule. "
        "Several workers may run at once; SIGTERM or Ctrl+C finishes the running job, then stops."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run the jobs that are due, then exit.")
        parser.add_argument("--no-schedule", action="store_true", help="Run jobs only; leave the schedule to others.")
        parser.add_argument("--worker-id", default=None, help="A name unique among the workers (default: random).")

    def handle(self, *args, batch: bool, no_schedule: bool, worker_id: str | None, verbosity: int, **options) -> None:
        job_logs_at(verbosity)
        worker = JobWorker(worker_id=worker_id, schedule=not no_schedule, batch=batch)

        def stop(signum, frame):
            if not worker.running_task:
                sys.exit(0)
            worker.stop()  # a second signal while the job runs ends it the hard way
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"worker {worker.worker_id} started", ending="\n")
        self.stdout.flush()
        worker.run()
        self.stdout.write(f"worker {worker.worker_id} stopped")
