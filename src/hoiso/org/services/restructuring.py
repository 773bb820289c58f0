"""Restructuring the unit tree: merge, split, rename, move — and revert any of them.

Each restructuring is planned first, as a list of elementary operations (move a subtree,
retire a unit, create one, rename, hand over records, end officials' terms, link lineage).
The plan is what the wizard previews; applying it re-plans inside a transaction with the
affected units locked, applies the operations in order and stores them on the
Restructuring row, so that `restructuring_revert` can apply their inverses later.
Nothing is ever deleted: a retired unit keeps its place, path and records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hoiso.core import audit
from hoiso.core.permissions import Action
from hoiso.org.models import (
    Official,
    Restructuring,
    Unit,
    UnitLink,
    ancestor_paths,
    common_path,
)
from hoiso.org.services.paths import move_subtree, path_holders
from hoiso.org.services.units import (
    OrgError,
    check_child_kind,
    check_parent_active,
    require,
    unit_create,
)


@dataclass
class Plan:
    """A restructuring not yet applied: what the preview shows and the apply step runs."""

    kind: str
    summary: str
    operations: list[dict]
    effective_on: datetime.date
    decision: str = ""
    note: str = ""
    reverts: Restructuring | None = None
    lines: list[str] = field(default_factory=list)


@dataclass
class SplitPart:
    name: str
    code: str
    area_id: int | None = None


MergePlan = Plan


# ---------------------------------------------------------------- checks


def province_of(unit: Unit) -> Unit | None:
    """The provincial union a unit belongs to (itself if it is one)."""
    return (
        Unit.objects.filter(path__in=ancestor_paths(unit.path), kind=Unit.Kind.PROVINCE)
        .order_by("-depth")
        .first()
    )


def _check_active(*units: Unit) -> None:
    for unit in units:
        if not unit.is_active:
            raise OrgError(_("%(unit)s has already been retired.") % {"unit": unit.name})


def _check_same_province(unit: Unit, other: Unit, allowed: bool) -> None:
    if allowed:
        return
    a, b = province_of(unit), province_of(other)
    if a is not None and b is not None and a.pk != b.pk:
        raise OrgError(
            _(
                "%(unit)s and %(other)s are in different provinces (%(a)s; %(b)s). To "
                "restructure across provinces, tick “across provinces” to confirm it."
            )
            % {"unit": unit.name, "other": other.name, "a": a.name, "b": b.name}
        )


def _require_restructure_at_parent(actor, unit: Unit, check_scope: bool) -> None:
    if check_scope:
        parent_path = unit.path[: -len(unit.path.split(".")[-2]) - 1]
        require(actor, Action.RESTRUCTURE, parent_path)


def _active_children(unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(parent=unit).active().vn_ordered())


def _following_models() -> list[type]:
    """Models whose live records go with a unit to its successor (roles, later members)."""
    return [m for m, _f in path_holders() if getattr(m, "FOLLOWS_UNIT_ON_MERGE", False)]


def _hand_over_ops(source: Unit, target: Unit) -> list[dict]:
    ops = []
    for model in _following_models():
        ids = list(model._default_manager.filter(unit=source).values_list("pk", flat=True))
        if ids:
            ops.append(
                {
                    "op": "reassign",
                    "model": model._meta.label_lower,
                    "ids": ids,
                    "from": source.pk,
                    "to": target.pk,
                }
            )
    return ops


def _end_officials_op(unit: Unit, on: datetime.date) -> list[dict]:
    ids = list(Official.objects.filter(unit=unit).current(on).values_list("pk", flat=True))
    return [{"op": "end_officials", "ids": ids, "on": on.isoformat()}] if ids else []


# ---------------------------------------------------------------- planning


def plan_merge(
    *,
    actor,
    sources: list[Unit],
    target: Unit,
    effective_on: datetime.date,
    decision: str = "",
    note: str = "",
    allow_cross_province: bool = False,
    check_scope: bool = True,
) -> Plan:
    """Fold `sources` into `target`: their active children move under the target, their
    accounts and live records follow, their officials' terms end, and they retire."""
    if not sources:
        raise OrgError(_("Choose at least one unit to merge."))
    if any(s.pk == target.pk for s in sources):
        raise OrgError(_("A unit cannot be merged into itself."))
    _check_active(target, *sources)
    if check_scope:
        require(actor, Action.RESTRUCTURE, target.path)
    ops: list[dict] = []
    for source in sources:
        if source.kind != target.kind:
            raise OrgError(
                _("%(source)s (%(skind)s) cannot be merged into %(target)s (%(tkind)s).")
                % {
                    "source": source.name,
                    "skind": source.get_kind_display(),
                    "target": target.name,
                    "tkind": target.get_kind_display(),
                }
            )
        if target.path.startswith(source.path):
            raise OrgError(_("%(unit)s lies above the receiving unit.") % {"unit": source.name})
        _check_same_province(source, target, allow_cross_province)
        _require_restructure_at_parent(actor, source, check_scope)
        for child in _active_children(source):
            ops.append({"op": "move", "unit": child.pk, "from": source.pk, "to": target.pk})
        ops += _hand_over_ops(source, target)
        ops += _end_officials_op(source, effective_on)
        ops.append({"op": "retire", "unit": source.pk, "on": effective_on.isoformat()})
        ops.append({"op": "link", "from": source.pk, "to": target.pk})
    names = ", ".join(s.name for s in sources)
    summary = _("Merge %(sources)s into %(target)s") % {"sources": names, "target": target.name}
    return Plan(Restructuring.Kind.MERGE, summary, ops, effective_on, decision, note)


def plan_split(
    *,
    actor,
    unit: Unit,
    parts: list[SplitPart],
    assignment: dict[int, int],
    effective_on: datetime.date,
    decision: str = "",
    note: str = "",
    keeper: int = 0,
    check_scope: bool = True,
) -> Plan:
    """Split `unit` into new sibling units. `assignment` maps each active child's id to
    the index of the part it joins; `keeper` is the part that takes the unit's accounts
    and live records."""
    _check_active(unit)
    _require_restructure_at_parent(actor, unit, check_scope)
    if unit.parent is None:
        raise OrgError(_("A top-level unit cannot be split."))
    if len(parts) < 2:
        raise OrgError(_("A split needs at least two new units."))
    codes = [p.code.strip() for p in parts]
    if any(not p.name.strip() or not p.code.strip() for p in parts):
        raise OrgError(_("Every new unit needs a name and a code."))
    if len(set(codes)) != len(codes) or Unit.objects.filter(code__in=codes).exists():
        raise OrgError(_("The codes of the new units must be new and different."))
    children = _active_children(unit)
    missing = [c.name for c in children if c.pk not in assignment]
    if missing:
        raise OrgError(_("Say where these units go: %(units)s") % {"units": ", ".join(missing)})
    if any(not 0 <= i < len(parts) for i in assignment.values()) or not 0 <= keeper < len(parts):
        raise OrgError(_("A unit was assigned to a new unit that does not exist."))
    ops: list[dict] = []
    for i, part in enumerate(parts):
        ops.append(
            {
                "op": "create",
                "ref": i,
                "unit": None,
                "name": part.name.strip(),
                "code": part.code.strip(),
                "kind": unit.kind,
                "parent": unit.parent_id,
                "area": part.area_id,
            }
        )
    for child in children:
        ops.append(
            {"op": "move", "unit": child.pk, "from": unit.pk, "to_ref": assignment[child.pk]}
        )
    for op in _hand_over_ops(unit, unit):
        op.pop("to")
        ops.append({**op, "to_ref": keeper})
    ops += _end_officials_op(unit, effective_on)
    ops.append({"op": "retire", "unit": unit.pk, "on": effective_on.isoformat()})
    for i in range(len(parts)):
        ops.append({"op": "link", "from": unit.pk, "to_ref": i})
    summary = _("Split %(unit)s into %(parts)s") % {
        "unit": unit.name,
        "parts": ", ".join(p.name for p in parts),
    }
    return Plan(Restructuring.Kind.SPLIT, summary, ops, effective_on, decision, note)


def plan_rename(
    *,
    actor,
    unit: Unit,
    new_name: str,
    effective_on: datetime.date,
    decision: str = "",
    note: str = "",
    check_scope: bool = True,
) -> Plan:
    """Rename a unit; the old name stays in its history and lineage."""
    _check_active(unit)
    _require_restructure_at_parent(actor, unit, check_scope)
    new_name = " ".join(new_name.split())
    if not new_name:
        raise OrgError(_("Enter the new name."))
    if new_name == unit.name:
        raise OrgError(_("The new name is the same as the current one."))
    ops = [{"op": "rename", "unit": unit.pk, "from": unit.name, "to": new_name}]
    summary = _("Rename %(old)s to %(new)s") % {"old": unit.name, "new": new_name}
    return Plan(Restructuring.Kind.RENAME, summary, ops, effective_on, decision, note)


def plan_move(
    *,
    actor,
    unit: Unit,
    new_parent: Unit,
    effective_on: datetime.date,
    decision: str = "",
    note: str = "",
    allow_cross_province: bool = False,
    check_scope: bool = True,
) -> Plan:
    """Move a unit and everything below it under another parent."""
    _check_active(unit)
    if new_parent.path.startswith(unit.path):
        raise OrgError(_("A unit cannot be moved into itself or into a unit below it."))
    check_parent_active(new_parent)
    if unit.parent_id == new_parent.pk:
        raise OrgError(
            _("%(unit)s already stands under %(parent)s.")
            % {"unit": unit.name, "parent": new_parent.name}
        )
    check_child_kind(new_parent, unit.kind)
    _check_same_province(unit, new_parent, allow_cross_province)
    _require_restructure_at_parent(actor, unit, check_scope)
    if check_scope:
        require(actor, Action.RESTRUCTURE, new_parent.path)
    ops = [{"op": "move", "unit": unit.pk, "from": unit.parent_id, "to": new_parent.pk}]
    summary = _("Move %(unit)s under %(parent)s") % {"unit": unit.name, "parent": new_parent.name}
    return Plan(Restructuring.Kind.MOVE, summary, ops, effective_on, decision, note)


_INVERSE = {
    "move": lambda op: {"op": "move", "unit": op["unit"], "from": op["to"], "to": op["from"]},
    "retire": lambda op: {"op": "reactivate", "unit": op["unit"], "on": op["on"]},
    "reactivate": lambda op: {"op": "retire", "unit": op["unit"], "on": op["on"]},
    "create": lambda op: {"op": "retire", "unit": op["unit"], "on": None},
    "rename": lambda op: {"op": "rename", "unit": op["unit"], "from": op["to"], "to": op["from"]},
    "reassign": lambda op: {**op, "from": op["to"], "to": op["from"]},
    "end_officials": lambda op: {"op": "reopen_officials", "ids": op["ids"], "on": op["on"]},
    "reopen_officials": lambda op: {"op": "end_officials", "ids": op["ids"], "on": op["on"]},
    "link": lambda op: None,  # lineage is history: the revert adds its own record instead
}


def _op_units(ops: list[dict]) -> set[int]:
    """Every unit an operation list touches (moved, retired, created, giving or receiving)."""
    return {op[key] for op in ops for key in ("unit", "from", "to") if isinstance(op.get(key), int)}


def plan_revert(
    *,
    actor,
    restructuring: Restructuring,
    effective_on: datetime.date,
    note: str = "",
    check_scope: bool = True,
) -> Plan:
    """Undo a restructuring by applying the inverse of its operations, newest first.
    Only the latest restructuring of the units it touched can be reverted."""
    if hasattr(restructuring, "reverted_by"):
        raise OrgError(_("This restructuring has already been reverted."))
    touched = _op_units(restructuring.operations)
    later = Restructuring.objects.filter(pk__gt=restructuring.pk, units__in=touched).distinct()
    if later.exists():
        raise OrgError(
            _("Later restructurings changed the same units (%(later)s); revert those first.")
            % {"later": "; ".join(r.summary for r in later[:3])}
        )
    if check_scope:
        require(actor, Action.RESTRUCTURE, restructuring.unit_path)
    created = [op["unit"] for op in restructuring.operations if op["op"] == "create"]
    moved_in = {op["unit"] for op in restructuring.operations if op["op"] == "move"}
    if Unit.objects.filter(parent_id__in=created).exclude(pk__in=moved_in).exists():
        raise OrgError(_("Units created by this restructuring have new units below them."))
    ops = [inv for op in reversed(restructuring.operations) if (inv := _INVERSE[op["op"]](op))]
    summary = _("Revert: %(summary)s") % {"summary": restructuring.summary}
    return Plan(
        Restructuring.Kind.REVERT, summary[:500], ops, effective_on, "", note, reverts=restructuring
    )


# ---------------------------------------------------------------- applying


def _unit(pk: int | None) -> Unit | None:
    return Unit.objects.get(pk=pk) if pk is not None else None


def _apply_op(op: dict, plan: Plan, actor, refs: dict[int, Unit]) -> None:
    kind = op["op"]
    if "to_ref" in op:
        op["to"] = refs[op.pop("to_ref")].pk
    if kind == "create":
        parent = _unit(op["parent"])
        area = apps.get_model("org", "AdministrativeArea").objects.filter(pk=op["area"]).first()
        unit = unit_create(
            actor=actor,
            parent=parent,
            name=op["name"],
            kind=op["kind"],
            code=op["code"],
            area=area,
            active_from=plan.effective_on,
            check_scope=False,
        )
        op["unit"] = unit.pk
        refs[op.pop("ref")] = unit
    elif kind == "move":
        move_subtree(_unit(op["unit"]), _unit(op["to"]))
    elif kind == "retire":
        on = datetime.date.fromisoformat(op["on"]) if op["on"] else plan.effective_on
        op["on"] = on.isoformat()
        unit = _unit(op["unit"])
        unit.active_to = on
        unit.save(update_fields=["active_to"])
    elif kind == "reactivate":
        unit = _unit(op["unit"])
        unit.active_to = None
        unit.save(update_fields=["active_to"])
    elif kind == "rename":
        unit = _unit(op["unit"])
        unit.name = op["to"]
        unit.save()
    elif kind == "reassign":
        target = _unit(op["to"])
        model = apps.get_model(op["model"])
        model._default_manager.filter(pk__in=op["ids"]).update(unit=target, unit_path=target.path)
    elif kind == "end_officials":
        Official.objects.filter(pk__in=op["ids"]).update(ended_on=op["on"])
    elif kind == "reopen_officials":
        Official.objects.filter(pk__in=op["ids"]).update(ended_on=None)
    elif kind == "link":
        pass  # written once the Restructuring row exists
    else:  # pragma: no cover - plans are built here only
        raise OrgError(f"unknown operation {kind}")


@transaction.atomic
def restructuring_apply(*, actor, plan: Plan) -> Restructuring:
    """Apply a plan: every operation, the Restructuring row with its lineage links, and
    the audit entry, all in one transaction."""
    refs: dict[int, Unit] = {}
    ops = [dict(op) for op in plan.operations]
    for op in ops:
        _apply_op(op, plan, actor, refs)
    touched = Unit.objects.filter(pk__in=_op_units(ops))
    restructuring = Restructuring.objects.create(
        kind=plan.kind,
        effective_on=plan.effective_on,
        decision=plan.decision,
        note=plan.note,
        summary=plan.summary[:500],
        unit_path=common_path([u.path for u in touched]) or _anchor_path(ops),
        operations=ops,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reverts=plan.reverts,
    )
    restructuring.units.set(touched)
    UnitLink.objects.bulk_create(
        UnitLink(predecessor_id=op["from"], successor_id=op["to"], restructuring=restructuring)
        for op in ops
        if op["op"] == "link"
    )
    audit.record(
        actor=actor,
        action=f"restructuring.{plan.kind}",
        obj=restructuring,
        unit_path=restructuring.unit_path,
        details={"operations": len(ops)},
    )
    for hook in settings.HOISO_AFTER_RESTRUCTURING:
        import_string(hook)(restructuring=restructuring)
    return restructuring


def _anchor_path(ops: list[dict]) -> str:
    """When the touched units share no ancestor (top-level provinces merging), the
    restructuring belongs to the unit that receives: the last "to" of its operations."""
    receivers = [op["to"] for op in ops if isinstance(op.get("to"), int)]
    unit = Unit.objects.filter(pk=receivers[-1]).first() if receivers else None
    return unit.path if unit else ""


def _lock(units: list[Unit]) -> None:
    """Serialise restructurings of the same units (no-op on SQLite, which locks the file)."""
    list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in units]).values("pk"))


def _refreshed(units: list[Unit]) -> list[Unit]:
    fresh = Unit.objects.in_bulk([u.pk for u in units])
    return [fresh[u.pk] for u in units]


@transaction.atomic
def units_merge(*, actor, sources: list[Unit], target: Unit, **options) -> Restructuring:
    _lock([*sources, target])
    *sources, target = _refreshed([*sources, target])
    plan = plan_merge(actor=actor, sources=sources, target=target, **options)
    return restructuring_apply(actor=actor, plan=plan)


@transaction.atomic
def unit_split(*, actor, unit: Unit, **options) -> Restructuring:
    _lock([unit])
    (unit,) = _refreshed([unit])
    plan = plan_split(actor=actor, unit=unit, **options)
    return restructuring_apply(actor=actor, plan=plan)


@transaction.atomic
def unit_rename(*, actor, unit: Unit, **options) -> Restructuring:
    _lock([unit])
    (unit,) = _refreshed([unit])
    return restructuring_apply(actor=actor, plan=plan_rename(actor=actor, unit=unit, **options))


@transaction.atomic
def unit_move(*, actor, unit: Unit, new_parent: Unit, **options) -> Restructuring:
    _lock([unit, new_parent])
    unit, new_parent = _refreshed([unit, new_parent])
    plan = plan_move(actor=actor, unit=unit, new_parent=new_parent, **options)
    return restructuring_apply(actor=actor, plan=plan)


@transaction.atomic
def restructuring_revert(*, actor, restructuring: Restructuring, **options) -> Restructuring:
    restructuring = Restructuring.objects.select_for_update().get(pk=restructuring.pk)
    plan = plan_revert(actor=actor, restructuring=restructuring, **options)
    return restructuring_apply(actor=actor, plan=plan)
