from django.core.management.base import BaseCommand, CommandError

from vadesk.comms.imap import imap_config
from vadesk.comms.jobs import inbound_imap_job


class Command(BaseCommand):
    help = (
        "Read new mail from the practice's IMAP mailbox (VADESK_IMAP_HOST, _PORT, _USERNAME, _PASSWORD, _SECURITY, "
        "_MAILBOX) once, by hand, and file it into tasks, new tasks or triage. The job worker (`vadesk worker`) "
        "does this every minute. --once is accepted for old scripts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass (the only mode; kept for old scripts).")

    def handle(self, *args, **options):
        if imap_config() is None:
            raise CommandError("Set VADESK_IMAP_HOST (and _USERNAME, _PASSWORD) to read a mailbox.")
        counts = inbound_imap_job.call()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "nothing new")
