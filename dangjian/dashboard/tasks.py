"""Background jobs of the dashboard (django-tasks; the worker is ``manage.py db_worker``)."""

import datetime

from django_tasks import task

from dangjian.dashboard.findings import findings_record


@task()
def findings_record_weekly(on_date: str | None = None) -> dict:
    """Record the organization health check's findings (weekly: cron runs
    ``manage.py record_findings --enqueue`` every Monday; see docs/apps/evaluation.md)."""
    run = findings_record(on_date=datetime.date.fromisoformat(on_date) if on_date else None)
    return {"recorded_on": run.recorded_on.isoformat(), "open": run.open_findings, "new": run.new_findings,
            "resolved": run.resolved_findings}


@task()
def refresh_dashboard_rollups() -> dict:
    """Recompute the dashboard's rollup (nightly: cron runs ``manage.py refresh_dashboard
    --enqueue``; see dashboard/rollup.py)."""
    from dangjian.dashboard import rollup

    return {"areas": rollup.refresh()}
