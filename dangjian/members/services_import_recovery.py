"""Imports whose background worker died midway: found, marked failed, retried.

A worker holds the batch's lock (``core.worker_locks``) from before it marks the batch running
until after it has marked it done or failed, so a running batch with a free lock has no worker.
Its rows were written in one transaction that never committed: nothing of it is in the roster.
The batch page and ``manage.py recover_interrupted_imports`` (cron) look for such batches."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.core import worker_locks
from dangjian.members import selectors_import, services_import
from dangjian.members.models import ImportBatch
from dangjian.members.services_import import PHASE_CHECK, PHASE_COMMIT, PHASE_UNDO

State = ImportBatch.State

INTERRUPTED = {
    PHASE_CHECK: "检查中断：后台任务进程意外停止，没有写入任何数据。请点击“重试”重新检查。",
    PHASE_COMMIT: "导入中断：后台任务进程意外停止，没有导入任何数据。请点击“重试”重新导入。",
    PHASE_UNDO: "撤销中断：后台任务进程意外停止，没有删除任何数据，本批次仍可撤销。",
}


def import_batch_as_it_stands(actor, batch_id: int) -> ImportBatch:
    """The batch in ``actor``'s scope (404 outside it), as its page and the API show it: a batch
    shown running whose worker is gone is first marked as interrupted (failed with a retry, or
    done again for an undo), so nobody watches a progress bar that will never move."""
    batch = selectors_import.import_batch_get_for(actor, batch_id)
    if batch.state == State.RUNNING and member_import_recover_interrupted(batch_ids=[batch.pk]):
        batch = selectors_import.import_batch_get_for(actor, batch_id)
    return batch


def member_import_recover_interrupted(*, batch_ids: list[int] | None = None) -> list[int]:
    """Mark failed — with a retry — every running batch (of ``batch_ids``, or all) whose worker is
    gone: killed, crashed or lost with its machine; an interrupted undo goes back to done (its
    removal never committed). Returns their ids.

    The worker holds the batch's lock (``core.worker_locks``) from before it marks the batch
    running until after it has marked it done or failed, so a running batch with a free lock has
    no worker. Its rows were written in one transaction that never committed, so nothing of it is
    in the roster. The state changes only if the batch is still running when locked: a worker
    finishing at that moment keeps its result. The task's own record is marked failed too."""
    running = ImportBatch.objects.filter(state=State.RUNNING)
    if batch_ids is not None:
        running = running.filter(pk__in=batch_ids)
    recovered = []
    for batch_id in running.values_list("pk", flat=True):
        if worker_locks.is_held(services_import.worker_lock_name(batch_id)):
            continue
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().filter(pk=batch_id, state=State.RUNNING).first()
            if batch is None:
                continue
            phase = batch.mapping.get("phase", PHASE_COMMIT)
            if phase == PHASE_UNDO:
                # the removal never committed: the batch is as it was, done and undoable
                services_import._undo_refused(batch, INTERRUPTED[PHASE_UNDO])
            else:
                batch.mapping = {**batch.mapping, "interrupted": True}
                batch.state = State.FAILED
                batch.progress = batch.imported_rows = 0
                batch.message = INTERRUPTED[phase]
                batch.save(update_fields=["mapping", "state", "progress", "imported_rows", "message"])
            _fail_lost_task(batch_id)
        recovered.append(batch_id)
    return recovered


def _fail_lost_task(batch_id: int) -> None:
    """The task record the dead worker left RUNNING (the system status page lists failed tasks)."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(status="RUNNING", task_path__startswith="dangjian.members.tasks.",
                                args_kwargs__kwargs__batch_id=batch_id).update(
        status="FAILED", finished_at=timezone.now(), exception_class_path="dangjian.core.worker_locks.WorkerLost",
        traceback="The worker stopped while running this task (its lock was released without a result).")


def member_import_retry(*, actor, batch: ImportBatch, request=None) -> ImportBatch:
    """Queue again the step (check or commit) an interrupted batch's worker did not finish. The
    step starts afresh: the commit re-checks every number against the roster as it is now."""
    with transaction.atomic():
        batch = services_import._writable(actor, batch, states=(State.FAILED,), lock=True)
        if not batch.mapping.get("interrupted"):
            raise ValidationError("只有因后台任务中断而失败的批次可以重试；请重新检查或修改文件后重新上传。")
        phase = batch.mapping.get("phase", PHASE_COMMIT)
        batch.mapping = services_import._without_interruption(batch.mapping)
        services_import.queue(batch, "排队等待重试……", "mapping")
    from dangjian.members.tasks import member_import_check_run, member_import_run

    task = member_import_check_run if phase == PHASE_CHECK else member_import_run
    return services_import.enqueued(task, batch=batch, actor=actor)
