"""The preview's row check gives the same verdicts and the same prepared rows in one process or
in several (forked) ones, and the forked processes never use the parent's database connection."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.core import crypto
from dangjian.members import import_check, import_insert, import_workbook, importing, services_import
from dangjian.members.models import ImportBatch, Member
from dangjian.members.tests.rosters import csv_bytes, messy_roster

pytestmark = pytest.mark.django_db
CIPHERTEXT = import_check.PREPARED_FIELDS.index("id_number_ciphertext")


def roster_rows(data: bytes, file_name: str = "花名册.xlsx"):
    layout = importing.detect_layout(importing.open_sheet(data, file_name))
    rows = [(line, cells) for line, cells in importing.open_sheet(data, file_name).rows
            if line > layout.header_line and not importing.is_blank(cells)]
    return importing.suggest_columns(layout.headers), rows


def header_line(data: bytes, file_name: str = "花名册.xlsx") -> int:
    return importing.detect_layout(importing.open_sheet(data, file_name)).header_line


def assert_same_findings(part: import_check.Part, alone: import_check.Part) -> None:
    assert part.total == alone.total
    assert part.errors == alone.errors
    assert part.numbers == alone.numbers
    assert part.digests == alone.digests and part.shown == alone.shown
    rows_part, rows_alone = prepared(part), prepared(alone)
    assert rows_part == rows_alone
    assert [row[0] for row in rows_part] == sorted(row[0] for row in rows_part)


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


def test_a_large_file_is_previewed_in_several_processes(city, street_admin, settings, imports_run_now, monkeypatch):
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


@pytest.fixture
def three_cores(settings, monkeypatch):
    settings.DANGJIAN_IMPORT = {"PROCESSES": 3, "PARALLEL_FROM_ROWS": 50}
    monkeypatch.setattr(import_check.os, "cpu_count", lambda: 3)
    monkeypatch.setattr(import_workbook, "SPLIT_FROM_BYTES", 0)  # the test's roster is small
    cut = []
    real_split = import_workbook.split_workbook
    monkeypatch.setattr(import_workbook, "split_workbook",
                        lambda data, parts: cut.append(real_split(data, parts)) or cut[-1])
    return cut


def test_a_large_workbook_is_cut_so_each_process_reads_its_own_rows(city, three_cores):
    roster = messy_roster(200)
    columns, rows = roster_rows(roster.data)
    checker = import_check.RowChecker(columns, today=timezone.localdate())
    alone = import_check.check_rows(checker, rows, processes=1)
    part = import_check.check_file(checker, roster.data, "花名册.xlsx", header_line=header_line(roster.data))
    assert len(three_cores) == 1 and len(three_cores[0]) == 3  # three workbooks, one per process
    # every row's own refusals (numbers repeated in the file are found once the parts are joined)
    assert part.total == 200 and set(part.errors) == {line for line, word in roster.bad_lines.items() if word != "重复"}
    assert_same_findings(part, alone)


def test_a_csv_or_a_small_workbook_is_read_once_and_checked_in_slices(city, three_cores, monkeypatch):
    table = [["姓名", "性别", "民族", "身份证号码", "入党时间"]] + [
        [f"张{index}", "男", "汉族", "x", "1985.07"] for index in range(60)]
    data = csv_bytes(table)
    columns, rows = roster_rows(data, "花名册.csv")
    checker = import_check.RowChecker(columns, today=timezone.localdate())
    alone = import_check.check_rows(checker, rows, processes=1)
    part = import_check.check_file(checker, data, "花名册.csv", header_line=1)
    assert three_cores == []  # a CSV is not cut
    assert part.total == 60 and len(part.errors) == 60
    assert_same_findings(part, alone)
    monkeypatch.setattr(import_workbook, "SPLIT_FROM_BYTES", 10**9)
    roster = messy_roster(80)
    part = import_check.check_file(checker, roster.data, "花名册.xlsx", header_line=header_line(roster.data))
    assert three_cores == [None] and part.total == 80
    prepared(part)


def test_a_failing_part_fails_the_check_and_leaves_no_prepared_file(city, three_cores, tmp_path, monkeypatch):
    monkeypatch.setattr(import_check.tempfile, "tempdir", str(tmp_path))
    roster = messy_roster(90)
    columns, _rows = roster_rows(roster.data)
    checker = import_check.RowChecker(columns, today=timezone.localdate())
    real_check, parent = checker.check, os.getpid()

    def check_failing_in_a_child(rows, on_progress=None):
        if os.getpid() != parent and rows and rows[-1][0] == roster.rows + 3:
            raise RuntimeError("the last part failed")
        return real_check(rows, on_progress)

    checker.check = check_failing_in_a_child
    with pytest.raises(RuntimeError, match="last part"):
        import_check.check_file(checker, roster.data, "花名册.xlsx", header_line=header_line(roster.data))
    assert len(three_cores[0]) == 3
    assert list(tmp_path.iterdir()) == []


def test_a_large_workbook_is_previewed_and_imported_in_parts(city, street_admin, imports_run_now, three_cores):
    roster = messy_roster(200)
    batch = services_import.member_import_upload(actor=street_admin, organization=city.org(city.dahanggong),
                                                 uploaded_file=SimpleUploadedFile("花名册.xlsx", roster.data))
    batch = services_import.member_import_preview(actor=street_admin, batch=batch, columns=batch.mapping["columns"])
    assert len(three_cores) == 1 and len(three_cores[0]) == 3
    assert {entry["line"] for entry in batch.errors} == set(roster.bad_lines)
    batch = services_import.member_import_commit(actor=street_admin, batch=batch, only_valid_rows=True)
    assert batch.state == ImportBatch.State.DONE and batch.imported_rows == roster.valid_rows
    imported = Member.objects.filter(import_batch=batch).order_by("pk")
    assert [member.name for member in imported] == [person["name"] for person in roster.good]


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
