"""Background job of the coverage app (django-tasks; the worker is ``manage.py db_worker``).

The blank-spot history is kept by :func:`services.blank_spots_sync`: every coverage service runs it
for the community it touched, and this daily job (enqueued by ``manage.py coverage_sync_blank_spots
--enqueue`` from cron or a systemd timer, or run directly without ``--enqueue``) catches what changed
elsewhere: an organization founded in the registry, members moving jobs, a unit closing, an
instructor's term running out."""

from django_tasks import task

from dangjian.coverage import services


@task()
def blank_spots_sync_run() -> dict:
    return services.blank_spots_sync()
