"""A test database that other threads and processes can reach, for the fault tests.

pytest-django's SQLite test database lives in memory, where a subprocess (a task worker)
cannot see it and concurrent writers meet shared-cache table locks instead of SQLite's busy
wait. ``shared_database`` copies it (SQLite's backup API: schema, code tables, whatever the
test built so far) to a WAL file, points the default connection — and every connection opened
later, in any thread — at that file for the test, and points it back afterwards. On PostgreSQL
the test database is already shared: the fixture only names it. Use with
``@pytest.mark.django_db(transaction=True)``: other connections only see committed rows."""

import sqlite3

import pytest
from django.db import connections


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """The DATABASE_URL under which a subprocess finds this test's data."""
    connection = connections["default"]
    settings = connection.settings_dict
    if connection.vendor != "sqlite":
        yield (f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or '127.0.0.1'}:"
               f"{settings['PORT'] or 5432}/{settings['NAME']}")
        return
    connection.ensure_connection()
    memory = connection.connection
    path = tmp_path / "shared.sqlite3"
    target = sqlite3.connect(path)
    memory.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    in_memory_name = settings["NAME"]
    connection.connection = None  # set aside, not closed: closing would drop the in-memory database
    settings["NAME"] = str(path)  # the same dict every new connection, in every thread, is built from
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        settings["NAME"] = in_memory_name
        connection.connection = memory
