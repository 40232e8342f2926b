"""Backup and restore: a consistent, sealed archive that brings every table and file back
exactly, and that a wrong key, a flipped bit or a non-empty database turn away untouched."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from dangjian.accounts import audit_chain
from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.core.demo import SIZES, DemoSize
from dangjian.datasafety import tables
from dangjian.datasafety.tests.conftest import OTHER_BACKUP_KEY
from dangjian.members.models import Member

pytestmark = pytest.mark.django_db


def _fingerprints():
    return {tables.label_of(model): tables.table_fingerprint(model) for model in tables.backed_up_models()}


def _upload(settings, relative: str, data: bytes):
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# The demo city with one district of two streets of two communities: every builder runs and fills
# exactly the tables the default size fills (the same 102 of the 121 backed-up tables, compared
# when this was introduced), with ~290 members instead of ~1,700 — building the default city was
# 90 % of this test's time (141 s on SQLite, up to 490 s on PostgreSQL in CI).
ROUND_TRIP_CITY = DemoSize("backup-round-trip", districts=1, streets_per_district=2, communities_per_street=2,
                           units_per_community=3)


def test_the_demo_city_round_trips_table_by_table_and_file_by_file(backup_settings, tmp_path, monkeypatch):
    # given the demo city (small, see ROUND_TRIP_CITY; its dashboard rollup for the city only, to
    # keep CI short: the rollup's JSON rows still round-trip) and two uploaded files
    backup_settings.DANGJIAN_DASHBOARD_ROLLUP = {**backup_settings.DANGJIAN_DASHBOARD_ROLLUP, "DEPTH": 1}
    monkeypatch.setitem(SIZES, ROUND_TRIP_CITY.name, ROUND_TRIP_CITY)
    call_command("demo", size=ROUND_TRIP_CITY.name, verbosity=0, stdout=io.StringIO())
    _upload(backup_settings, "notices/2026/通知.pdf", b"%PDF-1.4 demo")
    _upload(backup_settings, "imports/batch.xlsx", bytes(range(256)) * 10)
    before = _fingerprints()
    assert before["members.member"][0] > 100
    archive = tmp_path / "city.backup"
    # when it is backed up, the database emptied and the archive restored over it
    call_command("backup", output=str(archive), stdout=io.StringIO())
    assert b"members" not in archive.read_bytes()  # sealed: no plaintext table names
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, detail__event="backup").exists()
    for path in Path(backup_settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()
    call_command("restore", input=str(archive), force=True, stdout=io.StringIO())
    # then every table has the same rows and content, and the files are back byte for byte
    after = _fingerprints()
    restored_audit = after.pop("accounts.auditentry")
    after.pop("accounts.auditchainhead")  # moves on with the audit log (the restore's own entry)
    assert after == {label: value for label, value in before.items()
                     if label not in ("accounts.auditentry", "accounts.auditchainhead")}
    assert audit_chain.verify().intact  # the restored log and the restore's entry chain on
    # the audit log is the archived one (the backup's own entry came after the snapshot) plus the restore's
    assert restored_audit[0] == before["accounts.auditentry"][0] + 1
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT, detail__event="restore").exists()
    assert (Path(backup_settings.MEDIA_ROOT) / "notices/2026/通知.pdf").read_bytes() == b"%PDF-1.4 demo"
    assert (Path(backup_settings.MEDIA_ROOT) / "imports/batch.xlsx").read_bytes() == bytes(range(256)) * 10


@pytest.fixture
def small_archive(backup_settings, tmp_path, city, superuser):
    from dangjian.members.tests import factories as member_factories

    member_factories.member(actor=superuser, organization=city.org(city.dahanggong))
    _upload(backup_settings, "a.txt", b"hello")
    archive = tmp_path / "small.backup"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    return archive


def _restore_refused(archive, message, **options):
    members, audit = Member.objects.count(), AuditEntry.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("restore", input=str(archive), stdout=io.StringIO(), **options)
    assert Member.objects.count() == members
    assert AuditEntry.objects.count() == audit


def test_a_tampered_archive_is_refused_and_nothing_is_written(small_archive, tmp_path):
    # given an archive with one byte flipped in the middle
    data = bytearray(small_archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.backup"
    tampered.write_bytes(bytes(data))
    # then the restore refuses it even with --force, and the database is untouched
    _restore_refused(tampered, "已损坏或被篡改", force=True)


def test_a_truncated_archive_is_refused(small_archive, tmp_path):
    truncated = tmp_path / "cut.backup"
    truncated.write_bytes(small_archive.read_bytes()[:-40])
    _restore_refused(truncated, "已损坏或被篡改", force=True)


def test_an_archive_under_another_key_is_refused(small_archive, backup_settings):
    backup_settings.BACKUP_ENCRYPTION_KEY = OTHER_BACKUP_KEY
    _restore_refused(small_archive, "备份加密密钥不正确", force=True)


def test_a_non_empty_database_is_refused_without_force(small_archive):
    _restore_refused(small_archive, "目标数据库已有业务数据")


def test_a_missing_key_is_a_clear_error(backup_settings, tmp_path):
    backup_settings.BACKUP_ENCRYPTION_KEY = ""
    with pytest.raises(CommandError, match="未配置备份加密密钥"):
        call_command("backup", output=str(tmp_path / "x.backup"))
    assert not list(tmp_path.glob("x.backup*"))


def test_the_backup_key_must_differ_from_the_field_key(backup_settings, tmp_path):
    backup_settings.BACKUP_ENCRYPTION_KEY = backup_settings.FIELD_ENCRYPTION_KEY
    with pytest.raises(CommandError, match="不能与字段加密密钥"):
        call_command("backup", output=str(tmp_path / "x.backup"))
    assert not list(tmp_path.glob("x.backup*"))


def test_a_schema_mismatch_is_refused(small_archive, monkeypatch):
    monkeypatch.setattr(tables, "applied_migrations", lambda using="default": ["members.9999_future"])
    _restore_refused(small_archive, "数据库结构与当前系统不一致", force=True)


def test_the_manifest_counts_rows_and_large_tables_are_cut_into_segments(backup_settings, tmp_path, city, superuser,
                                                                           monkeypatch):
    import tarfile

    from dangjian.datasafety import backup
    from dangjian.datasafety.sealed_stream import SealedReader, master_key

    monkeypatch.setattr(backup, "SEGMENT_ROWS", 2)
    monkeypatch.setattr(tables, "BATCH_ROWS", 3)  # keyset pages smaller than a table
    archive = tmp_path / "segments.backup"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    with archive.open("rb") as handle, tarfile.open(fileobj=SealedReader(handle, master_key()), mode="r|") as tar:
        names, manifest = [], None
        for member in tar:
            names.append(member.name)
            if member.name == "manifest.json":
                manifest = json.loads(tar.extractfile(member).read())
    areas = next(entry for entry in manifest["tables"] if entry["label"] == "organizations.area")
    assert areas["rows"] == tables.table_fingerprint(tables.apps.get_model("organizations.area"))[0] > 4
    assert sum(1 for name in names if "-organizations.area/" in name) == areas["segments"] >= 3
    assert names[-1] == "manifest.json"


def _empty_like_a_fresh_migrate():
    from dangjian.accounts.audit_archive import open_deletion_door
    from dangjian.datasafety.restore import occupied_tables

    open_deletion_door()  # inside the test's transaction: the PostgreSQL audit trigger lets it through
    for model in reversed(tables.backed_up_models()):
        if tables.label_of(model) not in tables.SEEDED_BY_MIGRATE:
            model._base_manager.all()._raw_delete("default")
    assert occupied_tables() == []


def test_a_fresh_database_takes_the_archive_without_force(small_archive, backup_settings):
    # given an archive, and a database emptied down to what migrate seeds, and no uploads
    before = _fingerprints()
    _empty_like_a_fresh_migrate()
    (Path(backup_settings.MEDIA_ROOT) / "a.txt").unlink()
    # when it is restored without --force
    out = io.StringIO()
    call_command("restore", input=str(small_archive), stdout=out)
    # then everything is back and the restore is audited
    assert "恢复完成" in out.getvalue()
    after = _fingerprints()
    # the backup's own entry (written after its snapshot) is replaced by the restore's
    assert after.pop("accounts.auditentry")[0] == before.pop("accounts.auditentry")[0]
    after.pop("accounts.auditchainhead"), before.pop("accounts.auditchainhead")
    assert after == before
    assert audit_chain.verify().intact
    assert (Path(backup_settings.MEDIA_ROOT) / "a.txt").read_bytes() == b"hello"


def test_uploads_in_media_root_are_not_overwritten_without_force(small_archive):
    _empty_like_a_fresh_migrate()
    _restore_refused(small_archive, "MEDIA_ROOT 已有文件")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's deferred read transaction (PostgreSQL: REPEATABLE READ)")
def test_outside_a_transaction_the_backup_reads_inside_one_read_transaction(backup_settings, tmp_path, monkeypatch):
    """The real path (no test transaction around it): every table is read inside one deferred
    SQLite transaction — in WAL mode one snapshot — which is closed afterwards. (The in-memory
    test database has no WAL, so the snapshot's isolation itself is SQLite's, not tested here.)"""
    from django.db import connection

    assert not connection.in_atomic_block
    states = []
    original = tables.iter_lines

    def watched(model, using="default"):
        states.append(connection.connection.in_transaction)
        yield from original(model, using)

    monkeypatch.setattr(tables, "iter_lines", watched)
    call_command("backup", output=str(tmp_path / "snapshot.backup"), stdout=io.StringIO())
    assert len(states) == len(tables.backed_up_models()) and all(states)
    assert not connection.connection.in_transaction


def test_a_database_failure_midway_rolls_everything_back(small_archive, monkeypatch):
    """--force empties the tables first; a failure while loading must leave them as they were."""
    from django.db import DatabaseError

    from dangjian.datasafety import restore

    calls = []

    def failing_insert(model, lines, cursor, connection):
        calls.append(model)
        if len(calls) > 3:
            raise DatabaseError("refused by a trigger")
        return original(model, lines, cursor, connection)

    original = restore._insert
    monkeypatch.setattr(restore, "_insert", failing_insert)
    before = _fingerprints()
    _restore_refused(small_archive, "写入数据库失败，已全部撤销", force=True)
    assert _fingerprints() == before
