"""Write a backup archive: every table and every uploaded file, sealed (sealed_stream.py).

Inside the seal is a plain tar, readable with standard tools once decrypted:

* ``db/NNN-<app.model>/NNNNNN.jsonl`` — a table in segments of at most ``SEGMENT_ROWS``
  canonical lines (tables.py), in dependency order;
* ``media/<path>`` — each file under MEDIA_ROOT;
* ``manifest.json`` — last: format, engine, applied migrations, and per table its columns,
  row count and SHA-256, per file its size and SHA-256.

Tables are read inside one snapshot (tables.read_snapshot) so the archive is consistent;
media files are read after it (a file uploaded meanwhile may be included without its row,
which is harmless; a file deleted meanwhile is skipped).
"""

import datetime
import hashlib
import io
import json
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

from dangjian.datasafety import tables
from dangjian.datasafety.sealed_stream import SealedWriter, master_key

FORMAT = 1
SEGMENT_ROWS = 5000


@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    media_files: int
    sha256: str


class _HashingSink:
    """Counts what goes to disk, so the operator can record the archive's own SHA-256."""

    def __init__(self, handle):
        self._handle = handle
        self.digest = hashlib.sha256()

    def write(self, data):
        self.digest.update(data)
        return self._handle.write(data)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mtime: float):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _write_tables(archive: tarfile.TarFile, using: str, now: float) -> list[dict]:
    entries = []
    for index, model in enumerate(tables.backed_up_models(using)):
        label = tables.label_of(model)
        folder = f"db/{index:03d}-{label}"
        digest, count, segment, buffer = hashlib.sha256(), 0, 0, bytearray()
        for line in tables.iter_lines(model, using):
            digest.update(line)
            buffer += line
            count += 1
            if count % SEGMENT_ROWS == 0:
                _add_bytes(archive, f"{folder}/{segment:06d}.jsonl", bytes(buffer), now)
                segment, buffer = segment + 1, bytearray()
        if buffer or segment == 0:
            _add_bytes(archive, f"{folder}/{segment:06d}.jsonl", bytes(buffer), now)
            segment += 1
        entries.append({"label": label, "table": model._meta.db_table, "columns": tables.columns_of(model),
                        "rows": count, "sha256": digest.hexdigest(), "segments": segment})
    return entries


class _HashingFile:
    def __init__(self, handle):
        self._handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self._handle.read(size)
        self.digest.update(data)
        return data


def _write_media(archive: tarfile.TarFile, media_root: Path) -> list[dict]:
    entries = []
    if not media_root.is_dir():
        return entries
    for path in sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink()):
        relative = path.relative_to(media_root).as_posix()
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            continue  # deleted since the walk
        with handle:
            info = archive.gettarinfo(fileobj=handle, arcname=f"media/{relative}")
            info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
            hashing = _HashingFile(handle)
            archive.addfile(info, hashing)
        entries.append({"path": relative, "size": info.size, "sha256": hashing.digest.hexdigest()})
    return entries


def write_backup(*, output: Path, using: str = "default") -> BackupResult:
    """Write the archive to ``output`` (via a ``.part`` file renamed at the end, so a failed
    backup never leaves a file that looks complete). Raises ArchiveError without a key."""
    key = master_key()
    partial = output.with_name(output.name + ".part")
    now = timezone.now()
    try:
        with partial.open("xb") as handle:
            sink = _HashingSink(handle)
            sealed = SealedWriter(sink, key)
            with tarfile.open(fileobj=sealed, mode="w|", format=tarfile.PAX_FORMAT) as archive:
                with tables.read_snapshot(using):
                    table_entries = _write_tables(archive, using, now.timestamp())
                    migrations = tables.applied_migrations(using)
                media_entries = _write_media(archive, Path(settings.MEDIA_ROOT))
                manifest = {"format": FORMAT, "created_at": now.isoformat(), "engine": connections[using].vendor,
                            "migrations": migrations, "tables": table_entries, "media": media_entries}
                _add_bytes(archive, "manifest.json",
                           json.dumps(manifest, ensure_ascii=False, indent=1).encode(), now.timestamp())
            sealed.close()
            handle.flush()
            os.fsync(handle.fileno())
        partial.rename(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(path=output, tables=len(table_entries), rows=sum(t["rows"] for t in table_entries),
                        media_files=len(media_entries), sha256=sink.digest.hexdigest())


def default_name() -> str:
    return f"dangjian-{datetime.datetime.now(tz=datetime.UTC):%Y%m%d-%H%M%S}.backup"
