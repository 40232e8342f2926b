"""The audit log's hash chain: tamper evidence (GB/T 22239-2019 8.1.4.3, audit record protection).

``entry_hash = SHA-256(prev_hash ‖ canonical content)``, where ``prev_hash`` is the hash of the
entry before it (by id). Appending locks the one-row AuditChainHead so two transactions never
chain onto the same predecessor. ``verify`` recomputes the chain from the table (after the last
archive's cut) and names the first entry that does not match: edited content, a removed row or an
inserted one all break it. The trigger installed on PostgreSQL (migration 0006) refuses UPDATE and
DELETE outright; the chain catches what bypasses the application and the trigger (a superuser
session, a restored file).
"""

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction

from dangjian.accounts.models import AuditArchive, AuditChainHead, AuditEntry

GENESIS = ""


def normalise_detail(detail: dict) -> dict:
    """The detail as the JSON column will give it back (dates as text, tuples as lists), so the
    hash computed before saving equals the one recomputed from the stored row."""
    return json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))


def _instant(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_hash(entry: AuditEntry, prev_hash: str) -> str:
    content = json.dumps(
        [_instant(entry.at), entry.actor_id, entry.actor_label, entry.action, entry.source_ip or "",
         entry.object_type, entry.object_id, entry.object_repr, entry.detail],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


@transaction.atomic  # the head's row lock lasts until the caller's transaction commits
def append(entry: AuditEntry) -> None:
    """Save a new entry at the end of the chain (inside the caller's transaction, if any)."""
    head = _locked_head()
    entry.detail = normalise_detail(entry.detail)
    entry.source_ip = AuditEntry._meta.get_field("source_ip").get_prep_value(entry.source_ip)
    entry.prev_hash = head.last_hash
    # One INSERT with both hashes (the trigger refuses any later UPDATE). Ids are drawn after the
    # head is locked, so id order is chain order.
    entry.entry_hash = content_hash(entry, entry.prev_hash)
    entry.save()
    AuditChainHead.objects.filter(pk=head.pk).update(last_hash=entry.entry_hash, last_entry_id=entry.pk)


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # the id of the first entry that does not match, None when intact
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(*, batch_size: int = 5000) -> ChainReport:
    """Recompute the chain over the entries still in the table."""
    archive = AuditArchive.objects.order_by("-last_entry_id").first()
    expected_prev = archive.last_hash if archive else GENESIS
    checked = 0
    for entry in _entries_in_order(batch_size):
        if entry.prev_hash != expected_prev:
            return ChainReport(checked, entry.pk, "前一条摘要不符：此前的记录被删除、插入或修改")
        if content_hash(entry, entry.prev_hash) != entry.entry_hash:
            return ChainReport(checked, entry.pk, "本条内容与摘要不符：记录被修改")
        expected_prev = entry.entry_hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != expected_prev:
        return ChainReport(checked, head.last_entry_id, "链头与最后一条记录不符：最新的记录被删除")
    return ChainReport(checked, None)


def _entries_in_order(batch_size: int) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].pk


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"
