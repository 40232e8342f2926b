"""The preview's row check gives the same verdicts and the same prepared rows in one process or
in several (forked) ones, and the forked processes never use the parent's database connection."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.core import crypto
from dangjian.members import import_check, import_insert, importing, services_import
from dangjian.members.models import ImportBatch, Member
from dangjian.members.tests.rosters import messy_roster

pytestmark = pytest.mark.django_db
CIPHERTEXT = import_check.PREPARED_FIELDS.index("id_number_ciphertext")


def roster_rows(data: bytes):
    layout = importing.detect_layout(importing.open_sheet(data, "花名册.xlsx"))
    rows = [(line, cells) for line, cells in importing.open_sheet(data, "花名册.xlsx").rows
            if line > layout.header_line and not importing.is_blank(cells)]
    return importing.suggest_columns(layout.headers), rows


def prepared(part: import_check.Part) -> list[list]:
    """The prepared rows with each ciphertext decrypted (its nonce is random by design)."""
    with open(part.prepared_path, "rb") as handle:
        lines = [import_insert.read_line(raw) for raw in handle]
    os.unlink(part.prepared_path)
    rows = []
    for line, digest, values in lines:
        values[CIPHERTEXT] = crypto.decrypt(values[CIPHERTEXT])
        rows.append([line, digest, *values])
    return rows


def test_several_processes_find_what_one_finds_and_keep_the_roster_order(city):
    columns, rows = roster_rows(messy_roster(200).data)
    checker = import_check.RowChecker(columns, today=timezone.localdate())
    alone = import_check.check_rows(checker, rows, processes=1)
    forked = import_check.check_rows(checker, rows, processes=3)
    assert forked.total == alone.total == 200
    assert forked.errors == alone.errors and len(alone.errors) >= 4  # the messy roster's refusals
    assert forked.numbers == alone.numbers
    assert forked.digests == alone.digests and forked.shown == alone.shown
    rows_alone, rows_forked = prepared(alone), prepared(forked)
    assert rows_forked == rows_alone
    assert [row[0] for row in rows_forked] == sorted(row[0] for row in rows_forked)


def test_a_forked_check_drops_the_inherited_connection_and_the_parent_keeps_it(city):
    from django.db import connection

    columns, rows = roster_rows(messy_roster(40).data)
    checker = import_check.RowChecker(columns, today=timezone.localdate())
    real_check = checker.check

    def check_noting_the_connection(slice_rows, on_progress=None):
        part = real_check(slice_rows, on_progress)
        part.shown[-1] = ("inherited connection dropped", str(connection.connection is None))
        return part

    checker.check = check_noting_the_connection
    part = import_check.check_rows(checker, rows, processes=2)
    prepared(part)
    # the child saw no connection object (a query there would open its own), this process still has its own
    assert part.shown[-1] == ("inherited connection dropped", "True")
    assert connection.connection is not None
    assert Member.objects.count() >= 0 and not ImportBatch.objects.exists()


def test_a_large_file_is_previewed_in_several_processes(city, street_admin, settings, tmp_path, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path)
    settings.DANGJIAN_IMPORT = {"PROCESSES": 2, "PARALLEL_FROM_ROWS": 50}
    monkeypatch.setattr(import_check.os, "cpu_count", lambda: 2)
    used = []
    real = import_check.check_rows
    monkeypatch.setattr(import_check, "check_rows",
                        lambda checker, rows, *, processes, on_progress=None: used.append(processes) or real(
                            checker, rows, processes=processes, on_progress=on_progress))
    roster = messy_roster(200)
    batch = services_import.member_import_upload(actor=street_admin, organization=city.org(city.dahanggong),
                                                 uploaded_file=SimpleUploadedFile("花名册.xlsx", roster.data))
    batch = services_import.member_import_preview(actor=street_admin, batch=batch, columns=batch.mapping["columns"])
    assert used == [2]
    assert {entry["line"] for entry in batch.errors} == set(roster.bad_lines)
    batch = services_import.member_import_commit(actor=street_admin, batch=batch, only_valid_rows=True)
    assert batch.state == ImportBatch.State.DONE and batch.imported_rows == roster.valid_rows
    assert Member.objects.filter(import_batch=batch).count() == roster.valid_rows


def test_small_files_are_checked_in_this_process(settings, monkeypatch):
    settings.DANGJIAN_IMPORT = {"PROCESSES": 4, "PARALLEL_FROM_ROWS": 5000}
    monkeypatch.setattr(import_check.os, "cpu_count", lambda: 2)
    assert import_check.processes_for(4999) == 1
    assert import_check.processes_for(5000) == 2  # never more than one per core
    settings.DANGJIAN_IMPORT = {"PROCESSES": 1, "PARALLEL_FROM_ROWS": 5000}
    assert import_check.processes_for(100_000) == 1


def test_a_failing_slice_fails_the_check_and_leaves_no_prepared_file(city, tmp_path, monkeypatch):
    monkeypatch.setattr(import_check.tempfile, "tempdir", str(tmp_path))
    columns, rows = roster_rows(messy_roster(40).data)
    checker = import_check.RowChecker(columns, today=timezone.localdate())
    real_check, parent = checker.check, os.getpid()

    def check_failing_in_the_child(slice_rows, on_progress=None):
        if os.getpid() != parent:
            raise RuntimeError("the child's slice failed")
        return real_check(slice_rows, on_progress)

    checker.check = check_failing_in_the_child
    with pytest.raises(RuntimeError, match="child's slice"):
        import_check.check_rows(checker, rows, processes=2)
    assert list(tmp_path.iterdir()) == []
