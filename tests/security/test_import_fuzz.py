"""Hostile spreadsheets through the member importer: no crash, a Chinese reason, nothing written.

Hypothesis builds workbooks and CSV files of wrong types, huge cells, formulas, control
characters, broken encodings and odd shapes; fixed cases add what a generator rarely reaches
(ten thousand columns, an empty file, random bytes or a PDF named .xlsx, GBK and invalid UTF-8
CSV, a cell beyond the csv module's field limit). Each file goes upload → column mapping →
row check (the task, run at once) and, where rows are in error, a commit that must refuse.
Upload and check must end in a batch or a Chinese ValidationError, and no member is written.
"""

import io
import re

import openpyxl
import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from dangjian.members import importing, services_import
from dangjian.members.models import ImportBatch, Member
from dangjian.members.tests.rosters import HEADERS, clean_row, person, workbook_bytes

pytestmark = pytest.mark.usefixtures("module_city")
State = ImportBatch.State
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _tasks_run_now_and_files_in_tmp(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def importer(street_admin, city):
    """``importer(data, name)`` runs the whole import of one file and checks what it may do."""
    branch = city.org(city.dahanggong)

    def run(data: bytes, name: str) -> ImportBatch | None:
        members, batches = Member.objects.count(), ImportBatch.objects.count()
        try:
            batch = services_import.member_import_upload(actor=street_admin, organization=branch,
                                                         uploaded_file=SimpleUploadedFile(name, data))
        except ValidationError as refusal:
            _assert_chinese(refusal.messages)
            assert (Member.objects.count(), ImportBatch.objects.count()) == (members, batches)
            return None
        assert ImportBatch.objects.count() == batches + 1  # the stored upload, no member
        columns = dict(batch.mapping["columns"])
        for position, key in enumerate(importing.REQUIRED_KEYS):  # map what the headers did not name
            if key not in columns and position not in columns.values() and position < len(batch.mapping["headers"]):
                columns[key] = position
        try:
            batch = services_import.member_import_preview(actor=street_admin, batch=batch, columns=columns)
        except ValidationError as refusal:
            _assert_chinese(refusal.messages)
            assert Member.objects.count() == members
            return batch
        batch.refresh_from_db()
        assert batch.state in (State.PREVIEWED, State.FAILED), (batch.state, batch.message)
        _assert_chinese([batch.message])
        for entry in batch.errors:
            _assert_chinese(entry["messages"])
        if batch.state == State.PREVIEWED and batch.valid_rows < batch.total_rows:
            with pytest.raises(ValidationError) as refusal:  # one bad row: the whole batch waits
                services_import.member_import_commit(actor=street_admin, batch=batch)
            _assert_chinese(refusal.value.messages)
        assert Member.objects.count() == members
        return batch

    return run


def _assert_chinese(messages) -> None:
    assert messages and all(CHINESE.search(str(message)) for message in messages), messages


# ---------------------------------------------------------------- generated files

FORMULAS = ["=1/0", "=SUM(A1:A3)", '=HYPERLINK("http://example.invalid","点我")', "=cmd|' /C calc'!A0",
            "@SUM(1+1)", "+1+1", "-2+3", '=IMPORTXML("http://example.invalid","//a")', "=A1"]
WORDS = ["汉族", "男", "女", "正式党员", "预备党员", "在职", "大学本科", "1985.07", "1985年7月", "19850701",
         "3.20102E+17", "NaN", "inf", "-0", "null", "<script>alert(1)</script>", "1900-02-29", "9999-12-31"]
printable = st.text(max_size=40).map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text))
cells = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False), st.dates(), printable, st.sampled_from(WORDS),
    st.sampled_from(FORMULAS), st.integers(min_value=1, max_value=32_767).map(lambda size: "党" * size),
)
labels = st.sampled_from([alias for item in importing.FIELDS for alias in item.aliases])
headers = st.lists(st.one_of(labels, printable), min_size=1, max_size=16)


@st.composite
def sheets(draw) -> list[list]:
    header = draw(headers)
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + 3), max_size=8))
    if draw(st.booleans()):  # a valid member among the junk: the batch must still refuse as a whole
        rows.append(clean_row(person(draw(st.integers(min_value=0, max_value=500)))))
    title = draw(st.lists(printable, max_size=2))
    return [title, *[header], *rows] if title else [header, *rows]


def xlsx_with_openpyxl(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_encoded(rows: list[list], encoding: str, corrupt: bytes) -> bytes:
    text = "\n".join(",".join("" if value is None else str(value) for value in row) for row in rows)
    return text.encode(encoding, errors="replace") + corrupt


@settings(max_examples=30, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(rows=sheets(), form=st.sampled_from(["xlsx", "csv-utf-8-sig", "csv-gb18030", "csv-utf-16", "csv-latin-1"]),
       corrupt=st.sampled_from([b"", b"\xff\xfe\x00", b"\x80\x81\x82", b"\x00\x00"]))
def test_generated_rosters_never_crash_and_write_nothing(importer, rows, form, corrupt):
    if form == "xlsx":
        importer(xlsx_with_openpyxl(rows), "花名册.xlsx")
    else:
        importer(csv_encoded(rows, form.removeprefix("csv-"), corrupt), "花名册.csv")


# ---------------------------------------------------------------- files a generator rarely makes


def _wide_workbook(columns: int) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, [*HEADERS, *(f"列{index}" for index in range(columns - len(HEADERS)))])
    sheet.write_row(1, 0, [*clean_row(person(1))[:-1], "备注", *("x" * 10 for _ in range(columns - len(HEADERS)))])
    workbook.close()
    return buffer.getvalue()


HOSTILE_FILES = {
    "empty .xlsx": (b"", "花名册.xlsx"),
    "empty .csv": (b"", "花名册.csv"),
    "only a BOM": (b"\xef\xbb\xbf", "花名册.csv"),
    "random bytes named .xlsx": (bytes(range(256)) * 40, "花名册.xlsx"),
    "a PDF named .xlsx": (b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", "花名册.xlsx"),
    "a zip that is no workbook": (b"PK\x03\x04" + b"\x00" * 200, "花名册.xlsx"),
    "an .xlsx named .xls": (workbook_bytes([HEADERS, clean_row(person(2))]), "花名册.xls"),
    "a CSV named .xlsx": ("姓名,民族\n张三,汉族\n".encode(), "花名册.xlsx"),
    "an executable name": (b"MZ\x90\x00", "花名册.exe"),
    "no extension": (b"abc", "花名册"),
    "GBK CSV": (",".join(HEADERS).encode("gbk") + b"\n" + ",".join(map(str, clean_row(person(3)))).encode("gbk"),
                "花名册.csv"),
    "invalid UTF-8 and GBK": (b"\xff\xfe\xfd\xfc" * 100, "花名册.csv"),
    "UTF-8 with BOM, header only": (("\ufeff" + ",".join(HEADERS)).encode(), "花名册.csv"),
    "NUL bytes in a CSV": (b"\xe5\xa7\x93\xe5\x90\x8d,\x00\x00\n\x00,\x00\n", "花名册.csv"),
    "a cell beyond the csv field limit": (("姓名,民族\n" + "党" * 200_000 + ",汉族\n").encode(), "花名册.csv"),
    "an unterminated quote": (('姓名,民族\n"张三,汉族\n' + "x" * 1000).encode(), "花名册.csv"),
    "only separators": (b",,,,\n;;;;\n\t\t\t\n", "花名册.csv"),
    "ten thousand columns": (None, "花名册.xlsx"),
}


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_hostile_files_are_refused_in_chinese_or_checked_row_by_row(importer, case):
    data, name = HOSTILE_FILES[case]
    if data is None:
        data = _wide_workbook(10_000)
    importer(data, name)
