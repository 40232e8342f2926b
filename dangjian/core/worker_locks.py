"""Whether the process working on a background job is still alive.

The worker holds a lock for as long as it works on the job, and the lock dies with the process,
however it ends (SIGKILL, out of memory, a lost machine): on PostgreSQL a session advisory lock on
the worker's connection (the server releases it when the connection drops, wherever the worker
ran); on SQLite — one machine by construction — an ``flock`` on a file next to the database,
which the kernel releases when the process exits. A job marked running whose lock is free has
lost its worker. Heartbeats were the alternative, but a job that writes everything in one
transaction cannot beat (SQLite has one writer), and a timeout either waits long or kills a slow
live job."""

import contextlib
import fcntl
import hashlib
import os
import tempfile
from pathlib import Path

from django.db import connection, transaction


class Busy(Exception):
    """Another live process holds the lock: it is working on the job."""


def _digest(name: str) -> bytes:
    # The database's name is part of the key: two deployments (or two test databases) never share a lock.
    return hashlib.sha256(f"{connection.settings_dict['NAME']}|{name}".encode()).digest()


def _advisory_key(name: str) -> int:
    return int.from_bytes(_digest(name)[:8], "big", signed=True)


def _lock_file(name: str) -> Path:
    if connection.is_in_memory_db():
        # Only this process sees an in-memory database (tests): the lock is this process's too,
        # or parallel test workers, whose databases share a name, would take each other's locks.
        directory = Path(tempfile.gettempdir()) / "dangjian-locks" / str(os.getpid())
    else:  # beside the database file, which the web server and every worker necessarily share
        database = Path(str(connection.settings_dict["NAME"]))
        directory = database.parent / f"{database.name}-locks"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{_digest(name).hex()[:32]}.lock"


@contextlib.contextmanager
def held(name: str):
    """Hold the lock ``name`` while the block runs; ``Busy`` if a live process holds it."""
    if connection.vendor == "postgresql":
        key = _advisory_key(name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if not cursor.fetchone()[0]:
                raise Busy(name)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    with open(_lock_file(name), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(name) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_held(name: str) -> bool:
    """True while a live process holds the lock ``name``."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            # Taken only for this transaction if free, so the probe itself holds nothing afterwards.
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_advisory_key(name)])
            return not cursor.fetchone()[0]
    with open(_lock_file(name), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False
