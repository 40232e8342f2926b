"""The audit log is append-only and tamper-evident: a hash chain the verify command checks, a
PostgreSQL trigger refusing UPDATE and DELETE, and archiving past retention that never drops silently."""

import datetime
import gzip
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from dangjian.accounts import audit, audit_archive, audit_chain
from dangjian.accounts.models import AuditAction, AuditArchive, AuditEntry
from dangjian.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _raw_update(sql: str, params) -> None:
    """What an attacker with database access (not the application) would do."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def entries():
    actor = UserFactory(username="auditor-test")
    return [audit.record_export(actor=actor, what="党员名册", rows=index, street="梅园新村街道")
            for index in range(5)]


def test_each_entry_chains_onto_the_one_before(entries):
    stored = list(AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).order_by("pk"))
    for before, after in zip(stored, stored[1:], strict=False):
        assert after.prev_hash == before.entry_hash
    assert all(len(entry.entry_hash) == 64 for entry in stored)
    assert audit_chain.verify().intact
    call_command("audit_verify")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="on PostgreSQL the trigger refuses the edit itself")
def test_an_edited_entry_is_detected_by_the_verify_command(entries):
    _raw_update("UPDATE accounts_auditentry SET object_repr = %s WHERE id = %s", ["改过的", entries[2].pk])
    report = audit_chain.verify()
    assert (report.intact, report.broken_at) == (False, entries[2].pk)
    with pytest.raises(CommandError, match=f"第 {entries[2].pk} 条"):
        call_command("audit_verify")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="on PostgreSQL the trigger refuses the delete itself")
def test_a_removed_entry_is_detected(entries):
    _raw_update("DELETE FROM accounts_auditentry WHERE id = %s", [entries[1].pk])
    assert audit_chain.verify().broken_at == entries[2].pk
    _raw_update("DELETE FROM accounts_auditentry WHERE id >= %s", [entries[2].pk])
    report = audit_chain.verify()  # the newest ones gone: the head no longer matches
    assert not report.intact and "链头" in report.reason


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_trigger_refuses_update_and_delete(entries):
    for sql in ("UPDATE accounts_auditentry SET object_repr = 'x' WHERE id = %s",
                "DELETE FROM accounts_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
            _raw_update(sql, [entries[0].pk])
    assert AuditEntry.objects.filter(pk=entries[0].pk).exists()
    assert audit_chain.verify().intact


def test_archiving_moves_old_entries_into_a_verified_file_and_keeps_the_chain(entries, settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    later = timezone.now() + datetime.timedelta(days=181)  # every entry so far is past retention
    archive = audit_archive.archive_older_than(now=later)
    assert archive.entry_count >= 5
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).exists()
    with gzip.open(tmp_path / archive.file_name, "rt", encoding="utf-8") as archive_file:
        archived = [json.loads(line) for line in archive_file]
    assert [row["id"] for row in archived][-5:] == [e.pk for e in entries]
    assert archived[-1]["entry_hash"] == archive.last_hash
    # The archiving itself is the first entry of the kept log, chained onto the archived segment.
    kept = AuditEntry.objects.order_by("pk").first()
    assert (kept.action, kept.prev_hash) == (AuditAction.ARCHIVE, archive.last_hash)
    assert audit_chain.verify().intact and audit_archive.verify_archive_file(archive)
    call_command("audit_verify")


def test_archive_file_tampering_is_detected(entries, settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    archive = audit_archive.archive_older_than(now=timezone.now() + datetime.timedelta(days=200))
    with gzip.open(tmp_path / archive.file_name, "at", encoding="utf-8") as archive_file:
        archive_file.write('{"id": 0}\n')
    with pytest.raises(CommandError, match="归档文件缺失或被改动"):
        call_command("audit_verify")


def test_nothing_younger_than_180_days_is_archived(entries, settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    with pytest.raises(ValidationError, match="至少保留 180 天"):
        audit_archive.archive_older_than(days=30)
    assert audit_archive.archive_older_than() is None  # all entries are from today
    assert AuditEntry.objects.filter(pk=entries[0].pk).exists()
    assert not AuditArchive.objects.exists()
