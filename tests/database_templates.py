"""Migrate the test database once, then copy it: for every xdist worker and for later runs.

Running the migrations costs ~70 s of CPU per test database (Django re-renders the related model
states after nearly every operation; the data migrations themselves are cheap), and each xdist
worker used to pay it again. Here the first worker that needs a test database migrates it as
usual and keeps a copy — the *template* — named after a digest of everything the migrated schema
depends on: every migration file of the project and the versions of the installed distributions
(Django's and the other apps' migrations). Any other worker, and any later run with the same
digest, copies the template instead of migrating:

* SQLite (the test database lives in memory): the template is ``var/test-template-<digest>.sqlite3``
  and each worker loads it into its in-memory database with SQLite's backup API;
* PostgreSQL: the template is the database ``test_<NAME>_tpl_<digest>`` and each worker's test
  database is ``CREATE DATABASE … TEMPLATE`` it (Django's ``TEST["TEMPLATE"]`` setting).

``migrate`` still runs afterwards on every worker: it finds every migration applied, so it only
emits ``post_migrate``. A file lock in ``var/`` makes exactly one process build a template; a new
digest drops the templates of older ones.
"""

import fcntl
import hashlib
import sqlite3
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"
TEMPLATE_PREFIX = "test-template-"
_kept_open = []  # raw connections that keep the shared in-memory SQLite databases alive


def schema_digest() -> str:
    """What the migrated schema and data depend on: our migration files and the installed versions."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("dangjian/*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    versions = sorted(f"{dist.metadata['Name']}=={dist.version}" for dist in metadata.distributions())
    digest.update("\n".join(versions).encode())
    return digest.hexdigest()[:16]


@contextmanager
def _build_lock(name: str):
    VAR_DIR.mkdir(exist_ok=True)
    with (VAR_DIR / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install(connection) -> None:
    """Make ``connection.creation.create_test_db`` copy a template instead of migrating."""
    creation = connection.creation
    if connection.vendor == "sqlite" and creation.is_in_memory_db(creation._get_test_db_name()):
        _install_sqlite(connection)
    elif connection.vendor == "postgresql":
        _install_postgresql(connection)
    # Other cases (a SQLite file named in TEST) keep Django's own creation.


# ------------------------------------------------------------------------------------- SQLite


def _install_sqlite(connection) -> None:
    creation = connection.creation
    original_create_test_db = creation.create_test_db
    original_create = creation._create_test_db
    template = VAR_DIR / f"{TEMPLATE_PREFIX}{schema_digest()}.sqlite3"

    def restore_template(verbosity, autoclobber, keepdb=False):
        name = original_create(verbosity, autoclobber, keepdb)
        if template.exists():
            memory = sqlite3.connect(name, uri=True)
            _kept_open.append(memory)
            source = sqlite3.connect(template)
            try:
                source.backup(memory)
            finally:
                source.close()
        return name

    def create_test_db(*args, **kwargs):
        with _build_lock("test-template-sqlite"):
            creation._create_test_db = restore_template
            try:
                name = original_create_test_db(*args, **kwargs)
            finally:
                creation._create_test_db = original_create
            if not template.exists():
                for stale in VAR_DIR.glob(f"{TEMPLATE_PREFIX}*.sqlite3"):
                    stale.unlink()
                partial = template.with_suffix(".partial")
                target = sqlite3.connect(partial)
                try:
                    connection.connection.backup(target)
                finally:
                    target.close()
                partial.rename(template)
        return name

    creation.create_test_db = create_test_db


# --------------------------------------------------------------------------------- PostgreSQL


def _install_postgresql(connection) -> None:
    creation = connection.creation
    original_create_test_db = creation.create_test_db
    base = f"test_{connection.settings_dict['NAME']}_tpl_"
    template = f"{base}{schema_digest()}"

    def template_exists() -> bool:
        with creation._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            return cursor.fetchone() is not None

    def create_test_db(*args, **kwargs):
        test_settings = connection.settings_dict["TEST"]
        with _build_lock(template):
            if template_exists():
                previous = test_settings.get("TEMPLATE")
                test_settings["TEMPLATE"] = template
                try:
                    return original_create_test_db(*args, **kwargs)
                finally:
                    test_settings["TEMPLATE"] = previous
            name = original_create_test_db(*args, **kwargs)
            # CREATE DATABASE … TEMPLATE needs the source database without connections.
            connection.close()
            quote = connection.ops.quote_name
            with creation._nodb_cursor() as cursor:
                cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [base.replace("_", r"\_") + "%"])
                for (stale,) in cursor.fetchall():
                    cursor.execute(f"DROP DATABASE IF EXISTS {quote(stale)}")
                cursor.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(name)}")
            connection.ensure_connection()
            return name

    creation.create_test_db = create_test_db
