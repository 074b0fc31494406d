import time

from django.core.management.base import BaseCommand

from vadesk.comms.receiver import ReceiverController


class Command(BaseCommand):
    help = "Receive e-mail for the practice over SMTP or LMTP (--lmtp) and file it into tasks, new tasks or triage."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument("--lmtp", action="store_true", help="Speak LMTP (RFC 2033), for a local Postfix or Exim.")

    def handle(self, *args, host: str, port: int, lmtp: bool, **options):
        controller = ReceiverController(host=host, port=port, lmtp=lmtp)
        controller.start()
        self.stdout.write(f"Receiving {'LMTP' if lmtp else 'SMTP'} on {host}:{port}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
