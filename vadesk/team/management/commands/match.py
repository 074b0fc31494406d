"""`vadesk match CASE.json` (or `-` for stdin): the optimal teams for a matching case, as JSON."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vadesk.team.case import MAX_CASE_BYTES, CaseError, run


class Command(BaseCommand):
    help = (
        "Print the optimal teams for a matching case (assistants, clients) as JSON: teams, unassigned, "
        "scores and reasons. Bad input exits non-zero with the reason on stderr."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("case", help="path to the case JSON, or - for stdin")

    def handle(self, *args, **options) -> None:
        name = options["case"]
        try:
            if name == "-":
                text = sys.stdin.read(MAX_CASE_BYTES + 1)
            else:
                with Path(name).open(encoding="utf-8") as handle:
                    text = handle.read(MAX_CASE_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"{name}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{name}: not UTF-8 text") from None
        try:
            result = run(text)
        except CaseError as exc:
            raise CommandError(str(exc)) from None
        if not result.optimal:
            self.stderr.write(f"warning: search stopped after {result.nodes} steps; the teams may not be optimal")
        self.stdout.write(json.dumps(result.as_json()))
