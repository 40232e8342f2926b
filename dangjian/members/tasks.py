"""Background jobs of the member registry (django-tasks; the worker is ``manage.py db_worker``)."""

from django_tasks import task

from dangjian.members import services_import


@task()
def member_import_check_run(batch_id: int, actor_id: int) -> dict:
    """Check every row of a batch whose column mapping was confirmed (the preview)."""
    batch = services_import.member_import_check(batch_id=batch_id, actor_id=actor_id)
    return {"batch": batch.pk, "state": batch.state, "valid_rows": batch.valid_rows}


@task()
def member_import_run(batch_id: int, actor_id: int) -> dict:
    """Commit a queued import batch; the batch's ``progress`` and ``state`` report how it goes."""
    batch = services_import.member_import_execute(batch_id=batch_id, actor_id=actor_id)
    return {"batch": batch.pk, "state": batch.state, "imported_rows": batch.imported_rows}


@task()
def member_import_undo_run(batch_id: int, actor_id: int) -> dict:
    """Remove the members of a batch queued for undo."""
    batch = services_import.member_import_undo_execute(batch_id=batch_id, actor_id=actor_id)
    return {"batch": batch.pk, "state": batch.state}


@task()
def member_search_index_tidy_run() -> dict:
    """After an import: merge the name search index's pending entries (see the service)."""
    return {"pages_merged": services_import.member_search_index_tidy()}
