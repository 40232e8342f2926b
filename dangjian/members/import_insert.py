"""Writing an import's prepared rows into the member table, inside the caller's transaction.

A prepared file (``import_check``) holds one accepted row a line: its line number, its ID
digest and its values as a JSON array in ``PREPARED_FIELDS`` order, separated by tabs. The lines
go into a temporary table as they are — the JSON text untouched: ``COPY`` on PostgreSQL,
``executemany`` of three values on SQLite — and the database takes the values out of the JSON
as it inserts them into the member table (``INSERT … SELECT``), with the columns every row of
the batch shares (organization, batch, time, defaults). Decoding 100,000 JSON arrays and
adapting 2 million values in Python had been most of this process's part of the commit; the
database's JSON functions do it in C. Rows keep the roster's order (``ORDER BY line``), so
members get their ids in the order of the file.
"""

import itertools
from collections.abc import Iterable

from django.db import connection, models

from dangjian.members.import_values import PREPARED_FIELDS
from dangjian.members.models import Member

STAGING_TABLE = "member_import_rows"
SQLITE_CHUNK = 5000
COPY_BLOCK_LINES = 2000


def insert_prepared(lines: Iterable[bytes], *, template: Member) -> int:
    """Insert the prepared ``lines`` (as read from the file) as members; the columns that are
    not prepared take ``template``'s values. Returns how many were inserted."""
    quote = connection.ops.quote_name
    by_name = {field.attname: field for field in Member._meta.concrete_fields}
    prepared = [by_name[name] for name in PREPARED_FIELDS]
    shared = [field for field in Member._meta.concrete_fields
              if field.attname != "id" and field.attname not in PREPARED_FIELDS]
    columns = ", ".join(quote(field.column) for field in prepared + shared)
    values = ", ".join([_extracted(position, field) for position, field in enumerate(prepared)]
                       + ["%s"] * len(shared))
    shared_values = [field.get_db_prep_save(getattr(template, field.attname), connection) for field in shared]
    with connection.cursor() as cursor:
        staged = _stage(cursor, lines)
        # Names come from the model's _meta; the values are parameters or the staged JSON.
        cursor.execute(f"INSERT INTO {quote(Member._meta.db_table)} ({columns}) "  # noqa: S608
                       f"SELECT {values} FROM {STAGING_TABLE} ORDER BY line", shared_values)
        cursor.execute(f"DROP TABLE {STAGING_TABLE}")
    return staged


def _stage(cursor, lines: Iterable[bytes]) -> int:
    staged = 0
    if connection.vendor == "postgresql":
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGING_TABLE} (line integer, digest text, v jsonb)")
        with cursor.cursor.copy(f"COPY {STAGING_TABLE} (line, digest, v) FROM STDIN") as copy:
            for block in _chunks(lines, COPY_BLOCK_LINES):  # one message per block, not per line
                # COPY's text format reads a backslash as an escape; JSON's own escapes must survive.
                copy.write(b"".join(line.replace(b"\\", b"\\\\") for line in block))
                staged += len(block)
        return staged
    cursor.execute(f"CREATE TEMPORARY TABLE {STAGING_TABLE} (line integer, digest text, v text)")
    for chunk in _chunks(lines, SQLITE_CHUNK):
        rows = [(int(number), digest.decode(), values.decode())
                for number, digest, values in (line.rstrip(b"\n").split(b"\t", 2) for line in chunk)]
        cursor.executemany(f"INSERT INTO {STAGING_TABLE} VALUES (%s, %s, %s)", rows)  # noqa: S608
        staged += len(rows)
    return staged


def _chunks(lines: Iterable[bytes], size: int):
    """``lines`` in lists of ``size``, the last one shorter (``itertools.batched`` from Python 3.12)."""
    iterator = iter(lines)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _extracted(position: int, field) -> str:
    """The SQL that reads value ``position`` of the staged JSON array as ``field``'s column."""
    if connection.vendor == "postgresql":
        text = f"(v->>{position})"
        if isinstance(field, models.ForeignKey | models.IntegerField):
            return f"{text}::bigint"
        if isinstance(field, models.DateField):
            return f"{text}::date"
        return text
    # SQLite: JSON numbers come out as integers, strings (dates as ISO text) as text, null as NULL.
    return f"json_extract(v, '$[{position}]')"
