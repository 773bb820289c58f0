"""Reads of the core records, scoped to the acting user."""

from django.db.models import Q

from hoiso.core.models import AuditEntry, TaskProgress
from hoiso.core.permissions import Action
from hoiso.core.scoping import get_object_for_user
from hoiso.core.text import fold


def audit_entries(*, user, query: str = "", action: str = "", date_from=None, date_to=None):
    qs = AuditEntry.objects.visible_to(user, Action.VIEW_AUDIT).select_related("actor")
    if action:
        qs = qs.filter(action__startswith=action)
    if query:
        folded = fold(query)
        qs = qs.filter(
            Q(actor_name__icontains=query)
            | Q(object_repr__icontains=query)
            | Q(object_repr__icontains=folded)
            | Q(action__icontains=folded)
        )
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs


def audit_action_names(*, user) -> list[str]:
    qs = AuditEntry.objects.visible_to(user, Action.VIEW_AUDIT)
    return sorted({a.split(".")[0] for a in qs.values_list("action", flat=True).distinct()[:500]})


def task_progress_get(*, user, pk) -> TaskProgress:
    return get_object_for_user(TaskProgress, user, Action.VIEW, pk=pk)


def recent_tasks(*, user, limit: int = 10):
    return TaskProgress.objects.visible_to(user).filter(owner=user)[:limit]
