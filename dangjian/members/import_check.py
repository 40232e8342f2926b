"""The preview's check of every row of a roster: read, validate, derive, encrypt — in one
process, or for a large file in several at once.

The check is pure computation once the code tables and the keys are in hand (≈ 200 µs of
Python per row; a district's 100,000 rows are most of the import's time), so on a machine with
more than one core the rows are cut into contiguous slices and the slices after the first are
checked in forked processes while this one checks the first (``DANGJIAN_IMPORT["PROCESSES"]``).
Forking shares the rows and the prepared :class:`RowChecker` without copying them. A large
.xlsx is cut before it is even parsed (:func:`check_file`): each process reads its own part of
the rows, so python-calamine's parse, a third of the work, is shared out as well.

A forked process must not use the database: it would speak on the connection it inherited,
which is the parent's. Everything a slice needs is therefore read before the fork
(:class:`RowChecker`: code tables, sexes, keys), and each child first drops its inherited
connection objects without closing them, so a mistaken query would open a connection of its
own (and, in the tests' in-memory database, fail loudly) instead of corrupting the parent's.
Each slice writes its prepared rows to its own file and returns its findings; the parent joins
them in slice order, so the prepared file keeps the roster's order.
"""

import concurrent.futures
import datetime
import multiprocessing
import operator
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections

from dangjian.core import crypto
from dangjian.core.models import Code, CodeTable
from dangjian.members import import_values, import_workbook, importing
from dangjian.members.import_insert import SUFFIX, prepared_line

PREPARED_FIELDS = import_values.PREPARED_FIELDS


@dataclass
class Part:
    """What checking some rows found; :func:`check_rows` joins the parts of a file."""

    total: int = 0
    errors: dict[int, dict] = field(default_factory=dict)  # line → {"line", "name", "id", "messages"}
    numbers: list[tuple[int, str]] = field(default_factory=list)  # (line, valid ID number) of every row
    digests: dict[str, int] = field(default_factory=dict)  # digest (under every key) → line, accepted rows
    shown: dict[int, tuple[str, str]] = field(default_factory=dict)  # line → (name, masked ID), accepted rows
    prepared_path: str = ""  # a temporary file: one accepted row a line (see services_import)


class RowChecker:
    """Checks rows with everything read beforehand: no query while it runs."""

    def __init__(self, columns: dict[str, int], *, today: datetime.date):
        tables = (CodeTable.ETHNICITY, CodeTable.EDUCATION)
        self.reader = importing.RowReader(columns, today=today, code_tables={
            table: list(Code.objects.of(table)) for table in tables})
        self.preparer = import_values.Preparer(
            sexes={code.code: code for code in Code.objects.of(CodeTable.SEX)}, keyring=crypto.Keyring())
        self.keyring = self.preparer.keyring

    def check(self, rows: list[tuple[int, list]], on_progress: Callable[[int], None] | None = None,
              every: int = 2000) -> Part:
        part = Part()
        values_of = operator.attrgetter(*PREPARED_FIELDS)
        read, prepare, older_indexes = self.reader.read, self.preparer.prepare, self.keyring.older_blind_indexes
        errors, numbers, digests, shown = part.errors, part.numbers, part.digests, part.shown
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=SUFFIX, delete=False) as prepared:
            part.prepared_path = prepared.name
            write = prepared.write
            for line, cells in rows:
                part.total += 1
                if on_progress is not None and part.total % every == 0:
                    on_progress(part.total)
                row = read(line, cells)
                if row.number:
                    numbers.append((line, row.number))
                if row.ok:
                    draft, refusals = prepare(row.fields, row.number)
                    row.errors.extend(refusals)
                if not row.ok:
                    errors[line] = {"line": row.line, "name": row.name, "id": row.shown_number,
                                    "messages": list(row.errors)}
                    continue
                digests[draft.id_number_digest] = line
                for old_digest in older_indexes(row.number):  # rows not yet under the rotated key
                    digests[old_digest] = line
                shown[line] = (draft.name, draft.id_number_masked)
                write(prepared_line(line, draft.id_number_digest, values_of(draft)))
        return part


def processes_for(row_count: int) -> int:
    """How many processes check a file of ``row_count`` rows: one for a small file (forking
    costs more than it saves), else the configured number, at most one per core."""
    if row_count < settings.DANGJIAN_IMPORT["PARALLEL_FROM_ROWS"]:
        return 1
    return _configured_processes()


def _configured_processes() -> int:
    return max(1, min(settings.DANGJIAN_IMPORT["PROCESSES"], os.cpu_count() or 1))


def check_file(checker: RowChecker, data: bytes, file_name: str, *, header_line: int,
               on_progress: Callable[[int, int], None] | None = None) -> Part:
    """Check the data rows of an upload (below ``header_line``, blank rows left out).

    A large .xlsx is cut into one workbook per process (``import_workbook.split_workbook``) and
    each process reads and checks its own: the parse is parallel too. Any other file is read
    here, then its rows are checked in slices (:func:`check_rows`). ``on_progress(done, total)``
    gets estimates from this process's share."""
    processes = _configured_processes()
    cuttable = processes > 1 and importing.is_zipped_workbook(file_name)
    pieces = import_workbook.split_workbook(data, processes) if cuttable else None
    if pieces is None:
        rows = importing.data_rows(importing.open_sheet(data, file_name), header_line)
        total = len(rows)
        return check_rows(checker, rows, processes=processes_for(total),
                          on_progress=(lambda done: on_progress(done, total)) if on_progress else None)

    def first(checker: RowChecker, job) -> Part:
        rows = _piece_rows(job, file_name, header_line)
        estimate = len(rows) * len(pieces)
        return checker.check(rows, (lambda done: on_progress(done, estimate)) if on_progress else None)

    return _in_processes(checker, pieces, first=first,
                         other=lambda checker, piece: checker.check(_piece_rows(piece, file_name, header_line)))


def _piece_rows(piece: bytes, file_name: str, header_line: int) -> list[tuple[int, list]]:
    return importing.data_rows(importing.open_sheet(piece, file_name), header_line)


def check_rows(checker: RowChecker, rows: list[tuple[int, list]], *, processes: int,
               on_progress: Callable[[int], None] | None = None) -> Part:
    """Check ``rows`` in ``processes`` processes (this one included); the parts joined in order.
    ``on_progress`` gets an estimate of the rows checked so far, from this process's slice."""
    if processes <= 1 or len(rows) < processes:
        return check_rows_here(checker, rows, on_progress)
    size = -(-len(rows) // processes)
    slices = [rows[start:start + size] for start in range(0, len(rows), size)]
    scale = len(rows) / max(len(slices[0]), 1)

    def first(checker: RowChecker, rows) -> Part:
        return checker.check(rows, (lambda done: on_progress(int(done * scale))) if on_progress else None)

    return _in_processes(checker, slices, first=first, other=lambda checker, rows: checker.check(rows))


def _in_processes(checker: RowChecker, jobs: list, *, first, other) -> Part:
    """``first(checker, jobs[0])`` here while forked processes run ``other(checker, job)`` for
    the other jobs; their parts joined in the jobs' order."""
    global _FORKED
    _FORKED = (checker, jobs, other)
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=len(jobs) - 1,
                                                    mp_context=multiprocessing.get_context("fork")) as pool:
            others = [pool.submit(_forked_job, index) for index in range(1, len(jobs))]
            parts = []
            try:
                parts.append(first(checker, jobs[0]))
                parts += [future.result() for future in others]
            except BaseException:
                concurrent.futures.wait(others)
                _discard(parts + [future.result() for future in others if not future.exception()])
                raise
    finally:
        _FORKED = None
    return _joined(parts)


def _discard(parts: list[Part]) -> None:
    for part in parts:
        if os.path.exists(part.prepared_path):
            os.unlink(part.prepared_path)


def check_rows_here(checker: RowChecker, rows, on_progress=None) -> Part:
    return _joined([checker.check(rows, on_progress)])


_FORKED: tuple | None = None  # what the forked processes inherit: (checker, jobs, what to do with one)


def _forked_job(index: int) -> Part:
    """Runs in a forked process: one of the jobs the parent prepared."""
    for connection in connections.all(initialized_only=True):
        connection.connection = None  # the parent's: never closed or used here (see the module docstring)
    checker, jobs, other = _FORKED
    return other(checker, jobs[index])


def _joined(parts: list[Part]) -> Part:
    """One part from several: their findings merged, their prepared files concatenated in order."""
    if len(parts) == 1:
        return parts[0]
    joined = Part()
    with tempfile.NamedTemporaryFile("wb", suffix=SUFFIX, delete=False) as prepared:
        joined.prepared_path = prepared.name
        for part in parts:
            joined.total += part.total
            joined.errors.update(part.errors)
            joined.numbers += part.numbers
            joined.digests.update(part.digests)
            joined.shown.update(part.shown)
            with open(part.prepared_path, "rb") as source:
                shutil.copyfileobj(source, prepared)
            os.unlink(part.prepared_path)
    return joined

