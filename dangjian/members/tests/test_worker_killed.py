"""Killing the task worker in the middle of an import (issue 10, part 7): nothing of the batch
is in the roster, the batch shows as failed (its lock died with the worker), and "重试" queues it
again and it succeeds.

A real ``manage.py db_worker`` process runs the import against a database it shares with the test
(``shared_database``: a WAL file copy on SQLite, the test database on PostgreSQL). The test waits
until the worker is inside the import's write transaction — the rows are being written — and
sends it SIGKILL, which no code can catch or clean up after."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.members import services_import
from dangjian.members.models import ImportBatch, Member
from dangjian.members.tests.rosters import HEADERS, clean_row, csv_bytes, person
from dangjian.members.tests.shared_database import shared_database  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)
State = ImportBatch.State
ROOT = Path(__file__).resolve().parents[3]
ROWS = 12000  # long enough to write (a second or more) that the kill lands inside the transaction


def wait_until(condition, *, timeout: float, step: float = 0.005):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(step)
    raise AssertionError(f"waited {timeout} s in vain for {condition.__name__}")


def writing_members(database_url: str):
    """True while another connection holds an open write transaction on the members table."""
    if connection.vendor == "sqlite":
        def writing_members():
            probe = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")  # refused at once while the worker's transaction holds the lock
            except sqlite3.OperationalError:
                return True
            finally:
                probe.close()
            return False
    else:
        def writing_members():
            with connection.cursor() as cursor:
                cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                               "WHERE c.relname = %s AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid())",
                               [Member._meta.db_table])
                return cursor.fetchone()[0]
    return writing_members


def test_a_worker_killed_mid_import_leaves_nothing_and_the_batch_can_be_retried(shared_database, city,  # noqa: F811
                                                                                 street_admin, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    branch = city.org(city.dahanggong)
    members_before = Member.objects.count()
    # given: a previewed batch of 12,000 clean rows, committed (the import is queued as a task)
    data = csv_bytes([HEADERS] + [clean_row(person(index)) for index in range(ROWS)])
    batch = services_import.member_import_upload(actor=street_admin, organization=branch,
                                                 uploaded_file=SimpleUploadedFile("花名册.csv", data))
    batch = services_import.member_import_preview(actor=street_admin, batch=batch, columns=batch.mapping["columns"])
    services_import.member_import_check(batch_id=batch.pk, actor_id=street_admin.pk)  # the preview, run here
    DBTaskResult.objects.all().delete()  # the check's queued task: done above
    batch = services_import.member_import_commit(actor=street_admin, batch=ImportBatch.objects.get(pk=batch.pk))
    assert (batch.state, batch.valid_rows) == (State.QUEUED, ROWS)

    # when: a worker takes it and is killed while it writes the rows
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.05",
         "-v", "0"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": shared_database, "MEDIA_ROOT": settings.MEDIA_ROOT},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        writing = writing_members(shared_database)

        def writing_started():
            assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
            state, progress = ImportBatch.objects.values_list("state", "progress").get(pk=batch.pk)
            assert state in (State.QUEUED, State.RUNNING), f"the import ended ({state}) before it could be killed"
            return state == State.RUNNING and progress >= 10 and writing()

        wait_until(writing_started, timeout=60)
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(timeout=10) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    # then: nothing of the batch was committed — no member, no history row, no audit entry
    assert Member.objects.count() == members_before
    assert not Member.objects.filter(import_batch=batch).exists()
    assert not Member.history.filter(import_batch_id=batch.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.IMPORT).exists()
    assert ImportBatch.objects.get(pk=batch.pk).state == State.RUNNING  # as the dead worker left it

    # and the batch page finds the worker gone: failed, with a retry; the task is failed too
    client = Client()
    client.force_login(street_admin)
    page = wait_until(lambda: (lambda html: "导入中断" in html and html)(
        client.get(f"/members/import/{batch.pk}/").content.decode()), timeout=10, step=0.2)
    assert 'data-testid="retry-button"' in page and "没有导入任何数据" in page
    assert ImportBatch.objects.get(pk=batch.pk).state == State.FAILED
    assert DBTaskResult.objects.get().status == "FAILED"

    # when: "重试" is pressed and a worker runs the queue
    response = client.post(f"/members/import/{batch.pk}/retry/")
    assert response.status_code == 302
    assert ImportBatch.objects.get(pk=batch.pk).state == State.QUEUED
    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id="retry", excluded_queue_names=[]).run()

    # then: the whole batch is imported, once
    batch.refresh_from_db()
    assert (batch.state, batch.imported_rows) == (State.DONE, ROWS)
    assert Member.objects.filter(import_batch=batch).count() == ROWS
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 1
    assert "重试" not in client.get(f"/members/import/{batch.pk}/").content.decode()
