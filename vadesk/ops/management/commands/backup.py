"""`vadesk backup [--output DIR] [--keep N]`: the database and the file storage into one dated archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vadesk.ops.backup import BackupError, backup_create, backups_prune


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump on PostgreSQL, SQLite's online backup API on SQLite) and every stored file "
        "into <output>/vadesk-<UTC time>.tar with a manifest (rows per table, invoice number sequences, SHA-256 "
        "per file). Prove it restores with `vadesk restore --verify ARCHIVE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Folder for the archive (default VADESK_BACKUP_DIR).")
        parser.add_argument(
            "--keep", type=int, metavar="N", help="Afterwards delete all but the newest N archives of that folder."
        )

    def handle(self, *args, output: Path | None, keep: int | None, **options) -> None:
        if keep is not None and keep < 1:
            raise CommandError("--keep must be at least 1")
        folder = output or Path(settings.BACKUP_DIR)
        try:
            archive = backup_create(output=folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = archive.manifest
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{archive.path}: {manifest['engine']} database ({len(manifest['tables'])} tables, {rows:,} rows), "
            f"{len(manifest['files'])} files, {archive.path.stat().st_size:,} bytes"
        )
        if keep is not None:
            for path in backups_prune(output=folder, keep=keep):
                self.stdout.write(f"deleted the older archive {path}")
