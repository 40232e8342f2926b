"""Every write of the spreadsheet import: upload, preview, commit (a background task), undo.

The rows are checked once, at the preview, with the rules ``services.member_create`` applies:
``importing.RowReader`` turns cells into the values ``_normalise_fields`` would produce (code
tables through ``services._code``, dates through ``services._check_dates``) and
``import_values.Preparer`` derives the rest with ``fill_id_number`` and ``_finish`` and runs the
model fields' own ``clean`` (what ``full_clean`` runs) — without a Member instance per row,
which cost more than everything else; ``import_check`` runs them over the rows, in several
processes for a large file. What differs is how often the database is asked: the code tables
once per file, ID-number uniqueness once for the whole file (digests), the organization once
per batch. The accepted rows, with their ID numbers already encrypted, go to a prepared file
beside the upload; the commit writes them in one transaction — all or nothing — with ``COPY``
on PostgreSQL (``executemany`` on SQLite), their history rows with one INSERT … SELECT. The
batch gets one audit entry (``record_import``) instead of one per member. A number someone
registered after the preview is found by the unique digest refusing the insert, and only then
looked for (``_refuse_registered_since_preview``).
"""

import contextlib
import hashlib
import os
import time
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.core import worker_locks
from dangjian.core.id_numbers import normalize_id_number
from dangjian.core.masking import mask_id_number
from dangjian.members import (
    import_check,
    import_insert,
    import_values,
    importing,
    selectors,
    selectors_import,
    services,
)
from dangjian.members.models import ColumnMapping, ImportBatch, Member

State = ImportBatch.State
PREVIEWABLE = (State.UPLOADED, State.PREVIEWED, State.FAILED)  # FAILED: check again after a refusal
# What a QUEUED/RUNNING batch is doing (kept in ``mapping``: the model has one pair of states).
PHASE_CHECK, PHASE_COMMIT, PHASE_UNDO = "check", "commit", "undo"
MAX_UPLOAD_BYTES = 30 * 1024 * 1024
PROGRESS_SECONDS = 0.5  # each report is a committed write (a WAL flush on PostgreSQL): not more often
SQLITE_IMPORT_CACHE_KIB = 256 * 1024  # see _roomy_page_cache
PREPARED_FIELDS = import_values.PREPARED_FIELDS
_NAME, _MASKED = (PREPARED_FIELDS.index(name) for name in ("name", "id_number_masked"))
ALREADY_IN_SCOPE = "该身份证号码已在您管辖的党组织中登记，请勿重复导入（可在党员名册中按身份证号码查找）。"
ALREADY_ELSEWHERE = "该身份证号码已登记在系统中（不在您的管辖范围内），请核对；如需接收该党员，请办理组织关系转接。"


# ---------------------------------------------------------------- upload


def member_import_upload(*, actor, organization, uploaded_file, request=None) -> ImportBatch:
    """Store a roster for ``organization``, find its header row and propose a column mapping
    (the one ``actor`` confirmed last time for the same headers, else the recognised headers)."""
    services._require_member_organization(actor, organization)
    file_name = os.path.basename(uploaded_file.name or "")[:200]
    if uploaded_file.size is not None and uploaded_file.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": f"文件超过{MAX_UPLOAD_BYTES // 1024 // 1024}MB，请分批导入。"})
    data = uploaded_file.read()
    try:
        layout = importing.detect_layout(importing.open_head(data, file_name, rows=importing.HEAD_ROWS))
    except importing.UnreadableFile as error:
        raise ValidationError({"file": str(error)}) from None
    if not layout.samples:
        raise ValidationError({"file": "文件中只有表头，没有党员数据。"})
    columns = selectors_import.remembered_columns(actor, layout.key)
    remembered = columns is not None and _usable(columns, layout.headers)
    if not remembered:
        columns = importing.suggest_columns(layout.headers)
    digest = hashlib.sha256(data).hexdigest()
    batch = ImportBatch(organization=organization, uploaded_by=actor, file_name=file_name, file_sha256=digest,
                        mapping={"header_line": layout.header_line, "headers": layout.headers, "key": layout.key,
                                 "columns": columns, "remembered": remembered,
                                 "samples": [_masked_sample(row) for row in layout.samples]})
    batch.file.save(f"{digest[:20]}{importing.extension_of(file_name)}", ContentFile(data), save=False)
    batch.save()
    return batch


def _usable(columns: dict, headers: list[str]) -> bool:
    try:
        importing.check_columns(columns, headers)
    except ValidationError:
        return False
    return True


def _masked_sample(cells: list[str]) -> list[str]:
    """Sample rows shown on the mapping page keep no full ID number."""
    masked = []
    for cell in cells:
        compact = normalize_id_number(cell) if len(cell) >= 15 else ""
        masked.append(mask_id_number(compact) if compact[:17].isdigit() and len(compact) in (15, 18) else cell)
    return masked


# ---------------------------------------------------------------- preview


def member_import_preview(*, actor, batch: ImportBatch, columns: dict[str, int], request=None) -> ImportBatch:
    """Confirm the column mapping (remembered for ``actor`` and these headers) and queue the check
    of every row — a task, with a progress bar: a district's roster takes a while."""
    columns = {key: int(index) for key, index in columns.items()}
    with transaction.atomic():
        batch = _writable(actor, batch, states=PREVIEWABLE, lock=True)
        importing.check_columns(columns, batch.mapping["headers"])
        ColumnMapping.objects.update_or_create(user=actor, headers_key=batch.mapping["key"],
                                               defaults={"mapping": columns})
        batch.mapping = {**_without_interruption(batch.mapping), "columns": columns, "phase": PHASE_CHECK}
        batch.total_rows = batch.valid_rows = batch.imported_rows = 0
        batch.errors = []
        queue(batch, "排队等待检查……", "mapping", "total_rows", "valid_rows", "imported_rows", "errors")
    from dangjian.members.tasks import member_import_check_run

    return enqueued(member_import_check_run, batch=batch, actor=actor)


def member_import_check(*, batch_id: int, actor_id: int) -> ImportBatch:
    """Check every row of a queued batch (called by the task). Leaves it PREVIEWED with its
    counts and per-row errors, and the accepted rows prepared for the commit; writes no member.
    The worker holds the batch's lock meanwhile (see ``member_import_recover_interrupted``)."""
    return _as_the_batch_worker(_check, batch_id=batch_id, actor_id=actor_id)


def _check(*, batch_id: int, actor_id: int) -> ImportBatch:
    from django.contrib.auth import get_user_model

    batch = ImportBatch.objects.select_related("organization").get(pk=batch_id)
    if batch.state != State.QUEUED or batch.mapping.get("phase") != PHASE_CHECK:
        return batch
    actor = get_user_model().objects.get(pk=actor_id)
    _report(batch, state=State.RUNNING, progress=1, message="正在逐行检查……")
    try:
        outcome = _prepare(actor=actor, batch=batch, columns=batch.mapping["columns"])
    except importing.UnreadableFile as error:
        return _fail(batch, str(error))
    except Exception:
        _fail(batch, "检查失败（系统错误），请联系系统管理员。")
        raise
    _delete_prepared(batch)
    batch.mapping = {**batch.mapping, "prepared": outcome.prepared_path, "phase": PHASE_COMMIT}
    batch.total_rows = outcome.total
    batch.valid_rows = outcome.total - len(outcome.errors)
    batch.errors = outcome.errors
    batch.state = State.PREVIEWED
    batch.progress = 100
    batch.message = f"共{batch.total_rows}行，有效{batch.valid_rows}行，有错误{len(batch.errors)}行。"
    batch.save()
    return batch


class _Outcome:
    def __init__(self):
        self.total = 0
        self.errors: list[dict] = []
        self.prepared_path = ""


def _prepare(*, actor, batch: ImportBatch, columns: dict[str, int]) -> _Outcome:
    """Check every row (``import_check``: validate, derive, encrypt; several processes for a
    large file), then the file as a whole: numbers repeated within it, and one query for the
    numbers already registered."""
    checker = import_check.RowChecker(columns, today=timezone.localdate())
    next_report = [0.0]

    def on_progress(done: int, total: int) -> None:
        if time.monotonic() >= next_report[0]:
            _report(batch, progress=min(95, 1 + 94 * done // max(total, 1)))
            next_report[0] = time.monotonic() + PROGRESS_SECONDS

    with batch.file.open("rb") as handle:
        data = handle.read()
    part = import_check.check_file(checker, data, batch.file_name, header_line=batch.mapping["header_line"],
                                   on_progress=on_progress)
    errors = part.errors
    for line, message in importing.find_repeated_numbers(part.numbers).items():
        _add_error(errors, line, message, part.shown)
    for line, message in _already_registered(actor, part.digests).items():
        _add_error(errors, line, message, part.shown)
    outcome = _Outcome()
    outcome.total = part.total
    try:
        with open(part.prepared_path, "rb") as prepared:
            outcome.prepared_path = default_storage.save(f"imports/prepared/batch-{batch.pk}{import_insert.SUFFIX}",
                                                          File(prepared))
    finally:
        os.unlink(part.prepared_path)
    outcome.errors = [errors[line] for line in sorted(errors)]
    return outcome


def _add_error(errors: dict[int, dict], line: int, message: str, shown: dict[int, tuple[str, str]]) -> None:
    """Add ``message`` to the row's error entry (a row that was valid gets one, with its name)."""
    entry = errors.get(line)
    if entry is None:
        name, masked = shown.get(line, ("", ""))
        entry = errors[line] = {"line": line, "name": name, "id": masked, "messages": []}
    if message not in entry["messages"]:
        entry["messages"].append(message)


def _already_registered(actor, digests: dict[str, int]) -> dict[int, str]:
    """{line: message} for rows whose ID number is in the system already. Whether the member is
    within the actor's scope is said; whose number it is, or where it is registered, is not."""
    taken = _registered_digests(list(digests))
    if not taken:
        return {}
    step = 900 if connection.vendor == "sqlite" else 20000  # under SQLite's bound-parameter limit
    visible = set()
    taken_list = sorted(taken)
    for start in range(0, len(taken_list), step):
        visible.update(selectors.member_list_for(actor, include_left=True)
                       .filter(id_number_digest__in=taken_list[start:start + step])
                       .values_list("id_number_digest", flat=True))
    return {digests[digest]: ALREADY_IN_SCOPE if digest in visible else ALREADY_ELSEWHERE for digest in taken}


def _registered_digests(keys: list[str]) -> set[str]:
    """Which of ``keys`` are registered members' digests. On PostgreSQL one query, the keys sent
    as one text that the server cuts up and joins by hashing: a file's 100,000 digests take
    ≈ 0.4 s, where a list parameter took ≈ 0.65 s (the driver adapts it element by element) and
    IN lists of literals ≈ 2 s. Digests are hex, so a comma cannot occur inside one. On SQLite,
    IN lists under its bound-parameter limit, each served by the index."""
    if connection.vendor == "postgresql":
        table, column = (connection.ops.quote_name(name) for name in (Member._meta.db_table, "id_number_digest"))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT member.{column} FROM {table} AS member "  # noqa: S608 - names from _meta
                           f"JOIN unnest(string_to_array(%s, ',')) AS given(digest) ON member.{column} = given.digest",
                           [",".join(keys)])
            return {digest for (digest,) in cursor.fetchall()}
    taken = set()
    for start in range(0, len(keys), 900):
        taken.update(Member.objects.filter(id_number_digest__in=keys[start:start + 900])
                     .values_list("id_number_digest", flat=True))
    return taken


# ---------------------------------------------------------------- commit


def member_import_commit(*, actor, batch: ImportBatch, only_valid_rows: bool = False, request=None) -> ImportBatch:
    """Queue the import of a previewed batch. With any row in error nothing is imported unless
    ``only_valid_rows`` (issue 3, "Bad input")."""
    with transaction.atomic():
        batch = _writable(actor, batch, states=(State.PREVIEWED,), lock=True)
        invalid = batch.total_rows - batch.valid_rows
        if batch.valid_rows == 0:
            raise ValidationError("没有可以导入的有效行，请修改文件后重新上传。")
        if invalid and not only_valid_rows:
            raise ValidationError(f"有{invalid}行存在错误，整批不予导入。请修改文件后重新上传，或选择“只导入有效行”。")
        batch.only_valid_rows = bool(only_valid_rows)
        queue(batch, "排队等待导入……", "only_valid_rows")
    from dangjian.members.tasks import member_import_run

    return enqueued(member_import_run, batch=batch, actor=actor)


def member_import_execute(*, batch_id: int, actor_id: int) -> ImportBatch:
    """Run a queued batch (called by the task): all prepared rows in one transaction, or none.
    The worker holds the batch's lock meanwhile (see ``member_import_recover_interrupted``)."""
    return _as_the_batch_worker(_execute, batch_id=batch_id, actor_id=actor_id)


def _as_the_batch_worker(run, *, batch_id: int, actor_id: int) -> ImportBatch:
    """``run`` the batch's step holding its worker lock; nothing when another live worker holds it."""
    try:
        with worker_locks.held(worker_lock_name(batch_id)):
            return run(batch_id=batch_id, actor_id=actor_id)
    except worker_locks.Busy:
        return ImportBatch.objects.get(pk=batch_id)  # another live worker is on it


def _execute(*, batch_id: int, actor_id: int) -> ImportBatch:
    from django.contrib.auth import get_user_model

    batch = ImportBatch.objects.select_related("organization").get(pk=batch_id)
    if batch.state != State.QUEUED or batch.mapping.get("phase") != PHASE_COMMIT:
        return batch  # already run: a retried task never imports twice
    actor = get_user_model().objects.get(pk=actor_id)
    _report(batch, state=State.RUNNING, progress=2, message="正在核对数据……")
    try:
        services._require_member_organization(actor, batch.organization)
        if not batch.mapping.get("prepared", "").endswith(import_insert.SUFFIX):
            raise ValidationError("该批次是在系统升级前预览的，请重新预览后导入。")
        skip = {entry["line"] for entry in batch.errors}
        _report(batch, progress=10, message="正在写入数据库……")
        try:
            _insert(actor=actor, batch=batch, skip=skip)
        except IntegrityError:
            # A number was registered since the preview (the unique digest refused it): say
            # which rows, and import the others when the user asked for the valid rows only.
            skip |= _refuse_registered_since_preview(actor, batch, skip)
            _insert(actor=actor, batch=batch, skip=skip)
    except (ValidationError, PermissionDenied) as error:
        return _fail(batch, "；".join(getattr(error, "messages", None) or [str(error)]))
    except IntegrityError:
        return _fail(batch, "导入时有身份证号码被他人同时登记，未导入任何数据，请重新预览后导入。")
    except Exception:
        _fail(batch, "导入失败（系统错误），未导入任何数据，请联系系统管理员。")
        raise
    batch.refresh_from_db()
    _delete_prepared(batch)
    return batch


def _refuse_registered_since_preview(actor, batch: ImportBatch, skip: set[int]) -> set[int]:
    """The lines whose ID number someone registered after the preview, added to the batch's
    errors. Raises ValidationError when that refuses the whole batch (it was not "valid rows
    only") or leaves nothing to import. Asked only when the insert met the unique digest: the
    preview checked every number, and asking again for 100,000 of them costs seconds."""
    digests = {digest: line for line, digest in _prepared_index(batch) if line not in skip}
    clashes = _already_registered(actor, digests)
    if not clashes:
        raise IntegrityError("the unique digest refused a row no registered number explains")
    shown = {line: (values[_NAME], values[_MASKED]) for line, values in _prepared_rows(batch) if line in clashes}
    errors = {entry["line"]: entry for entry in batch.errors}
    for line, message in clashes.items():
        _add_error(errors, line, message, shown)
    batch.errors = [errors[line] for line in sorted(errors)]
    batch.valid_rows -= len(clashes)
    if not batch.only_valid_rows:
        raise ValidationError(f"预览之后又有{len(clashes)}个身份证号码被登记，整批不予导入，请重新预览。")
    if all(line in clashes for line in digests.values()):
        raise ValidationError("没有可以导入的有效行。")
    return set(clashes)


def _insert(*, actor, batch: ImportBatch, skip: set[int]) -> int:
    """Members, then their history rows ('+', by ``actor``), then the batch and its audit entry:
    one transaction. The rows go in as prepared and checked at the preview — the values
    services.member_create would save — through ``import_insert``."""
    now = timezone.now()
    template = Member(organization_id=batch.organization_id, import_batch_id=batch.pk, created_at=now)
    with _roomy_page_cache(), transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.state != State.RUNNING:
            raise ValidationError("该批次的状态已变化，未导入。")
        with default_storage.open(batch.mapping["prepared"], "rb") as handle:
            kept = (raw for raw in handle if int(raw.split(b"\t", 1)[0]) not in skip)
            imported = import_insert.insert_prepared(kept, template=template)
        _copy_to_history(batch, history_type="+", actor=actor, at=now)
        skipped = batch.total_rows - imported
        batch.state = State.DONE
        batch.imported_rows = imported
        batch.progress = 100
        batch.message = (f"已导入{imported}名党员" + (f"，{skipped}行有错误未导入。" if skipped else "。"))
        batch.save(update_fields=["state", "imported_rows", "valid_rows", "progress", "message", "errors"])
        audit.record_import(actor=actor, obj=batch, rows=imported, file=batch.file_name,
                            organization=str(batch.organization), skipped=skipped,
                            only_valid_rows=batch.only_valid_rows)
        if connection.vendor == "postgresql":
            from dangjian.members.tasks import member_search_index_tidy_run

            transaction.on_commit(member_search_index_tidy_run.enqueue)
    return imported


def member_search_index_tidy() -> int:
    """Merge the pending entries of the member table's GIN indexes (the name's trigrams) into
    the indexes, as PostgreSQL does when the list grows past its limit or at autovacuum.
    Queued after an import, whose insert lets the list hold the whole batch (``import_insert``):
    until it runs, a name search also reads the pending list. Returns the pages merged."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list(entry.indexrelid::regclass) FROM pg_index AS entry "
                       "JOIN pg_class AS index_class ON index_class.oid = entry.indexrelid "
                       "JOIN pg_am AS method ON method.oid = index_class.relam "
                       "WHERE entry.indrelid = %s::regclass AND method.amname = 'gin'", [Member._meta.db_table])
        return sum(pages for (pages,) in cursor.fetchall())


@contextlib.contextmanager
def _roomy_page_cache():
    """On SQLite, a page cache big enough for the member and history indexes while a batch is
    written or undone. The default (2 MB) holds a sliver of a district's indexes, so each of the
    ~25 index inserts per row rereads pages from the OS. PostgreSQL has shared_buffers."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _copy_to_history(batch: ImportBatch, *, history_type: str, actor, at) -> None:
    """The batch's members as they are now, one history row each ('+' created, '-' removed), by
    ``actor`` — what django-simple-history records on save or delete, written by the database in
    one INSERT … SELECT."""
    historical = Member.history.model
    quote = connection.ops.quote_name
    tracked = [field for field in historical._meta.concrete_fields if not field.attname.startswith("history_")]
    history_date = historical._meta.get_field("history_date").get_db_prep_save(at, connection)
    columns = ", ".join(quote(field.column) for field in tracked)
    sql = (f"INSERT INTO {quote(historical._meta.db_table)} ({columns}, {quote('history_date')}, "  # noqa: S608
           f"{quote('history_change_reason')}, {quote('history_type')}, {quote('history_user_id')}) "
           f"SELECT {columns}, %s, NULL, %s, %s FROM {quote(Member._meta.db_table)} WHERE "
           f"{quote('import_batch_id')} = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [history_date, history_type, actor.pk, batch.pk])


def _prepared_index(batch: ImportBatch) -> Iterator[tuple[int, str]]:
    """(line, ID-number digest) of each prepared row, without decoding the rest."""
    with default_storage.open(batch.mapping["prepared"], "rb") as handle:
        for raw in handle:
            line, digest, _values = raw.split(b"\t", 2)
            yield int(line), digest.decode()


def _prepared_rows(batch: ImportBatch) -> Iterator[tuple[int, list]]:
    """(line, values as text in PREPARED_FIELDS order) of each prepared row (``import_insert``)."""
    with default_storage.open(batch.mapping["prepared"], "rb") as handle:
        for raw in handle:
            line, _digest, values = import_insert.read_line(raw)
            yield line, values


def _delete_prepared(batch: ImportBatch) -> None:
    path = (batch.mapping or {}).get("prepared")
    if path and default_storage.exists(path):
        default_storage.delete(path)


def _report(batch: ImportBatch, **changes) -> None:
    """Progress a polling page can see: saved outside the import's transaction."""
    for name, value in changes.items():
        setattr(batch, name, value)
    batch.save(update_fields=list(changes))


def _fail(batch: ImportBatch, message: str) -> ImportBatch:
    batch.state = State.FAILED
    batch.progress = 0
    batch.imported_rows = 0
    batch.message = f"导入失败：{message}" if not message.startswith("导入失败") else message
    batch.save(update_fields=["state", "progress", "imported_rows", "message", "errors", "valid_rows"])
    return batch


# ---------------------------------------------------------------- the worker's lock


def worker_lock_name(batch_id: int) -> str:
    return f"members.import-batch.{batch_id}"


def _without_interruption(mapping: dict) -> dict:
    return {key: value for key, value in (mapping or {}).items() if key != "interrupted"}


# ---------------------------------------------------------------- undo


def member_import_undo(*, actor, batch: ImportBatch, request=None) -> ImportBatch:
    """Queue the removal of every member a batch created, while none of them has changed since.

    A task, like the commit: on PostgreSQL the database checks each removed row against every
    table that may refer to a member (≈ 25 s for 100,000 rows), too long for a request. The
    batch page shows it running; the roster keeps the members until the removal commits."""
    with transaction.atomic():
        batch = _writable(actor, batch, states=(State.DONE,), lock=True)
        blocker = selectors_import.import_batch_undo_blocker(batch)
        if blocker:
            raise ValidationError(blocker)
        batch.mapping = {**_without_interruption(batch.mapping), "phase": PHASE_UNDO}
        queue(batch, "排队等待撤销……", "mapping")
    from dangjian.members.tasks import member_import_undo_run

    return enqueued(member_import_undo_run, batch=batch, actor=actor)


def member_import_undo_execute(*, batch_id: int, actor_id: int) -> ImportBatch:
    """Remove a batch queued for undo (called by the task), or leave it done with the reason it
    could not be. The worker holds the batch's lock meanwhile, as for the commit."""
    return _as_the_batch_worker(_undo, batch_id=batch_id, actor_id=actor_id)


def _undo(*, batch_id: int, actor_id: int) -> ImportBatch:
    from django.contrib.auth import get_user_model

    batch = ImportBatch.objects.select_related("organization").get(pk=batch_id)
    if batch.state != State.QUEUED or batch.mapping.get("phase") != PHASE_UNDO:
        return batch  # already run
    actor = get_user_model().objects.get(pk=actor_id)
    _report(batch, state=State.RUNNING, progress=10, message="正在撤销……")
    try:
        _remove(actor=actor, batch=batch)
    except (ValidationError, PermissionDenied) as error:
        return _undo_refused(batch, "未能撤销：" + "；".join(getattr(error, "messages", None) or [str(error)]))
    except Exception:
        _undo_refused(batch, "撤销失败（系统错误），没有删除任何数据，请联系系统管理员。")
        raise
    batch.refresh_from_db()
    return batch


def _remove(*, actor, batch: ImportBatch) -> None:
    """Each removal leaves a '-' history row by ``actor`` (written in bulk, as the import wrote
    the '+' rows); the rows go with one DELETE; then the batch and its audit entry — one
    transaction. The actor's right and the blocker are asked again: either may have changed
    since the request."""
    with _roomy_page_cache(), transaction.atomic():
        _writable(actor, batch, states=(State.RUNNING,), lock=True)
        blocker = selectors_import.import_batch_members_changed(batch)
        if blocker:
            raise ValidationError(blocker)
        _copy_to_history(batch, history_type="-", actor=actor, at=timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(Member._meta.db_table)} "  # noqa: S608 - _meta
                           "WHERE import_batch_id = %s", [batch.pk])
        batch.mapping = {**batch.mapping, "phase": PHASE_COMMIT}
        batch.state = State.UNDONE
        batch.progress = 100
        batch.message = f"已撤销：删除了本批次导入的{batch.imported_rows}名党员。"
        batch.save(update_fields=["mapping", "state", "progress", "message"])
        audit.record_import(actor=actor, obj=batch, rows=batch.imported_rows, undone=True,
                            file=batch.file_name, organization=str(batch.organization))


def _undo_refused(batch: ImportBatch, message: str) -> ImportBatch:
    """The batch back to done, its members untouched, with the reason."""
    batch.mapping = {**batch.mapping, "phase": PHASE_COMMIT}
    batch.state = State.DONE
    batch.progress = 100
    batch.message = message
    batch.save(update_fields=["mapping", "state", "progress", "message"])
    return batch


# ---------------------------------------------------------------- shared


def queue(batch: ImportBatch, message: str, *changed: str) -> None:
    """Save ``batch`` waiting for its worker, with ``message`` and the ``changed`` fields (inside
    the caller's transaction, which holds the batch's row lock)."""
    batch.state = State.QUEUED
    batch.progress = 0
    batch.message = message
    batch.save(update_fields=["state", "progress", "message", *changed])


def enqueued(task, *, batch: ImportBatch, actor) -> ImportBatch:
    """Hand the queued ``batch`` to ``task`` and return it as it is now (already run, where
    tasks run at once: the tests, or a deployment without a worker)."""
    task.enqueue(batch_id=batch.pk, actor_id=actor.pk)
    batch.refresh_from_db()
    return batch


def _writable(actor, batch: ImportBatch, *, states, lock: bool = False) -> ImportBatch:
    batches = ImportBatch.objects.select_related("organization")
    if lock:
        batches = batches.select_for_update()
    batch = batches.get(pk=batch.pk)
    if not scoping.can_write(actor, batch):
        raise PermissionDenied("您没有权限办理该导入批次。")
    if batch.state not in states:
        raise ValidationError(f"该批次当前状态为“{batch.get_state_display()}”，不能执行此操作。")
    return batch
