import time

from django.core.management.base import BaseCommand, CommandError

from vadesk.comms.imap import imap_config, imap_poll


class Command(BaseCommand):
    help = (
        "Read new mail from the practice's IMAP mailbox (VADESK_IMAP_HOST, _PORT, _USERNAME, _PASSWORD, _SECURITY, _MAILBOX) "
        "and file it into tasks, new tasks or triage. Runs until stopped; --once does one pass."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--interval", type=float, default=60.0)

    def handle(self, *args, once: bool = False, interval: float = 60.0, **options):
        config = imap_config()
        if config is None:
            raise CommandError("Set VADESK_IMAP_HOST (and _USERNAME, _PASSWORD) to read a mailbox.")
        while True:
            counts = imap_poll(config)
            if counts or once:
                self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "nothing new")
            if once:
                return
            time.sleep(interval)
