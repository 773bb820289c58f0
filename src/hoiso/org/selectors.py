"""All reads of the organisation, scoped to the acting user."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from hoiso.core.permissions import Action
from hoiso.core.scoping import get_object_for_user, path_q, scope_paths
from hoiso.core.text import fold
from hoiso.org.models import (
    AdministrativeArea,
    Official,
    Population,
    Restructuring,
    Unit,
    UnitLink,
    ancestor_paths,
    path_segment,
)

CURRENT_UNIT_SESSION_KEY = "hoiso.current_unit"


def units_visible(*, user, action: str = Action.VIEW):
    return Unit.objects.visible_to(user, action)


def unit_get(*, user, pk, action: str = Action.VIEW) -> Unit:
    """One unit in the user's scope (else 404). A retired unit may also be read by those who
    see one of its successors: after a merge the receiving union reads the lineage it inherited."""
    units = Unit.objects.select_related("parent", "area")
    try:
        return get_object_for_user(units, user, action, pk=pk)
    except Http404:
        if action != Action.VIEW:
            raise
        unit = units.filter(pk=pk, active_to__isnull=False).first() if str(pk).isdigit() else None
        if unit is None or not _successor_visible(user, unit):
            raise
        return unit


def _successor_visible(user, unit: Unit, max_steps: int = 10) -> bool:
    frontier = [unit.pk]
    for _step in range(max_steps):
        successors = list(
            UnitLink.objects.filter(predecessor_id__in=frontier).values_list(
                "successor_id", flat=True
            )
        )
        if not successors:
            return False
        if Unit.objects.visible_to(user).filter(pk__in=successors).exists():
            return True
        frontier = successors
    return False


def top_units(*, user):
    """The highest units the user sees: the roots of her scope."""
    paths = scope_paths(user, Action.VIEW)
    if paths is None:
        return Unit.objects.filter(parent__isnull=True).vn_ordered()
    return Unit.objects.filter(path__in=paths).vn_ordered()


def default_unit_for(*, user) -> Unit | None:
    return top_units(user=user).order_by("depth", "name_sort").first()


def current_unit_for_request(request) -> Unit | None:
    """The unit chosen with the switcher if still visible, else the user's highest unit."""
    if hasattr(request, "_current_unit"):
        return request._current_unit
    unit = None
    user = request.user
    if user.is_authenticated:
        chosen = request.session.get(CURRENT_UNIT_SESSION_KEY)
        if chosen:
            unit = Unit.objects.visible_to(user).filter(pk=chosen).first()
        unit = unit or default_unit_for(user=user)
    request._current_unit = unit
    return unit


def unit_switcher(request, limit: int = 40) -> dict:
    """For the header: the unit above the current one (if visible) and the units below it."""
    unit = current_unit_for_request(request)
    if unit is None:
        return {}
    visible = Unit.objects.visible_to(request.user)
    parent = visible.filter(pk=unit.parent_id).first() if unit.parent_id else None
    children = list(visible.filter(parent=unit).active().vn_ordered()[: limit + 1])
    return {"parent": parent, "children": children[:limit], "more": len(children) > limit}


def breadcrumb(*, user, unit: Unit) -> list[tuple[Unit, bool]]:
    """The units above `unit`, top first, each with whether the user may open it."""
    ancestors = list(Unit.objects.filter(path__in=ancestor_paths(unit.path)).order_by("depth"))
    visible = set(
        Unit.objects.visible_to(user)
        .filter(pk__in=[a.pk for a in ancestors])
        .values_list("pk", flat=True)
    )
    return [(a, a.pk in visible) for a in ancestors]


def _counts_below(parents: list[Unit]) -> dict[int, tuple[int, int]]:
    """For each parent: (active units directly below, active units anywhere below). One query
    per parent over its subtree's paths, counted by the child segment of each path."""
    result: dict[int, tuple[int, int]] = {}
    for parent in parents:
        rows = (
            Unit.objects.filter(path_q("path", [parent.path]), active_to__isnull=True)
            .exclude(pk=parent.pk)
            .values_list("depth", flat=True)
        )
        direct = below = 0
        for depth in rows:
            below += 1
            direct += depth == parent.depth + 1
        result[parent.pk] = (direct, below)
    return result


def children_with_counts(*, user, unit: Unit | None, include_retired: bool = False) -> list[Unit]:
    """The units directly under `unit` (or the user's top units), Vietnamese order, each with
    `child_count` (active units directly below) and `descendants` (active units anywhere
    below). Counting reads each subtree's depths once instead of a subquery per child."""
    if unit is None:
        children = list(top_units(user=user).select_related("area"))
    else:
        qs = Unit.objects.visible_to(user).filter(parent=unit).select_related("area")
        children = list((qs if include_retired else qs.active()).vn_ordered())
    if unit is not None and len(children) > 1:
        counts = _grouped_counts(unit, children)
    else:
        counts = _counts_below(children)
    for child in children:
        child.child_count, child.descendants = counts.get(child.pk, (0, 0))
    return children


def _grouped_counts(unit: Unit, children: list[Unit]) -> dict[int, tuple[int, int]]:
    """Counts for all children of `unit` from one pass over the subtree's paths."""
    by_segment = {child.path: child.pk for child in children}
    width = len(unit.path) + len(path_segment(0))
    direct: dict[int, int] = {}
    below: dict[int, int] = {}
    rows = Unit.objects.filter(path_q("path", [unit.path]), active_to__isnull=True).filter(
        depth__gt=unit.depth + 1
    )
    for path, depth in rows.values_list("path", "depth"):
        pk = by_segment.get(path[:width])
        if pk is None:
            continue
        below[pk] = below.get(pk, 0) + 1
        if depth == unit.depth + 2:
            direct[pk] = direct.get(pk, 0) + 1
    return {pk: (direct.get(pk, 0), below.get(pk, 0)) for pk in by_segment.values()}


def units_search(*, user, query: str, limit: int = 50):
    """Units whose name contains `query`, with or without diacritics."""
    folded = fold(query)
    if not folded:
        return Unit.objects.none()
    return (
        Unit.objects.visible_to(user)
        .filter(name_folded__contains=folded)
        .select_related("parent")
        .order_by("depth", "name_sort")[:limit]
    )


def lineage(*, unit: Unit, max_steps: int = 20) -> dict[str, list[UnitLink]]:
    """Where a unit came from and where it went, following lineage links both ways."""

    def walk(start: Unit, forward: bool) -> list[UnitLink]:
        found, frontier, seen = [], [start.pk], {start.pk}
        for _step in range(max_steps):
            if not frontier:
                break
            key = "predecessor_id__in" if forward else "successor_id__in"
            links = list(
                UnitLink.objects.filter(**{key: frontier}).select_related(
                    "predecessor", "successor", "restructuring"
                )
            )
            frontier = []
            for link in links:
                found.append(link)
                nxt = link.successor_id if forward else link.predecessor_id
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        return found

    return {"predecessors": walk(unit, forward=False), "successors": walk(unit, forward=True)}


def unit_restructurings(*, user, unit: Unit):
    return Restructuring.objects.visible_to(user).filter(units=unit).select_related("actor")


def restructurings_visible(*, user):
    # reverted_by too: the list marks reverted rows (one query for the page, not one per row).
    return Restructuring.objects.visible_to(user).select_related("actor", "reverts", "reverted_by")


def restructuring_get(*, user, pk) -> Restructuring:
    return get_object_for_user(Restructuring, user, Action.VIEW, pk=pk)


def officials_of(*, user, unit: Unit, include_ended: bool = False):
    qs = Official.objects.visible_to(user).filter(unit=unit).select_related("position", "user")
    return qs if include_ended else qs.current()


def official_get(*, user, pk, action: str = Action.VIEW) -> Official:
    return get_object_for_user(
        Official.objects.select_related("unit", "position"), user, action, pk=pk
    )


def population_visible(*, user, year: int | None = None, query: str = ""):
    qs = Population.objects.visible_to(user).select_related("area", "unit")
    if year:
        qs = qs.filter(year=year)
    if folded := fold(query):
        qs = qs.filter(
            Q(area__name_folded__contains=folded) | Q(unit__name_folded__contains=folded)
        )
    return qs.order_by("-year", "unit__name_sort")


def population_years(*, user) -> list[int]:
    return list(
        Population.objects.visible_to(user)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def areas_for_units(*, user, action: str = Action.MANAGE_UNITS):
    """Communes (and provinces) the user's units may be tied to: those of her provinces."""
    provinces = (
        Unit.objects.visible_to(user, action)
        .filter(area__isnull=False)
        .values_list("area__province_id", "area_id")
    )
    ids = {p for pair in provinces for p in pair if p}
    return AdministrativeArea.objects.filter(Q(pk__in=ids) | Q(province_id__in=ids)).order_by(
        "name"
    )
