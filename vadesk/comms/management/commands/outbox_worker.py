import signal
import sys
import time

from django.core.management.base import BaseCommand

from vadesk.comms.channels import adapters
from vadesk.comms.digests import digests_build_due
from vadesk.comms.outbox import outbox_run, worker_name


class Command(BaseCommand):
    help = (
        "Deliver the outbox: build digests that are due, then send every due message by e-mail (SMTP), "
        "WhatsApp or SMS, with retries and exponential back-off. Runs until stopped; --once does one pass. "
        "Several workers may run at once: each message is claimed by one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between passes (default 5).")

    def handle(self, *args, once: bool = False, interval: float = 5.0, **options):
        stopping = False

        def stop(signum, frame):  # finish the message in hand, then leave
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        name = worker_name()
        channels = adapters()
        while True:
            digests = digests_build_due()
            counts = outbox_run(adapters=channels, worker=name)
            if once or counts.get("sent") or counts.get("failed") or digests:
                self.stdout.write(f"digests={digests} " + " ".join(f"{k}={v}" for k, v in sorted(counts.items())))
                sys.stdout.flush()
            if once or stopping:
                return
            time.sleep(interval)
