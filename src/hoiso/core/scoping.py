"""The one scoping mechanism: what a user may see and do.

A user holds roles at units; a role grants actions (core.permissions.Action) and reaches
the unit's whole subtree. Units store a materialised path ending in a dot
("00000001.00000042."), and every record that belongs to a unit stores that path too,
so "this unit and everything below it" is a single prefix filter.

Every selector starts from `Model.objects.visible_to(user, action)`; every view fetches
single objects with `get_object_for_user(...)`, which raises Http404 outside the scope,
so an out-of-scope record is indistinguishable from one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models import Q
from django.http import Http404

from hoiso.core.permissions import Action


def minimal_paths(paths: Iterable[str]) -> list[str]:
    """Drop every path that lies under another one in the list."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(parent) for parent in kept):
            kept.append(path)
    return kept


def scope_paths(user: Any, action: str = Action.VIEW) -> list[str] | None:
    """The subtree roots where `user` may do `action`; None means everywhere (superuser)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    return user.scope_paths(action)


def path_q(field: str, paths: list[str] | None) -> Q:
    """A Q matching rows whose `field` lies in any of the subtrees `paths` (None: all rows).

    On PostgreSQL a prefix is `LIKE 'p%'`, served by the varchar_pattern_ops index under any
    collation. SQLite cannot use an index for Django's `LIKE … ESCAPE`, so there the prefix
    is written as the equivalent range: every path under "…42." sorts between "…42." and
    "…42/" ('.' and '/' are neighbours in ASCII, and paths hold only digits and dots).
    """
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    as_range = connection.vendor == "sqlite"
    condition = Q()
    for path in paths:
        if as_range and path.endswith("."):
            condition |= Q(**{f"{field}__gte": path, f"{field}__lt": path[:-1] + "/"})
        else:
            condition |= Q(**{f"{field}__startswith": path})
    return condition


def user_can(user: Any, action: str, path: str) -> bool:
    """Whether `user` may do `action` at the unit (or record) stored at `path`."""
    paths = scope_paths(user, action)
    return paths is None or any(path.startswith(root) for root in paths)


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a model whose rows belong to units; the model names its path field
    in SCOPE_PATH_FIELD."""

    def visible_to(self, user: Any, action: str = Action.VIEW) -> ScopedQuerySet:
        return self.filter(path_q(self.model.SCOPE_PATH_FIELD, scope_paths(user, action)))


def get_object_for_user(
    queryset: models.QuerySet | type[models.Model],
    user: Any,
    action: str = Action.VIEW,
    **lookups: Any,
) -> Any:
    """Fetch one object the user may act on, or raise Http404 — never 403, so that
    an out-of-scope record cannot be told apart from a missing one."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        return queryset.visible_to(user, action).get(**lookups)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
