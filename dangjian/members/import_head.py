"""The first rows of an .xlsx workbook, read without parsing the rest of it.

The upload only needs the rows above and just below the header (``importing.detect_layout``),
but python-calamine reads a whole worksheet before it gives the first row: ≈ 2 s for a district's
100,000 rows, paid again by the preview, which reads them all. An .xlsx is a zip of XML files in
which each worksheet lists its rows in order (``<row>…</row>`` inside ``<sheetData>``), so the
head of a workbook is the same workbook with each worksheet's XML cut after its first rows and
closed again. python-calamine then reads the head exactly as it reads the whole file: the same
shared strings, styles (dates), line numbers and cell types, in milliseconds.

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
