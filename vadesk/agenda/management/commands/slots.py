"""`vadesk slots CASE.json` (or `-` for stdin): every feasible meeting start as a JSON list of UTC instants."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vadesk.agenda.case import CaseError, run


class Command(BaseCommand):
    help = (
        "Print every feasible start (UTC, ISO 8601 with Z, sorted) for a meeting case in JSON. "
        "Calendar paths are relative to the case file's directory (to the current directory for stdin)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("case", help="path to the case JSON, or - for stdin")

    def handle(self, *args, **options) -> None:
        self._warned: set[str] = set()
        name = options["case"]
        try:
            if name == "-":
                text, base = sys.stdin.read(), Path.cwd()
            else:
                path = Path(name)
                text, base = path.read_text(encoding="utf-8"), path.resolve().parent
        except OSError as exc:
            raise CommandError(f"{name}: {exc.strerror}") from None
        try:
            starts = run(text, base, warn=self._warn)
        except CaseError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(starts))

    def _warn(self, line: str) -> None:
        """Each left-out series once on stderr, however many participants share its calendar; stdout stays JSON."""
        if line not in self._warned:
            self._warned.add(line)
            self.stderr.write(_("warning: %(line)s") % {"line": line})
