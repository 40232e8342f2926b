"""An import's prepared rows: the file the preview writes, and writing it into the member table
inside the commit's transaction.

A prepared file (``import_check``) holds one accepted row a line: its line number, its ID digest,
then its values in ``PREPARED_FIELDS`` order, separated by tabs — each value as PostgreSQL's
``COPY`` text format writes it (``\\N`` for null; backslash, tab, newline and carriage return
escaped with a backslash). So on PostgreSQL the lines go straight into the member table with
``COPY``: each line's values after the columns every row of the batch shares (organization,
batch, time, defaults), with no staging table and nothing decoded in Python or in SQL. On SQLite
the values are split and unescaped here and inserted with one ``executemany`` per chunk (SQLite
casts the integers' text by the columns' affinity; dates are ISO text, as Django stores them).
Rows keep the roster's order, so members get their ids in the order of the file.
"""

import datetime
import itertools
import re
from collections.abc import Iterable

from django.db import connection

from dangjian.members.import_values import PREPARED_FIELDS
from dangjian.members.models import Member

SUFFIX = ".copy"  # the prepared files of this format (an older format is refused: preview again)
SQLITE_CHUNK = 5000
COPY_BLOCK_LINES = 2000
GIN_PENDING_LIST_KB = 256 * 1024  # more than a 100,000-row batch's trigram entries
NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_ESCAPED = re.compile(r"\\(.)")
_UNESCAPED = {"t": "\t", "n": "\n", "r": "\r"}


# ---------------------------------------------------------------- the format


def prepared_line(line: int, digest: str, values: list) -> str:
    """One row of a prepared file; ``values`` in PREPARED_FIELDS order (text, integers, dates, None).

    Written for 100,000 rows at a time: the texts are looked at together for anything to escape
    (nearly never), and the values written out without a call each when there is nothing."""
    texts = "".join([value for value in values if value.__class__ is str])
    if "\\" in texts or "\t" in texts or "\n" in texts or "\r" in texts:
        body = "\t".join([copy_text(value) for value in values])
    else:
        body = "\t".join([value if value.__class__ is str else NULL if value is None else copy_text(value)
                          for value in values])
    return f"{line}\t{digest}\t{body}\n"


def copy_text(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, str):
        # str.translate with a mapping costs microseconds; nearly no value needs it
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_ESCAPES)
        return value
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):  # datetimes too (isoformat keeps the offset)
        return value.isoformat()
    return str(value)


def _unescaped(text: str) -> str:
    return _ESCAPED.sub(lambda match: _UNESCAPED.get(match.group(1), match.group(1)), text)


def read_line(raw: bytes) -> tuple[int, str, list[str | None]]:
    """(line, digest, values as text in PREPARED_FIELDS order) of one prepared line."""
    line, digest, *values = raw.decode().rstrip("\n").split("\t")
    return int(line), digest, read_values(values)


def read_values(values: list[str]) -> list[str | None]:
    """Each value as text, None for null. Written as one expression, without a call per value:
    a district's roster has 1,700,000 of them."""
    return [None if value == NULL else _unescaped(value) if "\\" in value else value for value in values]


# ---------------------------------------------------------------- the insert


def insert_prepared(lines: Iterable[bytes], *, template: Member) -> int:
    """Insert the prepared ``lines`` (as read from the file) as members; the columns that are
    not prepared take ``template``'s values. Returns how many were inserted."""
    quote = connection.ops.quote_name
    by_name = {field.attname: field for field in Member._meta.concrete_fields}
    shared = [field for field in Member._meta.concrete_fields
              if field.attname != "id" and field.attname not in PREPARED_FIELDS]
    columns = ", ".join(quote(field.column) for field in shared + [by_name[name] for name in PREPARED_FIELDS])
    shared_values = [field.get_db_prep_save(getattr(template, field.attname), connection) for field in shared]
    table = quote(Member._meta.db_table)
    inserted = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The name's trigram index (GIN) takes new entries into its pending list and merges
            # the list into the index each time it passes gin_pending_list_limit (4 MB: a dozen
            # times for 100,000 names, ≈ 1 s). For this transaction the list may hold the whole
            # batch; services_import has it merged after the commit, in the background.
            cursor.execute(f"SET LOCAL gin_pending_list_limit = {GIN_PENDING_LIST_KB}")
            prefix = "".join(copy_text(value) + "\t" for value in shared_values).encode()
            # the raw driver's COPY: its errors (a digest registered since the preview) are
            # Django's IntegrityError like any other statement's
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for block in _chunks(lines, COPY_BLOCK_LINES):  # one message per block, not per line
                    copy.write(b"".join([prefix + raw.split(b"\t", 2)[2] for raw in block]))
                    inserted += len(block)
            return inserted
        placeholders = ", ".join(["%s"] * (len(shared) + len(PREPARED_FIELDS)))
        for chunk in _chunks(lines, SQLITE_CHUNK):
            rows = [shared_values + read_values(raw.decode().rstrip("\n").split("\t")[2:]) for raw in chunk]
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608
            inserted += len(rows)
    return inserted


def _chunks(lines: Iterable[bytes], size: int):
    """``lines`` in lists of ``size``, the last one shorter (``itertools.batched`` from Python 3.12)."""
    iterator = iter(lines)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
