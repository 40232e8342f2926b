"""Background jobs of assessment (django-tasks; the worker is ``manage.py db_worker``)."""

from django_tasks import task

from dangjian.evaluation.scoring_runs import assessment_scoring_execute


@task()
def assessment_scoring_run(run_id: int) -> dict:
    """Score a queued run; the run's ``progress``, ``state`` and ``message`` report how it goes."""
    run = assessment_scoring_execute(run_id=run_id)
    return {"run": run.pk, "state": run.state}
