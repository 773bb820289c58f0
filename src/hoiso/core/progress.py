"""Progress of background tasks, shared by every import, export and roll-up.

A view calls `start(...)`, enqueues its task with the progress id, and renders
core/partials/progress.html, which polls until the task reports done or failed.
The task calls `step`, `finish` or `fail`.
"""

from typing import Any

from hoiso.core.models import TaskProgress


def start(*, kind: str, title: str, owner: Any, unit_path: str = "") -> TaskProgress:
    return TaskProgress.objects.create(kind=kind, title=title, owner=owner, unit_path=unit_path)


def step(progress_id: Any, *, percent: int, message: str = "") -> None:
    TaskProgress.objects.filter(pk=progress_id).update(
        status=TaskProgress.Status.RUNNING, percent=max(0, min(100, percent)), message=message
    )


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
