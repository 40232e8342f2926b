"""The upload reads only the head of a large workbook (import_workbook): it must read exactly what the
whole file says in those rows — header line, headers, samples, dates, shared strings — and fall
back to the whole file whenever it cannot cut one."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.members import import_workbook, importing
from dangjian.members.tests.rosters import workbook_bytes

HEADERS = ["序号", "姓名", "性别", "身份证号码", "入党时间", "联系电话"]


def _rows(count: int, blank_every: int = 0) -> list[list]:
    rows = [HEADERS]
    for index in range(count):
        if blank_every and index % blank_every == blank_every - 1:
            rows.append([""] * len(HEADERS))
            continue
        rows.append([index + 1, f"张{index}·阿依", "女", f"32010219800101{index % 1000:03d}X", "1985.07",
                     13800000000 + index])
    return rows


def _openpyxl_bytes(rows: list[list], *, title: str | None = None) -> bytes:
    """Written the way Excel writes: every text in the shared strings table, real dates."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
    sheet.append([datetime.date(1985, 7, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _worksheet_bytes(data: bytes) -> int:
    return sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist()
               if member.filename.startswith("xl/worksheets/"))


def _head_rows(data: bytes, rows: int) -> list:
    return list(importing.open_sheet(import_workbook.head_of_workbook(data, rows), "r.xlsx").rows)


def _whole_rows(data: bytes) -> list:
    return list(importing.open_sheet(data, "r.xlsx").rows)


@pytest.mark.parametrize("write", [
    lambda rows: workbook_bytes(rows, title="某社区党员花名册", date_cells={(3, 4): datetime.date(1985, 7, 1)}),
    lambda rows: _openpyxl_bytes(rows, title="某社区党员花名册"),
], ids=["xlsxwriter", "openpyxl-shared-strings"])
def test_the_head_reads_as_the_whole_workbook_reads_its_first_rows(write):
    data = write(_rows(300, blank_every=7))
    head = import_workbook.head_of_workbook(data, importing.HEAD_ROWS)
    assert _worksheet_bytes(head) < _worksheet_bytes(data) / 5
    whole = _whole_rows(data)
    cut = _head_rows(data, importing.HEAD_ROWS)
    assert importing.HEAD_ROWS <= len(cut) < len(whole)
    assert cut == whole[:len(cut)]
    assert (importing.detect_layout(importing.open_head(data, "r.xlsx", rows=importing.HEAD_ROWS))
            == importing.detect_layout(importing.open_sheet(data, "r.xlsx")))


@settings(max_examples=25, deadline=None)
@given(count=st.integers(min_value=0, max_value=60), rows=st.integers(min_value=1, max_value=40),
       blank_every=st.sampled_from([0, 2, 5]), read_bytes=st.sampled_from([5, 6, 7, 64, 4096]))
def test_any_cut_of_any_roster_keeps_its_first_rows(count, rows, blank_every, read_bytes):
    # tiny reads put the row markers across the reads' boundaries
    data = workbook_bytes(_rows(count, blank_every=blank_every))
    original = import_workbook.READ_BYTES
    import_workbook.READ_BYTES = read_bytes
    try:
        cut = _head_rows(data, rows)
    finally:
        import_workbook.READ_BYTES = original
    whole = _whole_rows(data)
    assert cut == whole[:len(cut)]
    assert len(cut) >= min(rows, len(whole))


def test_a_workbook_shorter_than_the_head_is_read_whole():
    data = workbook_bytes(_rows(3))
    assert _head_rows(data, importing.HEAD_ROWS) == _whole_rows(data)


def _with_worksheets_rewritten(data: bytes, rewrite) -> bytes:
    """The same workbook with ``rewrite(text)`` applied to each worksheet's XML."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as written:
        for member in source.infolist():
            content = source.read(member)
            if member.filename.startswith("xl/worksheets/"):
                content = rewrite(content.decode()).encode()
            written.writestr(member, content)
    return out.getvalue()


def _with_prefixed_worksheet(data: bytes) -> bytes:
    """The worksheet's elements written with a namespace prefix, as some generators do
    (x:worksheet, x:row …)."""
    def prefixed(text: str) -> str:
        text = text.replace('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                            'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
        for name in ("worksheet", "dimension", "sheetViews", "sheetView", "selection", "sheetFormatPr",
                     "sheetData", "row", "c", "v", "is", "t", "pageMargins", "cols", "col"):
            text = text.replace(f"<{name} ", f"<x:{name} ").replace(f"<{name}>", f"<x:{name}>")
            text = text.replace(f"</{name}>", f"</x:{name}>").replace(f"<{name}/>", f"<x:{name}/>")
        return text

    return _with_worksheets_rewritten(data, prefixed)


def test_what_cannot_be_cut_is_read_whole(monkeypatch):
    assert import_workbook.head_of_workbook(b"not a zip at all", 10) is None
    assert import_workbook.head_of_workbook(_zip_without_worksheets(), 10) is None
    # rows written as x:row are not found: the whole worksheet is kept, and reads as the whole
    prefixed = _with_prefixed_worksheet(workbook_bytes(_rows(100), title="某社区党员花名册"))
    assert _worksheet_bytes(import_workbook.head_of_workbook(prefixed, importing.HEAD_ROWS)) == _worksheet_bytes(prefixed)
    layout = importing.detect_layout(importing.open_head(prefixed, "r.xlsx", rows=importing.HEAD_ROWS))
    assert layout.header_line == 3 and layout.headers == HEADERS and len(layout.samples) == 5
    # …unless it is too large to be kept in memory for a head: then the file is opened whole
    monkeypatch.setattr(import_workbook, "MAX_HEAD_BYTES", 1000)
    assert import_workbook.head_of_workbook(prefixed, importing.HEAD_ROWS) is None
    layout = importing.detect_layout(importing.open_head(prefixed, "r.xlsx", rows=importing.HEAD_ROWS))
    assert layout.header_line == 3 and layout.headers == HEADERS


def _zip_without_worksheets() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as written:
        written.writestr("readme.txt", "hello")
    return out.getvalue()


def test_a_damaged_file_is_still_refused_with_the_whole_files_reason():
    data = workbook_bytes(_rows(100))
    with pytest.raises(importing.UnreadableFile, match="无法读取该文件"):
        importing.open_head(data[: len(data) // 2], "r.xlsx", rows=importing.HEAD_ROWS)
    with pytest.raises(importing.UnreadableFile, match="只能导入"):
        importing.open_head(data, "r.pdf", rows=importing.HEAD_ROWS)


# ---------------------------------------------------------------- parts, for the preview's processes


@pytest.mark.parametrize("write", [
    lambda rows: workbook_bytes(rows, title="某社区党员花名册", date_cells={(3, 4): datetime.date(1985, 7, 1)}),
    lambda rows: _openpyxl_bytes(rows, title="某社区党员花名册"),
], ids=["xlsxwriter", "openpyxl-shared-strings"])
@pytest.mark.parametrize("parts", [2, 3, 7])
def test_the_parts_of_a_workbook_hold_its_rows_in_order_with_their_line_numbers(write, parts, monkeypatch):
    monkeypatch.setattr(import_workbook, "SPLIT_FROM_BYTES", 0)
    data = write(_rows(300, blank_every=7))
    pieces = import_workbook.split_workbook(data, parts)
    assert len(pieces) == parts
    read = [[(line, cells) for line, cells in importing.open_sheet(piece, "r.xlsx").rows
             if not importing.is_blank(cells)] for piece in pieces]
    assert all(read)  # every part holds rows
    whole = [(line, cells) for line, cells in _whole_rows(data) if not importing.is_blank(cells)]
    # the same cells on the same lines; only the width of a part may differ (trailing blanks)
    joined = [(line, _trimmed(cells)) for part in read for line, cells in part]
    assert joined == [(line, _trimmed(cells)) for line, cells in whole]


def _trimmed(cells: list) -> list:
    cells = list(cells)
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def test_a_small_or_uncuttable_workbook_is_not_split(monkeypatch):
    data = workbook_bytes(_rows(50))
    assert import_workbook.split_workbook(data, 2) is None  # under SPLIT_FROM_BYTES
    monkeypatch.setattr(import_workbook, "SPLIT_FROM_BYTES", 0)
    assert import_workbook.split_workbook(data, 1) is None
    assert import_workbook.split_workbook(b"not a zip", 2) is None
    assert import_workbook.split_workbook(_with_prefixed_worksheet(data), 2) is None
    assert import_workbook.split_workbook(_without_row_numbers(data), 2) is None


def _without_row_numbers(data: bytes) -> bytes:
    """Rows that do not say their number (allowed by the format: they follow each other)."""
    return _with_worksheets_rewritten(data, lambda text: re.sub(r'<row r="\d+"', "<row", text))
