from django.core.management.base import BaseCommand

from vadesk.comms.jobs import digests_build_job, outbox_deliver_job


class Command(BaseCommand):
    help = (
        "One pass of the outbox by hand: build the digests that are due, then deliver every due message. "
        "The job worker (`vadesk worker`) does this by itself: on the commit of each change that queues a message, "
        "and every minute. --once is accepted for old scripts; the command always does one pass."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass (the only mode; kept for old scripts).")

    def handle(self, *args, **options):
        # The jobs' own functions, run in this process: the same claims as the worker's, so running this while
        # workers run is safe.
        digests = digests_build_job.call()
        counts = outbox_deliver_job.call()
        self.stdout.write(f"digests={digests} " + " ".join(f"{k}={v}" for k, v in sorted(counts.items())))
