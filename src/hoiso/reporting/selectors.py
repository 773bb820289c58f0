"""Every read of reporting, scoped to the acting user.

Indicators belong to the unit that defined them (none: the national library). A user who
manages reporting reads the national library, the indicators of the units above her (which
her units report) and those of her own subtree; she changes only those of her subtree — the
national library only when her scope is the whole country (`manages_nationally`).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from hoiso.core import indicators as registry
from hoiso.core.permissions import Action
from hoiso.core.scoping import get_object_for_user, path_q, scope_paths, user_can
from hoiso.org.models import Unit, ancestor_paths
from hoiso.reporting import periods
from hoiso.reporting.models import Indicator, Period, Source
from hoiso.reporting.rollup import Figure


def manages_nationally(user) -> bool:
    """Whether the user manages reporting over every tree (superusers, or roles at every top
    unit): only she may change the national library and the cut-off days."""
    paths = scope_paths(user, Action.MANAGE_REPORTING)
    if paths is None:
        return True
    if not paths:
        return False
    roots = set(Unit.objects.filter(parent__isnull=True).values_list("path", flat=True))
    return roots <= set(paths)


def indicators_visible(*, user, query: str = "", source: str = "", active: str = ""):
    """The indicators the user may read on the library pages (none without the action)."""
    paths = scope_paths(user, Action.MANAGE_REPORTING)
    if paths is None:
        rows = Indicator.objects.all()
    elif not paths:
        return Indicator.objects.none()
    else:
        above = {a for p in paths for a in ancestor_paths(p)}
        rows = Indicator.objects.filter(
            Q(unit__isnull=True) | Q(unit_path__in=above) | path_q("unit_path", paths)
        )
    if query := query.strip()[:100]:
        rows = rows.filter(Q(code__icontains=query) | Q(name__icontains=query))
    if source in Source.values:
        rows = rows.filter(source=source)
    if active in ("1", "0"):
        rows = rows.filter(active=active == "1")
    return rows.select_related("unit").order_by("order", "code")


def indicator_get(*, user, pk) -> Indicator:
    """An indicator the user may change, else 404."""
    rows = Indicator.objects.select_related("unit")
    national = rows.filter(pk=pk, unit__isnull=True).first() if str(pk).isdigit() else None
    if national is not None:
        if manages_nationally(user):
            return national
        raise Http404
    return get_object_for_user(rows, user, Action.MANAGE_REPORTING, pk=pk)


# Unions define indicators for their subtree; branches and groups report them.
OWNER_KINDS = (Unit.Kind.CENTRAL, Unit.Kind.PROVINCE, Unit.Kind.COMMUNE, Unit.Kind.AFFILIATED)


def owner_choices(*, user):
    """Unions the user may define indicators for (active, highest first)."""
    return (
        Unit.objects.visible_to(user, Action.MANAGE_REPORTING)
        .active()
        .filter(kind__in=OWNER_KINDS)
        .order_by("depth", "name_sort")
    )


def computed_for_unit(*, user, unit: Unit) -> list[Indicator]:
    """The active computed indicators `unit` reports, without those counting sensitive data
    when the user may not see it at that unit."""
    sensitive_ok = user_can(user, Action.VIEW_SENSITIVE, unit.path)
    rows = Indicator.objects.for_unit(unit).active().filter(source=Source.COMPUTED)
    shown = []
    for indicator in rows.order_by("order", "code"):
        function = indicator.computed
        if function is None or (function.sensitive and not sensitive_ok):
            continue
        shown.append(indicator)
    return shown


def preview(*, user, unit: Unit, period) -> list[dict]:
    """The computed figures of `unit` for `period`, as a report form will fill them in."""
    shown = computed_for_unit(user=user, unit=unit)
    values = registry.evaluate(
        {i.computed_key for i in shown}, unit=unit, start=period.counts_from, end=period.cut_off
    )
    return [
        {
            "indicator": i,
            "figure": Figure.of(values[i.computed_key], scale=i.scale, places=i.decimal_places),
        }
        for i in shown
    ]


def cut_offs() -> list[dict]:
    """Every kind of period with its cut-off day and, as an example, its current period."""
    days = periods.cut_off_days()
    today = timezone.localdate()
    rows = []
    for kind in Period.Kind:
        year, number = periods.containing(kind, today)
        rows.append(
            {
                "kind": kind,
                "day": days[kind],
                "example": periods.label(kind, year, number),
                "dates": periods.dates(kind, year, number, days[kind]),
            }
        )
    return rows
