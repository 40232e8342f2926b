"""Moving audit entries past their retention period into archive files (never silently dropped).

等保 2.0 level 3 asks for audit records to be kept and protected; 《网络安全法》 第二十一条 asks
for network logs to be kept no less than six months. ``AUDIT_RETENTION_DAYS`` (default and minimum
180) says how long entries stay in the table; older ones are written, in chain order, to a gzip
JSON-lines file under ``AUDIT_ARCHIVE_DIR``; the file's SHA-256 and the segment's last chain hash
are recorded in an AuditArchive row (and an audit entry of its own); only then are the rows
deleted, in the same transaction, through the one door the PostgreSQL trigger leaves open.
"""

import datetime
import gzip
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from dangjian.accounts import audit, audit_chain
from dangjian.accounts.models import AuditArchive, AuditEntry

MINIMUM_RETENTION_DAYS = 180


def retention_days() -> int:
    return max(int(getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)), MINIMUM_RETENTION_DAYS)


def archive_dir() -> Path:
    return Path(getattr(settings, "AUDIT_ARCHIVE_DIR", Path(settings.MEDIA_ROOT).parent / "audit-archive"))


def _row(entry: AuditEntry) -> dict:
    return {"id": entry.pk, "at": entry.at.isoformat(), "actor_id": entry.actor_id, "actor_label": entry.actor_label,
            "action": entry.action, "source_ip": entry.source_ip, "object_type": entry.object_type,
            "object_id": entry.object_id, "object_repr": entry.object_repr, "detail": entry.detail,
            "prev_hash": entry.prev_hash, "entry_hash": entry.entry_hash}


@transaction.atomic
def archive_older_than(*, actor=None, days: int | None = None, now: datetime.datetime | None = None) -> AuditArchive | None:
    """Archive every entry older than ``days`` (at least the retention period). None when there is
    nothing to archive. Refuses to archive a broken chain: that is evidence, it stays in place."""
    days = retention_days() if days is None else days
    if days < MINIMUM_RETENTION_DAYS:
        raise ValidationError(f"审计日志至少保留 {MINIMUM_RETENTION_DAYS} 天，不能归档更近的记录。")
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    report = audit_chain.verify()
    if not report.intact:
        raise ValidationError(f"审计日志完整性校验未通过（第 {report.broken_at} 条：{report.reason}），不予归档。")
    # Entries are archived as a prefix of the chain: everything up to the newest entry older than
    # the cutoff, so the kept table still starts where the archive ends.
    last = AuditEntry.objects.filter(at__lt=cutoff).order_by("-pk").first()
    if last is None:
        return None
    segment = AuditEntry.objects.filter(pk__lte=last.pk).order_by("pk")
    folder = archive_dir()
    folder.mkdir(parents=True, exist_ok=True)
    first_id = segment.values_list("pk", flat=True).first()
    name = f"audit-{first_id:010d}-{last.pk:010d}.jsonl.gz"
    digest = hashlib.sha256()
    count = 0
    with gzip.open(folder / name, "wt", encoding="utf-8") as archive_file:
        for entry in segment.iterator(chunk_size=2000):
            line = json.dumps(_row(entry), ensure_ascii=False, sort_keys=True) + "\n"
            archive_file.write(line)
            digest.update(line.encode())
            count += 1
    record = AuditArchive.objects.create(
        created_by=actor if getattr(actor, "is_authenticated", False) else None, file_name=name,
        file_sha256=digest.hexdigest(), first_entry_id=first_id, last_entry_id=last.pk, entry_count=count,
        older_than=cutoff, last_hash=last.entry_hash,
    )
    _delete_archived(last.pk)
    audit.record_audit_archived(actor=actor, archive=record)
    return record


def open_deletion_door(using: str = "default") -> None:
    """Let this transaction delete audit rows past the PostgreSQL trigger (SET LOCAL: it closes
    with the transaction). Only two callers, both run by an operator from the command line: the
    archive (after the rows are in a digested file) and a restore (which replaces the whole
    database with an archived copy and records itself in the restored log)."""
    target = connections[using]
    if target.vendor == "postgresql":
        if not target.in_atomic_block:
            raise RuntimeError("open_deletion_door() needs a transaction (SET LOCAL ends with it)")
        with target.cursor() as cursor:
            cursor.execute("SET LOCAL dangjian.audit_archiving = 'on'")


def _delete_archived(last_id: int) -> None:
    open_deletion_door()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id <= %s", [last_id])  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL dangjian.audit_archiving = 'off'")


def verify_archive_file(archive: AuditArchive) -> bool:
    """Does the archive file still hold exactly what was archived (digest and chain)?"""
    path = archive_dir() / archive.file_name
    if not path.exists():
        return False
    digest = hashlib.sha256()
    with gzip.open(path, "rt", encoding="utf-8") as archive_file:
        for line in archive_file:
            digest.update(line.encode())
    return digest.hexdigest() == archive.file_sha256
