"""`vadesk restore`: prove an archive restores (`--verify`, into a scratch database) or restore it into an empty one.

Never into the live database: every target is compared with the live database first and refused when it is the
same, and a real restore also refuses any database that holds a table (the live one always does).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connections

from vadesk.ops.backup import (
    CHUNK,
    FILES,
    FORMAT,
    MANIFEST,
    BackupError,
    database_alias,
    database_facts,
    engine_of,
    pg_environment,
    run_tool,
)

MANIFEST_MAX_BYTES = 64 * 1024 * 1024  # outside input is bounded: a manifest is JSON of counts and checksums
LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


@dataclass
class Report:
    """What a restore found: lines for the operator, and the problems that make it fail."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def say(self, line: str) -> None:
        self.lines.append(line)

    def problem(self, line: str) -> None:
        self.problems.append(line)
        self.lines.append(f"PROBLEM: {line}")


# --- the archive ---


def manifest_read(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        info = tar.getmember(MANIFEST)
    except KeyError:
        raise BackupError("not a vadesk backup: the archive has no manifest.json") from None
    if not info.isfile() or info.size > MANIFEST_MAX_BYTES:
        raise BackupError("the archive's manifest.json is not a file of a sane size")
    file = tar.extractfile(info)
    assert file is not None
    try:
        manifest = json.loads(file.read())
    except ValueError as exc:
        raise BackupError(f"the archive's manifest.json is not JSON: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"the manifest is not of format {FORMAT}: made by another vadesk version?")
    for key, kind in (("engine", str), ("database", dict), ("tables", dict), ("invoice_sequences", list)):
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"the manifest lacks {key!r}")
    if manifest["engine"] not in {"sqlite", "postgresql"}:
        raise BackupError(f"the manifest names an unknown database engine {manifest['engine']!r}")
    return manifest


def safe_name(name: str) -> PurePosixPath:
    """A stored file's name from the manifest, as a relative path that cannot leave the folder it goes into."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name or "\x00" in name:
        raise BackupError(f"the manifest names a file outside the storage: {name!r}")
    return path


def copy_member(tar: tarfile.TarFile, name: str, target: Path) -> str:
    """Writes the archive's member to `target`; returns its SHA-256."""
    try:
        info = tar.getmember(name)
    except KeyError:
        raise BackupError(f"{name} is missing from the archive") from None
    if not info.isfile():
        raise BackupError(f"{name} is not a regular file in the archive")
    source = tar.extractfile(info)
    assert source is not None
    digest = hashlib.sha256()
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def database_extract(tar: tarfile.TarFile, manifest: dict[str, Any], folder: Path, report: Report) -> Path:
    member = manifest["database"].get("member")
    if member not in {"database.pgdump", "database.sqlite3"}:
        raise BackupError(f"the manifest names an unknown database member {member!r}")
    target = folder / member
    if copy_member(tar, member, target) != manifest["database"].get("sha256"):
        raise BackupError(f"{member}: its checksum differs from the manifest's (the archive is damaged)")
    report.say(f"database dump: {target.stat().st_size:,} bytes, checksum as in the manifest")
    return target


def files_check(tar: tarfile.TarFile, manifest: dict[str, Any], report: Report, into: Path | None = None) -> None:
    """Every stored file: present, its SHA-256 as in the manifest; written under `into` when given."""
    files = manifest.get("files") or {}
    total = 0
    with tempfile.TemporaryDirectory(prefix="vadesk-verify-files-") as scratch:
        for name, facts in sorted(files.items()):
            relative = safe_name(name)
            target = (into / relative) if into else Path(scratch) / "file"
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                digest = copy_member(tar, FILES + name, target)
            except BackupError as exc:
                report.problem(str(exc))
                continue
            if digest != facts.get("sha256"):
                report.problem(f"file {name}: checksum {digest[:12]}… differs from the manifest's")
            total += target.stat().st_size
    extra = {m.name[len(FILES) :] for m in tar.getmembers() if m.name.startswith(FILES)} - set(files)
    for name in sorted(extra):
        report.problem(f"file {name} is in the archive but not in the manifest")
    if not any(p.startswith("file") for p in report.problems):
        report.say(f"files: {len(files)} files, {total:,} bytes, every checksum as in the manifest")


# --- the database facts ---


def facts_check(alias: str, manifest: dict[str, Any], report: Report) -> None:
    """Row counts per table and invoice number sequences of the restored database against the manifest."""
    facts = database_facts(alias)
    expected, found = manifest["tables"], facts["tables"]
    before = len(report.problems)
    for table in sorted(set(expected) | set(found)):
        if table not in found:
            report.problem(f"table {table} is missing after the restore")
        elif table not in expected:
            report.problem(f"table {table} is not in the manifest")
        elif found[table] != expected[table]:
            report.problem(f"table {table}: {found[table]} rows, the manifest says {expected[table]}")
    if len(report.problems) == before:
        report.say(f"rows: {len(found)} tables, {sum(found.values()):,} rows, every count as in the manifest")
    before = len(report.problems)
    if facts["invoice_sequences"] != manifest["invoice_sequences"]:
        report.problem("the invoice number sequences differ from the manifest's")
    for row in facts["invoice_sequences"]:
        if row["last"] != row["final_invoices"]:
            report.problem(
                f"invoice numbers of seller {row['seller']} in {row['year']}: last number {row['last']}, "
                f"but {row['final_invoices']} final invoices carry one (a gap)"
            )
    if len(report.problems) == before:
        numbers = sum(row["final_invoices"] for row in facts["invoice_sequences"])
        report.say(f"invoice numbers: {len(facts['invoice_sequences'])} sequences, {numbers} numbers, no gap")


# --- targets, and never the live database ---


def live_settings() -> dict[str, Any]:
    return connections["default"].settings_dict


def same_database(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if engine_of(a) != engine_of(b):
        return False
    if engine_of(a) == "sqlite":
        name_a, name_b = str(a["NAME"]), str(b["NAME"])
        if name_a.startswith("file:") or name_b.startswith("file:") or ":memory:" in (name_a, name_b):
            return name_a == name_b
        return Path(name_a).resolve() == Path(name_b).resolve()

    def server(d: dict[str, Any]) -> tuple[str, str]:
        host = str(d.get("HOST") or "")
        return ("local" if host in LOCAL_HOSTS or host.startswith("/") else host, str(d.get("PORT") or "5432"))

    return a["NAME"] == b["NAME"] and server(a) == server(b)


def live_refuse(target: dict[str, Any]) -> None:
    if same_database(target, live_settings()):
        raise BackupError(f"refusing to restore into {target['NAME']}: that is the live database")


def target_parse(into: str, engine: str) -> dict[str, Any]:
    """`--into`: a database URL, or a path (SQLite) / a database name on the live server (PostgreSQL)."""
    if "://" in into:
        parsed = dj_database_url.parse(into)
        target = {**live_settings(), **parsed, "OPTIONS": parsed.get("OPTIONS") or {}}
    elif engine == "sqlite":
        target = {**live_settings(), "ENGINE": "django.db.backends.sqlite3", "NAME": into, "OPTIONS": {}}
    elif engine_of(live_settings()) == "postgresql":
        target = {**live_settings(), "NAME": into}
    else:
        raise BackupError("a PostgreSQL archive needs --into postgres://… when vadesk itself runs on SQLite")
    if engine_of(target) != engine:
        raise BackupError(f"the archive holds a {engine} database; --into names a {engine_of(target)} one")
    return target


def tables_in(target: dict[str, Any]) -> list[str]:
    with database_alias(target, target["NAME"]) as alias:
        connection = connections[alias]
        with connection.cursor() as cursor:
            return connection.introspection.table_names(cursor)


@contextmanager
def postgresql_scratch() -> Iterator[dict[str, Any]]:
    """A new database on the live server, dropped afterwards whatever happens."""
    live = live_settings()
    if engine_of(live) != "postgresql":
        raise BackupError("verifying a PostgreSQL archive needs a PostgreSQL server: set DATABASE_URL")
    target = {**live, "NAME": scratch_name(live["NAME"])}
    live_refuse(target)
    quoted = connections["default"].ops.quote_name(target["NAME"])
    with connections["default"]._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quoted}")
    try:
        yield target
    finally:
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def scratch_name(live_name: str) -> str:
    return f"{live_name[:40]}_verify_{secrets.token_hex(4)}"


def pg_restore(dump: Path, target: dict[str, Any]) -> None:
    argv = [settings.PG_RESTORE, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    run_tool([*argv, f"--dbname={target['NAME']}", str(dump)], pg_environment(target))


def sqlite_place(dump: Path, target: Path) -> None:
    """The copy into place under a temporary name, then renamed: a reader never sees half a database."""
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(dump, partial)
    check = sqlite3.connect(partial)
    try:
        healthy = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        check.close()
    if not healthy:
        partial.unlink()
        raise BackupError("the restored SQLite database fails its integrity check")
    partial.rename(target)


# --- the two commands ---


def restore_verify(*, path: Path) -> Report:
    """1. Read the manifest and check the dump's checksum; 2. restore the dump into a scratch database (a new file
    in a temporary folder, or a new PostgreSQL database, dropped afterwards); 3. compare row counts and invoice
    number sequences with the manifest; 4. check every stored file's checksum."""
    report = Report()
    with tarfile.open(path, mode="r:") as tar, tempfile.TemporaryDirectory(prefix="vadesk-verify-") as work:
        manifest = manifest_read(tar)
        report.say(f"archive: {path} (made {manifest.get('created_at')}, {manifest['engine']})")
        dump = database_extract(tar, manifest, Path(work), report)
        if manifest["engine"] == "sqlite":
            target = {**live_settings(), "ENGINE": "django.db.backends.sqlite3", "NAME": str(dump), "OPTIONS": {}}
            live_refuse(target)
            with database_alias(target, str(dump)) as alias:
                report.say(f"restored into the scratch file {dump}")
                facts_check(alias, manifest, report)
        else:
            with postgresql_scratch() as target:
                pg_restore(dump, target)
                report.say(f"restored into the scratch database {target['NAME']} (dropped afterwards)")
                with database_alias(target, target["NAME"]) as alias:
                    facts_check(alias, manifest, report)
        files_check(tar, manifest, report)
    return report


def restore_into(*, path: Path, into: str, files_into: Path | None) -> Report:
    """Restore into an empty database (and the files into an empty folder), then check it as `--verify` does."""
    report = Report()
    with tarfile.open(path, mode="r:") as tar, tempfile.TemporaryDirectory(prefix="vadesk-restore-") as work:
        manifest = manifest_read(tar)
        target = target_parse(into, manifest["engine"])
        live_refuse(target)
        if manifest["engine"] == "sqlite" and Path(target["NAME"]).exists() and Path(target["NAME"]).stat().st_size:
            if tables_in(target):
                raise BackupError(f"refusing to restore into {target['NAME']}: it is not empty")
            Path(target["NAME"]).unlink()
        elif manifest["engine"] == "postgresql" and tables_in(target):
            raise BackupError(f"refusing to restore into {target['NAME']}: it is not empty")
        if files_into is not None and files_into.exists() and any(files_into.iterdir()):
            raise BackupError(f"refusing to restore the files into {files_into}: the folder is not empty")
        report.say(f"archive: {path} (made {manifest.get('created_at')}, {manifest['engine']})")
        dump = database_extract(tar, manifest, Path(work), report)
        if manifest["engine"] == "sqlite":
            sqlite_place(dump, Path(target["NAME"]))
        else:
            pg_restore(dump, target)
        report.say(f"restored into {target['NAME']}")
        with database_alias(target, target["NAME"]) as alias:
            facts_check(alias, manifest, report)
        if files_into is not None:
            files_check(tar, manifest, report, into=files_into)
            report.say(f"files restored into {files_into}")
    return report
