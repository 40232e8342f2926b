"""Indexes for member search by name at city scale (PostgreSQL only; nothing on SQLite).

Measured on the 600,000-member reference city (docs/benchmarks.md): ``name LIKE '%王建国%'`` is a
parallel sequential scan (~200 ms); a pg_trgm GIN index serves it in ~2 ms for a term of three or
more characters. A two-character term has no trigram, so it is served by a prefix match
(``name LIKE '杨睿%'``), which under the C.UTF-8 collation needs a ``varchar_pattern_ops``
index (~2 ms). Pinyin, initials and phone already have such indexes (Django adds a ``_like``
index to every indexed CharField on PostgreSQL).

Database-only: the model state does not change (models.py declares no PostgreSQL-specific
index), so the same models serve SQLite, where these statements are skipped.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS member_name_trgm ON members_member USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS member_name_prefix ON members_member (name varchar_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS member_name_prefix",
    "DROP INDEX IF EXISTS member_name_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
