"""What a backup holds, in a database-neutral form, and how its content is fingerprinted.

Every concrete, managed model (including the many-to-many tables Django creates) is one
table. A row is the JSON array of its column values (``attname`` order, recorded in the
manifest): dates and times as ISO 8601, decimals and UUIDs as strings, binary as base64 and
JSON columns as their JSON. The same canonical line feeds the archive and the table's
SHA-256, so ``table_fingerprint`` run on the restored database must reproduce the manifest.

Tables are read in primary-key order by keyset pages of ``BATCH_ROWS``: a 600,000-member
table is never held in memory, and the pages work the same on PostgreSQL and SQLite.
"""

import base64
import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import connections, router, transaction
from django.utils.duration import duration_iso_string

BATCH_ROWS = 2000
# Sessions (and the names of them) are not data: restoring them would revive sign-ins ended since.
EXCLUDED = {"sessions.session", "accounts.usersession"}
# Rows that ``migrate`` itself writes (content types, permissions, the code tables): a fresh
# database already holds them, so they do not make it "non-empty"; a restore replaces them.
SEEDED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission", "core.code", "accounts.auditchainhead",
                     "dues.duesrate"}


def label_of(model) -> str:
    return model._meta.label_lower


def backed_up_models(using: str = "default") -> list:
    """Every table a backup holds, parents before the tables that point at them."""
    models = [model for model in apps.get_models(include_auto_created=True)
              if model._meta.managed and not model._meta.proxy and label_of(model) not in EXCLUDED
              and router.allow_migrate_model(using, model)]
    return _dependency_order(sorted(models, key=label_of))


def _dependency_order(models: list) -> list:
    # Foreign keys are DEFERRABLE INITIALLY DEFERRED on both engines, so the order is not
    # needed for correctness inside the restore's one transaction; it keeps the archive
    # readable (a member's organization comes before the member) and restores cheaper.
    remaining, ordered = list(models), []
    while remaining:
        waiting = {label_of(model) for model in remaining}
        ready = (model for model in remaining if not (_targets(model) - {label_of(model)}) & waiting)
        model = next(ready, remaining[0])  # on a cycle any order will do: constraints are deferred
        remaining.remove(model)
        ordered.append(model)
    return ordered


def _targets(model) -> set[str]:
    return {label_of(field.related_model) for field in model._meta.local_concrete_fields if field.is_relation}


def columns_of(model) -> list[str]:
    return [field.attname for field in model._meta.local_concrete_fields]


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return base64.b64encode(bytes(value)).decode()
    return value


def canonical_line(values) -> bytes:
    return json.dumps([_jsonable(v) for v in values], ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode() + b"\n"


def iter_lines(model, using: str = "default") -> Iterator[bytes]:
    """The table's canonical lines in primary-key order, one keyset page at a time."""
    columns = columns_of(model)
    pk_index = columns.index(model._meta.pk.attname)
    rows = model._base_manager.using(using).order_by("pk")
    last = None
    while True:
        page = rows if last is None else rows.filter(pk__gt=last)
        batch = list(page.values_list(*columns)[:BATCH_ROWS])
        for values in batch:
            yield canonical_line(values)
        if len(batch) < BATCH_ROWS:
            return
        last = batch[-1][pk_index]


def table_fingerprint(model, using: str = "default") -> tuple[int, str]:
    """(row count, SHA-256 of the canonical lines): what the manifest records for a table."""
    digest, count = hashlib.sha256(), 0
    for line in iter_lines(model, using):
        digest.update(line)
        count += 1
    return count, digest.hexdigest()


def applied_migrations(using: str = "default") -> list[str]:
    from django.db.migrations.recorder import MigrationRecorder

    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connections[using]).applied_migrations())


@contextmanager
def read_snapshot(using: str = "default"):
    """Run the reads inside one snapshot of the whole database.

    PostgreSQL: one REPEATABLE READ, READ ONLY transaction (the snapshot pg_dump takes);
    writers are not blocked. SQLite: a deferred transaction, which in WAL mode reads one
    snapshot without blocking writers (Django's own transactions here are IMMEDIATE, which
    would lock writers out for the whole backup). Inside an outer transaction (a test) the
    caller's transaction is the snapshot.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        return
    with transaction.atomic(using=using):
        yield
