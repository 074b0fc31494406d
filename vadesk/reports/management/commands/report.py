"""`vadesk report CLIENT_ID YYYY-MM [--json]`: the figures of a client's month (see vadesk/reports/figures.py)."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vadesk.clients.models import Client
from vadesk.lib.formatting import format_minutes
from vadesk.reports.figures import month_figures, parse_month


class Command(BaseCommand):
    help = "Print the figures of a client's month (hours per engagement and category, tasks done, calls, appointments)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client_id", help="the client's id")
        parser.add_argument("month", help="the month, as YYYY-MM")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the figures as JSON")

    def handle(self, *args, client_id: str, month: str, as_json: bool = False, **options) -> None:
        try:
            first = parse_month(month)
        except ValueError:
            message = _("%(month)s is not a month: write it as YYYY-MM, e.g. 2026-11.") % {"month": month}
            raise CommandError(message) from None
        client = None
        if client_id.isascii() and client_id.isdigit():
            client = Client.objects.select_related("organisation").filter(pk=int(client_id)).first()
        if client is None:
            raise CommandError(_("There is no client with id %(id)s.") % {"id": client_id})
        figures = month_figures(client=client, month=first)
        if as_json:
            self.stdout.write(json.dumps(figures.as_json(), ensure_ascii=False))
            return
        self.stdout.write(f"{client.name} · {first:%Y-%m}")
        for e in figures.engagements:
            left = "–" if e.left_minutes is None else format_minutes(e.left_minutes)
            self.stdout.write(
                "  "
                + _("%(name)s: %(used)s used, %(left)s left, %(rolled)s rolled over, %(excess)s excess")
                % {
                    "name": e.name,
                    "used": format_minutes(e.used_minutes),
                    "left": left,
                    "rolled": format_minutes(e.rolled_over_minutes),
                    "excess": format_minutes(e.excess_minutes),
                }
            )
        self.stdout.write(
            _("Tasks done: %(tasks)d · calls: %(calls)d · appointments: %(appointments)d")
            % {"tasks": figures.tasks_done, "calls": figures.calls, "appointments": figures.appointments}
        )
