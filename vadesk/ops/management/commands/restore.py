"""`vadesk restore --verify ARCHIVE` proves an archive restores; `vadesk restore ARCHIVE --into …` restores it."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vadesk.ops.backup import BackupError
from vadesk.ops.restore import Report, restore_into, restore_verify


class Command(BaseCommand):
    help = (
        "--verify: restore the archive into a scratch database (a temporary SQLite file, or a new PostgreSQL "
        "database dropped afterwards) and check row counts, invoice number sequences and file checksums against "
        "its manifest; exit code 0 when everything matches, 1 otherwise. --into: restore into an empty database "
        "(a path or database name, or a database URL) and the files into an empty folder. Never the live database."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The archive, or a folder: its newest archive.")
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--verify", action="store_true", help="Restore into a scratch database and check it.")
        mode.add_argument("--into", metavar="DATABASE", help="An empty database: a SQLite path, a name or a URL.")
        parser.add_argument(
            "--files-into",
            type=Path,
            help="With --into: an empty folder for the stored files (default VADESK_MEDIA_ROOT).",
        )
        parser.add_argument("--no-files", action="store_true", help="With --into: leave the stored files out.")

    def handle(self, *args, archive: Path, verify: bool, into: str | None, **options) -> None:
        if archive.is_dir():  # a folder of backups stands for its newest archive (the nightly timer's case)
            archives = sorted(archive.glob("vadesk-*.tar"))
            if not archives:
                raise CommandError(f"{archive}: no vadesk-*.tar archive in this folder")
            archive = archives[-1]
        if not archive.is_file():
            raise CommandError(f"{archive}: no such archive")
        try:
            if verify:
                report = restore_verify(path=archive)
            else:
                assert into is not None
                files_into = None if options["no_files"] else (options["files_into"] or Path(settings.MEDIA_ROOT))
                report = restore_into(path=archive, into=into, files_into=files_into)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.finish(report, verify)

    def finish(self, report: Report, verify: bool) -> None:
        for line in report.lines:
            self.stdout.write(line)
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS("VERIFIED: the archive restores completely." if verify else "RESTORED.")
            )
            return
        self.stdout.write(self.style.ERROR(f"FAILED: {len(report.problems)} problem(s)."))
        sys.exit(1)
