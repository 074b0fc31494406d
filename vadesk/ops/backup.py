"""`vadesk backup`: the database and the file storage in one dated tar archive with a manifest.

The archive holds `manifest.json`, the database (`database.pgdump`, pg_dump's custom format, or
`database.sqlite3`, a copy made with SQLite's online backup API) and every file of the storage under `files/`.
The manifest states what a restore must give back: the rows per table and the invoice number sequences, counted
in the same snapshot the dump was taken from, and the SHA-256 of the database and of every file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import connections, transaction
from django.db.utils import load_backend
from django.utils import timezone

from vadesk.invoicing.models import Invoice, NumberSequence

FORMAT = 1
MANIFEST = "manifest.json"
PG_MEMBER, SQLITE_MEMBER = "database.pgdump", "database.sqlite3"
FILES = "files/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class Archive:
    path: Path
    manifest: dict[str, Any]


def engine_of(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"vadesk backs up SQLite and PostgreSQL, not {engine}")


@contextmanager
def database_alias(settings_dict: dict[str, Any], name: str) -> Iterator[str]:
    """A connection alias for another database (the snapshot, the scratch copy), closed and forgotten at the end.

    The connection is made here, not declared in DATABASES: it exists only while the backup or restore runs."""
    alias = f"vadesk_ops_{secrets.token_hex(4)}"
    config = {**settings_dict, "NAME": name, "TEST": {}, "CONN_MAX_AGE": 0}
    if engine_of(settings_dict) == "sqlite":
        config["OPTIONS"] = {}  # a plain file: no WAL or write lock needed to read and check it
    connections[alias] = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]


def table_counts(using: str) -> dict[str, int]:
    connection = connections[using]
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def invoice_sequences(using: str) -> list[dict[str, Any]]:
    """Per seller and year: the last number taken and how many final invoices and credit notes carry one.

    Finalising takes the next value of the (seller, year) sequence for exactly one invoice, numbers are unique per
    seller and a final invoice is never deleted: the numbers of a year are gapless exactly when the two are equal.
    """
    finals: dict[tuple[int, int], int] = {}
    for seller_id, issue_date in (
        Invoice.objects.using(using).filter(status=Invoice.Status.FINAL).values_list("seller_id", "issue_date")
    ):
        key = (seller_id, issue_date.year if issue_date else 0)  # finalising always sets the date
        finals[key] = finals.get(key, 0) + 1
    rows = []
    for seller_id, year, last in NumberSequence.objects.using(using).values_list("seller_id", "year", "last"):
        rows.append(
            {"seller": seller_id, "year": year, "last": last, "final_invoices": finals.pop((seller_id, year), 0)}
        )
    for (seller_id, year), count in finals.items():  # final invoices of a year that has no sequence row
        rows.append({"seller": seller_id, "year": year, "last": 0, "final_invoices": count})
    return sorted(rows, key=lambda row: (row["seller"], row["year"]))


def database_facts(using: str) -> dict[str, Any]:
    return {"tables": table_counts(using), "invoice_sequences": invoice_sequences(using)}


def pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for pg_dump / pg_restore: the password never appears on a command line."""
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def run_tool(argv: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{argv[0]} is not installed (VADESK_PG_DUMP / VADESK_PG_RESTORE name the programs)"
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {done.stderr.strip()[-2000:]}")


def dump_postgresql(target: Path) -> dict[str, Any]:
    """pg_dump in the snapshot the rows were counted in: the manifest and the dump describe the same moment."""
    connection = connections["default"]
    if connection.in_atomic_block:
        raise BackupError("a backup needs a transaction of its own (do not run it inside another one)")
    with transaction.atomic(using="default"), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        facts = database_facts("default")
        settings_dict = connection.settings_dict
        run_tool(
            [settings.PG_DUMP, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", settings_dict["NAME"]],
            pg_environment(settings_dict),
        )
    return facts


def dump_sqlite(target: Path) -> dict[str, Any]:
    """SQLite's online backup API: a consistent copy while others keep writing; the facts are read from the copy."""
    connection = connections["default"]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    with database_alias(connection.settings_dict, str(target)) as alias:
        return database_facts(alias)


def storage_files(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # no file stored yet: the folder does not exist
        return
    for name in sorted(files):
        yield f"{folder}{name}"
    for sub in sorted(folders):
        yield from storage_files(storage, f"{folder}{sub}/")


class HashingReader(io.RawIOBase):
    """Reads through a file and hashes what passes, so that a stored file is read once."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file, self.sha256 = file, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes, when: datetime) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(when.timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


def add_storage(tar: tarfile.TarFile, storage: Storage) -> dict[str, dict[str, Any]]:
    files = {}
    for name in storage_files(storage):
        info = tarfile.TarInfo(FILES + name)
        info.size, info.mode = storage.size(name), 0o600
        with storage.open(name, "rb") as file:
            reader = HashingReader(file)
            tar.addfile(info, reader)
        files[name] = {"size": info.size, "sha256": reader.sha256.hexdigest()}
    return files


def backup_create(*, output: Path, storage: Storage | None = None, now: datetime | None = None) -> Archive:
    """1. Dump the database (with its facts) into a temporary folder; 2. write it, every stored file and the
    manifest into `<output>/vadesk-<UTC time>.tar.partial`; 3. rename it into place, readable by its owner only."""
    storage = storage or default_storage
    now = now or timezone.now()
    connection = connections["default"]
    engine = engine_of(connection.settings_dict)
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"vadesk-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.tar"
    if path.exists():
        raise BackupError(f"{path} exists already")
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="vadesk-backup-") as work:
        member = PG_MEMBER if engine == "postgresql" else SQLITE_MEMBER
        dump = Path(work) / member
        facts = dump_postgresql(dump) if engine == "postgresql" else dump_sqlite(dump)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
                tar.add(dump, arcname=member)
                files = add_storage(tar, storage)
                manifest = {
                    "format": FORMAT,
                    "created_at": now.isoformat(),
                    "engine": engine,
                    "database": {"member": member, "size": dump.stat().st_size, "sha256": sha256_of(dump)},
                    **facts,
                    "files": files,
                }
                add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode(), now)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.rename(path)
    return Archive(path=path, manifest=manifest)


def backups_prune(*, output: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives of `output` (names sort by their time); returns the deleted."""
    archives = sorted(output.glob("vadesk-*.tar"))
    old = archives[:-keep] if keep > 0 else archives
    for path in old:
        path.unlink()
    return old
