"""Progress of background tasks, shared by every import, export and roll-up.

A view calls `start(...)`, enqueues its task with the progress id, and renders
core/partials/progress.html, which polls until the task reports done or failed.
The task calls `step`, `finish` or `fail`.
"""

from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections

from hoiso.core.models import TaskProgress


def start(*, kind: str, title: str, owner: Any, unit_path: str = "") -> TaskProgress:
    return TaskProgress.objects.create(kind=kind, title=title, owner=owner, unit_path=unit_path)


def step(progress_id: Any, *, percent: int, message: str = "") -> None:
    """Move the bar. Work that runs in one transaction (an import writes all its rows in one)
    would show its steps only at the commit, so on PostgreSQL a step taken inside a
    transaction goes through a short connection of its own, which commits at once; on SQLite
    (one writer at a time), or when that connection cannot see the row (created in the same
    uncommitted transaction), through the work's own connection."""
    percent = max(0, min(100, percent))
    inside = connection.in_atomic_block and connection.vendor == "postgresql"
    if inside and _step_aside(progress_id, percent, message):
        return
    TaskProgress.objects.filter(pk=progress_id).update(
        status=TaskProgress.Status.RUNNING, percent=percent, message=message
    )


def _step_aside(progress_id: Any, percent: int, message: str) -> bool:
    """The step through a connection of its own (autocommit); False when it changed nothing.
    A lock timeout guards against waiting on a row the work's transaction holds."""
    aside = connections.create_connection(DEFAULT_DB_ALIAS)
    table = connection.ops.quote_name(TaskProgress._meta.db_table)
    try:
        with aside.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
            cursor.execute(f"UPDATE {table} SET status = %s, percent = %s, message = %s "
                           "WHERE id = %s", [TaskProgress.Status.RUNNING, percent, message, progress_id])  # fmt: skip
            return cursor.rowcount == 1
    except DatabaseError:
        return False
    finally:
        aside.close()


def finish(
    progress_id: Any, *, message: str = "", result: dict | None = None, result_url: str = ""
) -> None:
    progress = TaskProgress.objects.get(pk=progress_id)
    progress.status = TaskProgress.Status.DONE
    progress.percent = 100
    progress.message = message
    progress.result = result or {}
    progress.result_url = result_url
    progress.save()


def fail(progress_id: Any, *, message: str, result: dict | None = None) -> None:
    progress = TaskProgress.objects.get(pk=progress_id)
    progress.status = TaskProgress.Status.FAILED
    progress.message = message[:500]
    progress.result = result or {}
    progress.save()
