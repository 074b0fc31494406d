"""`vadesk backup` and `vadesk restore`, on the test database of either engine, with real stored files.

The tests are transactional: pg_dump is another process and must see the rows (and a backup takes its own
REPEATABLE READ snapshot, which needs a transaction of its own).
"""

import hashlib
import io
import json
import sqlite3
import tarfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from vadesk.accounts.models import Organisation
from vadesk.invoicing.models import Invoice, NumberSequence
from vadesk.invoicing.services import seller_profile_of
from vadesk.ops import restore
from vadesk.ops.backup import BackupError, database_alias

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.7 " + bytes(range(256)) * 64  # a binary file, as the storage holds them


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "invoices" / "2026").mkdir(parents=True)
    (settings.MEDIA_ROOT / "invoices" / "2026" / "2026-0001.pdf").write_bytes(PDF)
    (settings.MEDIA_ROOT / "notes.txt").write_text("Dossier: de sleutel ligt bij de buren.\n")
    return settings.MEDIA_ROOT


@pytest.fixture
def invoices(org, acme):
    """Three final invoices numbered 2026-0001 … 0003 and a draft, as finalising leaves them."""
    seller = seller_profile_of(org)
    period = dict(period_start=date(2026, 10, 1), period_end=date(2026, 10, 31))
    for seq in (1, 2, 3):
        Invoice.objects.create(
            organisation=org,
            seller=seller,
            client=acme,
            status=Invoice.Status.FINAL,
            number=f"2026-{seq:04d}",
            issue_date=date(2026, 11, seq),
            **period,
        )
    Invoice.objects.create(organisation=org, seller=seller, client=acme, **period)
    NumberSequence.objects.create(seller=seller, year=2026, last=3)
    return seller


def backup(tmp_path: Path) -> Path:
    out = io.StringIO()
    call_command("backup", output=tmp_path / "backups", stdout=out)
    (archive,) = (tmp_path / "backups").glob("vadesk-*.tar")
    assert str(archive) in out.getvalue()
    return archive


def verify(archive: Path) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("restore", str(archive), verify=True, stdout=out)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue()
    return 0, out.getvalue()


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def rewrite(archive: Path, **replace: bytes) -> None:
    """The archive with some members' content replaced (a damaged disk, a tampered manifest)."""
    with tarfile.open(archive) as tar:
        members = [(info, tar.extractfile(info).read()) for info in tar.getmembers()]
    with tarfile.open(archive, "w") as tar:
        for info, data in members:
            data = replace.get(info.name, data)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def scratch_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{connection.settings_dict['NAME']}_%"]
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_manifest_counts_rows_and_sequences_and_hashes_every_file(tmp_path, media, invoices):
    archive = backup(tmp_path)
    assert archive.stat().st_mode & 0o777 == 0o600  # the whole practice is in it
    manifest = manifest_of(archive)
    assert manifest["engine"] == ("postgresql" if connection.vendor == "postgresql" else "sqlite")
    assert manifest["tables"]["invoicing_invoice"] == 4
    assert manifest["tables"]["accounts_organisation"] == Organisation.objects.count()
    assert manifest["invoice_sequences"] == [{"seller": invoices.pk, "year": 2026, "last": 3, "final_invoices": 3}]
    assert manifest["files"] == {
        "invoices/2026/2026-0001.pdf": {"size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest()},
        "notes.txt": {"size": 39, "sha256": hashlib.sha256((media / "notes.txt").read_bytes()).hexdigest()},
    }
    with tarfile.open(archive) as tar:
        assert tar.extractfile("files/invoices/2026/2026-0001.pdf").read() == PDF


def test_verify_restores_into_a_scratch_database_and_says_it_matches(tmp_path, media, invoices):
    archive = backup(tmp_path)
    Invoice.objects.filter(status=Invoice.Status.DRAFT).delete()  # the live database moves on
    code, out = verify(archive)
    assert code == 0, out
    assert "rows: " in out and "every count as in the manifest" in out
    assert "invoice numbers: 1 sequences, 3 numbers, no gap" in out
    assert "files: 2 files" in out and out.strip().endswith("VERIFIED: the archive restores completely.")
    assert Invoice.objects.count() == 3  # the live database was not touched by the restore
    if connection.vendor == "postgresql":
        assert "scratch database" in out
        assert scratch_databases() == []  # dropped afterwards


def test_verify_fails_on_a_damaged_file(tmp_path, media, invoices):
    archive = backup(tmp_path)
    rewrite(archive, **{"files/notes.txt": b"Dossier: de sleutel ligt onder de mat.\n"})
    code, out = verify(archive.parent)  # a folder stands for its newest archive
    assert code == 1
    assert f"archive: {archive} " in out
    assert "PROBLEM: file notes.txt: checksum" in out and "FAILED: 1 problem(s)." in out


def test_verify_fails_on_a_missing_row(tmp_path, media, invoices):
    archive = backup(tmp_path)
    manifest = manifest_of(archive)
    manifest["tables"]["clients_client"] += 1
    rewrite(archive, **{"manifest.json": json.dumps(manifest).encode()})
    code, out = verify(archive)
    assert code == 1
    assert f"table clients_client: {manifest['tables']['clients_client'] - 1} rows, the manifest says" in out


def test_verify_finds_a_gap_in_the_invoice_numbers(tmp_path, media, invoices):
    Invoice.objects.filter(number="2026-0002").delete()  # what no code path does: a final invoice gone
    code, out = verify(backup(tmp_path))
    assert code == 1
    assert "invoice numbers of seller" in out and "last number 3, but 2 final invoices carry one (a gap)" in out


def test_verify_fails_on_a_damaged_database_dump(tmp_path, media, invoices):
    archive = backup(tmp_path)
    member = manifest_of(archive)["database"]["member"]
    rewrite(archive, **{member: b"not a database"})
    with pytest.raises(CommandError, match="checksum differs"):
        call_command("restore", str(archive), verify=True, stdout=io.StringIO())


def test_verify_refuses_a_scratch_target_that_is_the_live_database(tmp_path, media, invoices, monkeypatch):
    archive = backup(tmp_path)
    live = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        monkeypatch.setattr(restore, "scratch_name", lambda name: live)
    else:  # the scratch file would be the live database's file
        monkeypatch.setattr(restore, "database_extract", lambda tar, manifest, folder, report: Path(live))
    with pytest.raises(BackupError, match="live database"):
        restore.restore_verify(path=archive)
    assert Invoice.objects.count() == 4


def test_restore_into_refuses_the_live_database(tmp_path, media, invoices):
    archive = backup(tmp_path)
    live = connection.settings_dict
    targets = [live["NAME"]]
    if connection.vendor == "postgresql":
        targets.append(f"postgres://{live['USER']}@localhost:{live['PORT'] or 5432}/{live['NAME']}")
    for target in targets:
        with pytest.raises(CommandError, match="that is the live database"):
            call_command("restore", str(archive), into=target, no_files=True, stdout=io.StringIO())
    assert Invoice.objects.count() == 4


@pytest.fixture
def empty_database(tmp_path):
    """An empty target: a new SQLite path, or a new PostgreSQL database (dropped at the end)."""
    if connection.vendor != "postgresql":
        yield str(tmp_path / "restored.sqlite3")
        return
    name = f"{connection.settings_dict['NAME']}_into"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def invoice_numbers_in(target: str) -> list[str]:
    if connection.vendor != "postgresql":
        with sqlite3.connect(target) as db:
            return [row[0] for row in db.execute("SELECT number FROM invoicing_invoice WHERE number != '' ORDER BY 1")]
    with database_alias(connection.settings_dict, target) as alias:
        return list(Invoice.objects.using(alias).exclude(number="").order_by("number").values_list("number", flat=True))


def test_restore_into_an_empty_database_and_folder(tmp_path, media, invoices, empty_database):
    archive = backup(tmp_path)
    out = io.StringIO()
    call_command("restore", str(archive), into=empty_database, files_into=tmp_path / "restored-media", stdout=out)
    assert out.getvalue().strip().endswith("RESTORED.")
    assert invoice_numbers_in(empty_database) == ["2026-0001", "2026-0002", "2026-0003"]
    assert (tmp_path / "restored-media" / "invoices" / "2026" / "2026-0001.pdf").read_bytes() == PDF
    # A second restore into the same (now full) database is refused, and so is a folder with files.
    with pytest.raises(CommandError, match="it is not empty"):
        call_command("restore", str(archive), into=empty_database, no_files=True, stdout=io.StringIO())


def test_restore_into_refuses_a_folder_with_files(tmp_path, media, invoices, empty_database):
    archive = backup(tmp_path)
    with pytest.raises(CommandError, match="the folder is not empty"):
        call_command("restore", str(archive), into=empty_database, files_into=media, stdout=io.StringIO())


def test_restore_refuses_a_manifest_naming_a_file_outside_the_storage(tmp_path, media, invoices):
    archive = backup(tmp_path)
    manifest = manifest_of(archive)
    manifest["files"]["../../etc/cron.d/evil"] = {"size": 1, "sha256": "0" * 64}
    rewrite(archive, **{"manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(CommandError, match="outside the storage"):
        call_command("restore", str(archive), verify=True, stdout=io.StringIO())


def test_backup_keeps_the_newest_archives(tmp_path, media, invoices):
    folder = tmp_path / "backups"
    folder.mkdir()
    for stamp in ("20261101T030000Z", "20261102T030000Z", "20261103T030000Z"):
        (folder / f"vadesk-{stamp}.tar").write_bytes(b"old")
    call_command("backup", output=folder, keep=2, stdout=io.StringIO())
    names = sorted(path.name for path in folder.glob("vadesk-*.tar"))
    assert len(names) == 2 and names[0] == "vadesk-20261103T030000Z.tar"
