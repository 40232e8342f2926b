"""Bring a backup archive back (backup.py), all or nothing.

1. **Verify** — read the whole archive once without writing: every chunk must authenticate,
   every table and file must match the manifest's count and SHA-256, and the archive's
   migrations and columns must be those of this database. A wrong key, a flipped bit or a
   cut-off file stops here and nothing is written.
2. **Load** — in one transaction: empty the tables (a fresh database holds only what
   ``migrate`` seeds; anything more needs ``force``), insert every line with its original
   primary key, reset the sequences, fingerprint every table again and compare with the
   manifest (a mismatch rolls everything back), and record the audit entry.
3. **Media** — files are unpacked to a staging directory during the load and moved under
   MEDIA_ROOT only after the transaction committed.
"""

import hashlib
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DatabaseError, connections, transaction

from dangjian.accounts import audit_archive
from dangjian.datasafety import tables
from dangjian.datasafety.backup import FORMAT
from dangjian.datasafety.sealed_stream import TAMPERED, ArchiveError, SealedReader, master_key

SCHEMA_MISMATCH = ("备份的数据库结构与当前系统不一致（迁移版本不同）：请先部署制作备份时的程序版本并执行 migrate，"
                   "恢复后再升级。")
NOT_EMPTY = "目标数据库已有业务数据（{tables}）：恢复只能写入刚执行过 migrate 的空数据库；确需覆盖请加 --force。"
MEDIA_NOT_EMPTY = "上传文件目录 MEDIA_ROOT 已有文件：确需覆盖请加 --force。"
WRITE_FAILED = "写入数据库失败，已全部撤销（{error}）。请恢复到刚执行过 migrate 的空数据库。"


@dataclass
class RestoreResult:
    tables: int
    rows: int
    media_files: int


def _open(path: Path, key: bytes):
    handle = path.open("rb")
    try:
        return handle, tarfile.open(fileobj=SealedReader(handle, key), mode="r|")
    except BaseException:
        handle.close()
        raise


def _members(archive: tarfile.TarFile):
    try:
        yield from archive
    except tarfile.TarError:
        raise ArchiveError(TAMPERED) from None


def _table_of(name: str) -> str | None:
    parts = PurePosixPath(name).parts
    if len(parts) == 3 and parts[0] == "db" and "-" in parts[1]:
        return parts[1].split("-", 1)[1]
    return None


def _media_path(name: str) -> str | None:
    path = PurePosixPath(name)
    if path.parts[:1] != ("media",) or len(path.parts) < 2:
        return None
    if path.is_absolute() or ".." in path.parts:
        raise ArchiveError(TAMPERED)
    return path.relative_to("media").as_posix()


def verify(path: Path) -> dict:
    """Read the whole archive; return its manifest if every table and file matches it."""
    key = master_key()
    handle, archive = _open(path, key)
    digests, counts, files, manifest = {}, {}, {}, None
    with handle, archive:
        for member in _members(archive):
            if not member.isfile():
                continue
            stream = archive.extractfile(member)
            if member.name == "manifest.json":
                manifest = json.loads(stream.read())
                continue
            label, relative = _table_of(member.name), _media_path(member.name)
            digest = digests.setdefault(label, hashlib.sha256()) if label else hashlib.sha256()
            while chunk := stream.read(1024 * 1024):
                digest.update(chunk)
                if label:
                    counts[label] = counts.get(label, 0) + chunk.count(b"\n")
            if relative is not None:
                files[relative] = (member.size, digest.hexdigest())
    if manifest is None or manifest.get("format") != FORMAT:
        raise ArchiveError(TAMPERED)
    if set(digests) - {entry["label"] for entry in manifest["tables"]}:
        raise ArchiveError(TAMPERED)
    for entry in manifest["tables"]:
        label = entry["label"]
        actual = digests.get(label, hashlib.sha256()).hexdigest()
        if counts.get(label, 0) != entry["rows"] or actual != entry["sha256"]:
            raise ArchiveError(TAMPERED)
    if {f["path"]: (f["size"], f["sha256"]) for f in manifest["media"]} != files:
        raise ArchiveError(TAMPERED)
    return manifest


def check_compatible(manifest: dict, using: str = "default"):
    if manifest["migrations"] != tables.applied_migrations(using):
        raise ArchiveError(SCHEMA_MISMATCH)
    current = {tables.label_of(model): tables.columns_of(model) for model in tables.backed_up_models(using)}
    if {entry["label"]: entry["columns"] for entry in manifest["tables"]} != current:
        raise ArchiveError(SCHEMA_MISMATCH)


def occupied_tables(using: str = "default") -> list[str]:
    """Tables holding rows beyond what ``migrate`` seeds (a fresh database has none)."""
    return [str(model._meta.verbose_name)
            for model in tables.backed_up_models(using)
            if tables.label_of(model) not in tables.SEEDED_BY_MIGRATE
            and model._base_manager.using(using).exists()]


def _insert(model, lines: list[bytes], cursor, connection):
    fields = model._meta.local_concrete_fields
    # Identifiers come from the models (quoted), values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(connection.ops.quote_name(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)))
    rows = []
    for line in lines:
        values = json.loads(line)
        # to_python parses the portable text back (dates, decimals, base64); get_db_prep_save
        # adapts it for this engine. A raw INSERT, because bulk_create would overwrite
        # auto_now columns with the restore's own time.
        rows.append([field.get_db_prep_save(field.to_python(value), connection)
                     for field, value in zip(fields, values, strict=True)])
    cursor.executemany(sql, rows)


def _load(path: Path, key: bytes, staging: Path, using: str) -> int:
    connection = connections[using]
    models = {tables.label_of(model): model for model in tables.backed_up_models(using)}
    # A restore replaces the audit log with the archived one (and then records itself in it): the
    # PostgreSQL trigger lets this transaction through its one door.
    audit_archive.open_deletion_door(using)
    for model in reversed(list(models.values())):
        rows = model._base_manager.using(using).all()
        # Empty tables are left alone: a DELETE, even of no rows, would fire a statement-level
        # trigger such as the one guarding the audit log on PostgreSQL.
        if rows.exists():
            rows._raw_delete(using)
    handle, archive = _open(path, key)
    media_files = 0
    with handle, archive, connection.cursor() as cursor:
        for member in _members(archive):
            if not member.isfile() or member.name == "manifest.json":
                continue
            stream = archive.extractfile(member)
            label, relative = _table_of(member.name), _media_path(member.name)
            if label:
                lines = [line for line in stream.read().splitlines() if line]
                for start in range(0, len(lines), tables.BATCH_ROWS):
                    _insert(models[label], lines[start:start + tables.BATCH_ROWS], cursor, connection)
            elif relative is not None:
                target = staging / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("wb") as out:
                    shutil.copyfileobj(stream, out)
                media_files += 1
        sequences = connection.ops.sequence_reset_sql(no_style(), list(models.values()))
        for statement in sequences:
            cursor.execute(statement)
    return media_files


def restore(*, path: Path, force: bool = False, using: str = "default", on_verified=None) -> RestoreResult:
    """Verify, then load in one transaction, then move media into place.

    ``on_verified(manifest)`` runs inside the transaction after the content was checked
    again (the command records its audit entry there)."""
    key = master_key()
    manifest = verify(path)
    check_compatible(manifest, using)
    if not force:
        occupied = occupied_tables(using)
        if occupied:
            raise ArchiveError(NOT_EMPTY.format(tables="、".join(occupied[:5])))
    media_root = Path(settings.MEDIA_ROOT)
    if not force and media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*")):
        raise ArchiveError(MEDIA_NOT_EMPTY)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    try:
        try:
            with transaction.atomic(using=using):
                media_files = _load(path, key, staging, using)
                for entry in manifest["tables"]:
                    model = apps.get_model(entry["label"])
                    if tables.table_fingerprint(model, using) != (entry["rows"], entry["sha256"]):
                        raise ArchiveError(TAMPERED)
                if on_verified is not None:
                    on_verified(manifest)
        except DatabaseError as error:
            # e.g. the audit log's trigger refusing --force's DELETE on PostgreSQL
            raise ArchiveError(WRITE_FAILED.format(error=type(error).__name__)) from error
        _move_into(staging, media_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(tables=len(manifest["tables"]), rows=sum(t["rows"] for t in manifest["tables"]),
                         media_files=media_files)


def _move_into(staging: Path, media_root: Path):
    for source in sorted(p for p in staging.rglob("*") if p.is_file()):
        target = media_root / source.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, target)
