"""Cutting an .xlsx workbook before python-calamine reads it: its first rows alone (the upload),
or its rows in consecutive parts, each a workbook of its own (the preview's processes).

The upload only needs the rows above and just below the header (``importing.detect_layout``),
but python-calamine reads a whole worksheet before it gives the first row: ≈ 2 s for a district's
100,000 rows, paid again by the preview, which reads them all. An .xlsx is a zip of XML files in
which each worksheet lists its rows in order (``<row>…</row>`` inside ``<sheetData>``), so the
head of a workbook is the same workbook with each worksheet's XML cut after its first rows and
closed again. python-calamine then reads the head exactly as it reads the whole file: the same
shared strings, styles (dates), line numbers and cell types, in milliseconds.

The preview checks a large roster in several processes (``import_check``). Parsing is a third of
its time and python-calamine parses a worksheet in one piece, so the rows are cut into as many
parts as there are processes, each part a workbook with the same shared strings and styles, and
each process reads its own part. Rows keep their numbers: a part is only made of rows that carry
them (``<row r="…">``), as every spreadsheet program writes them.

Anything unexpected — not a zip, a worksheet whose elements carry a namespace prefix, rows not
found in the first megabytes — gives ``None``, and the caller reads the whole file as before.
Text inside a cell cannot contain the ``</row>`` it cuts at: XML escapes "<" in content.
"""

import io
import zipfile

WORKSHEETS = "xl/worksheets/"
ROW_END = b"</row>"
READ_BYTES = 64 * 1024
MAX_HEAD_BYTES = 16 * 1024 * 1024  # rows this long are not a roster's; read the whole file instead


def head_of_workbook(data: bytes, rows: int) -> bytes | None:
    """``data`` (an .xlsx) with each worksheet cut after its first ``rows`` rows, as an .xlsx;
    ``None`` when it cannot be cut this way."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        sheets = [member for member in members
                  if member.filename.startswith(WORKSHEETS) and member.filename.endswith(".xml")]
        if not sheets:
            return None
        heads = {}
        for member in sheets:
            head = _worksheet_head(archive, member, rows)
            if head is None:
                return None
            heads[member.filename] = head
        cut = io.BytesIO()
        with zipfile.ZipFile(cut, "w", zipfile.ZIP_STORED) as written:
            for member in members:
                written.writestr(member.filename, heads.get(member.filename) or archive.read(member))
        return cut.getvalue()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None


SPLIT_FROM_BYTES = 4 * 1024 * 1024  # a worksheet smaller than this (≈ 5,000 rows) is read in one piece
_SHEET_DATA = b"<sheetData>"
_SHEET_DATA_END = b"</sheetData>"
_CLOSING = b"</sheetData></worksheet>"


def split_workbook(data: bytes, parts: int) -> list[bytes] | None:
    """``data`` (an .xlsx) as ``parts`` workbooks, the i-th holding the i-th run of every
    worksheet's rows; ``None`` when it is too small to be worth it or cannot be cut this way."""
    if parts < 2:
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        sheets = [member for member in members
                  if member.filename.startswith(WORKSHEETS) and member.filename.endswith(".xml")]
        if not sheets or max(member.file_size for member in sheets) < SPLIT_FROM_BYTES:
            return None
        pieces = {}
        for member in sheets:
            pieces[member.filename] = _worksheet_parts(archive.read(member), parts)
            if pieces[member.filename] is None:
                return None
        others = {member.filename: archive.read(member) for member in members if member.filename not in pieces}
        workbooks = []
        for index in range(parts):
            written = io.BytesIO()
            with zipfile.ZipFile(written, "w", zipfile.ZIP_STORED) as workbook:
                for member in members:
                    content = pieces[member.filename][index] if member.filename in pieces else others[member.filename]
                    workbook.writestr(member.filename, content)
            workbooks.append(written.getvalue())
        return workbooks
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None


def _worksheet_parts(xml: bytes, parts: int) -> list[bytes] | None:
    """The worksheet as ``parts`` worksheets: the same elements before its rows, then a
    consecutive run of its rows each (a short one, or none, for a short worksheet)."""
    start = xml.find(_SHEET_DATA)
    end = xml.rfind(_SHEET_DATA_END)
    if start == -1 or end == -1 or b"<worksheet" not in xml[:start]:
        return None  # no rows, an empty <sheetData/>, or prefixed elements: not cut
    start += len(_SHEET_DATA)
    prefix = xml[:start]
    bounds = [start]
    for index in range(1, parts):
        target = max(start + (end - start) * index // parts, bounds[-1])
        found = xml.find(ROW_END, target, end)
        bounds.append(found + len(ROW_END) if found != -1 else end)
    bounds.append(end)
    pieces = []
    for index in range(parts):
        body = xml[bounds[index]:bounds[index + 1]]
        if index and body and not _numbered(body):
            return None
        pieces.append(prefix + body + _CLOSING)
    return pieces


def _numbered(body: bytes) -> bool:
    """Whether a run of rows starts with a row that says its number (``<row r="12" …>``)."""
    body = body.lstrip()
    return body.startswith(b"<row") and b' r="' in body[:body.find(b">")]


def _worksheet_head(archive: zipfile.ZipFile, member: zipfile.ZipInfo, rows: int) -> bytes | None:
    """The worksheet's XML up to the end of its ``rows``-th row, closed; the whole XML when it
    is shorter; ``None`` when its rows cannot be found as plain ``<row>`` elements."""
    head = bytearray()
    ends = 0
    position = 0  # where the search for the next row's end goes on
    with archive.open(member) as stream:
        while True:
            while ends < rows and (found := head.find(ROW_END, position)) != -1:
                ends += 1
                position = found + len(ROW_END)
            if ends == rows:
                break
            position = max(position, len(head) - len(ROW_END) + 1)  # a marker may straddle two reads
            if len(head) > MAX_HEAD_BYTES:
                return None
            chunk = stream.read(READ_BYTES)
            if not chunk:
                return bytes(head)  # the whole worksheet is shorter than the head
            head += chunk
    if b"<worksheet" not in head or b"<sheetData" not in head:
        return None  # prefixed elements (x:worksheet …) or no rows where rows belong
    return bytes(head[:position]) + b"</sheetData></worksheet>"
