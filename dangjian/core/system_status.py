"""What the system administrator watches (三员分立: configuration and state, never personal data
or the audit log): versions, the database, pending migrations, the background task queue and the
security settings in force."""

import platform
from dataclasses import dataclass

import django
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count


@dataclass(frozen=True)
class SystemStatus:
    versions: dict
    database: dict
    pending_migrations: list[str]
    tasks_by_status: dict
    failed_tasks: list[dict]
    security: dict


def system_status() -> SystemStatus:
    from django_tasks_db.models import DBTaskResult

    executor = MigrationExecutor(connection)
    pending = [f"{migration.app_label}.{migration.name}"
               for migration, _backwards in executor.migration_plan(executor.loader.graph.leaf_nodes())]
    tasks = dict(DBTaskResult.objects.values_list("status").annotate(count=Count("id")).values_list("status", "count"))
    # Only the task's name, time and error class: its arguments may hold personal data.
    failed = list(DBTaskResult.objects.filter(status="FAILED").order_by("-finished_at")
                  .values("task_path", "finished_at", "exception_class_path")[:20])
    return SystemStatus(
        versions={"Python": platform.python_version(), "Django": django.get_version()},
        database={"vendor": connection.vendor, "version": _database_version()},
        pending_migrations=pending,
        tasks_by_status=tasks,
        failed_tasks=failed,
        security={
            "DEBUG": settings.DEBUG,
            "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
            "SESSION_COOKIE_AGE": settings.SESSION_COOKIE_AGE,
            "SECURE_HSTS_SECONDS": getattr(settings, "SECURE_HSTS_SECONDS", 0),
            "AUDIT_RETENTION_DAYS": getattr(settings, "AUDIT_RETENTION_DAYS", 180),
        },
    )


def _database_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        return str(cursor.fetchone()[0])
