"""A restructuring's operations as lines an official can read: the wizard's preview and the
restructuring's page. Moves are grouped by where they go, with what comes along."""

from collections import defaultdict

from django.utils.translation import gettext as _

from hoiso.core.scoping import path_q
from hoiso.org.models import Unit
from hoiso.org.services import Plan
from hoiso.org.services.paths import path_holders

# Records shown as "coming along" with moved units; the log and task progress are not records.
_SKIP = {"core.auditentry", "core.taskprogress"}


def _target(op: dict, created: dict[int, str], name) -> str:
    return name(op["to"]) if "to" in op else created[op["to_ref"]]


def _moved_counts(units: list[Unit]) -> tuple[int, int]:
    """Units below the moved ones, and records that belong to any of them (one query each)."""
    paths = [u.path for u in units]
    below = Unit.objects.filter(path_q("path", paths)).count() - len(units)
    records = sum(
        model._default_manager.filter(path_q(field, paths)).count()
        for model, field in path_holders()
        if model._meta.label_lower not in _SKIP
    )
    return below, records


def describe(plan: Plan) -> list[dict]:
    """Lines of {"icon", "text", "items"}; "items" lists the units of a grouped move."""
    ids = {v for op in plan.operations for k, v in op.items() if k in {"unit", "from", "to"}}
    units = Unit.objects.in_bulk({i for i in ids if isinstance(i, int)})

    def name(pk):
        return units[pk].name if pk in units else "—"

    # Before it is applied, a split refers to the units it will create by their place ("ref").
    created = {
        op["ref"]: op["name"] for op in plan.operations if op["op"] == "create" and "ref" in op
    }
    moves: dict[tuple, list[Unit]] = defaultdict(list)
    for op in plan.operations:
        if op["op"] == "move":
            moves[(op["from"], _target(op, created, name))].append(units[op["unit"]])
    lines: list[dict] = []
    moves_written = False
    for op in plan.operations:
        kind = op["op"]
        if kind == "move":
            if not moves_written:
                lines += _move_lines(moves, name)
                moves_written = True
            continue
        line = _line(op, created, name)
        if line:
            lines.append(line)
    return lines


def _move_lines(moves: dict[tuple, list[Unit]], name) -> list[dict]:
    lines = []
    for (source, target), moved in moves.items():
        below, records = _moved_counts(moved)
        if below == 0 and records == 0:
            names = moved[0].name if len(moved) == 1 else len(moved)
            template = (
                _("Move %(unit)s from %(old)s to %(new)s")
                if len(moved) == 1
                else _("Move %(unit)s units from %(old)s to %(new)s")
            )
            text = template % {"unit": names, "old": name(source), "new": target}
            lines.append(
                {
                    "icon": "arrow-right",
                    "text": text,
                    "items": [] if len(moved) == 1 else sorted(u.name for u in moved),
                }
            )
        elif len(moved) == 1:
            text = _(
                "Move %(unit)s from %(old)s to %(new)s, with %(below)d units below it and %(records)d records"
            ) % {
                "unit": moved[0].name,
                "old": name(source),
                "new": target,
                "below": below,
                "records": records,
            }
            lines.append({"icon": "arrow-right", "text": text, "items": []})
        else:
            text = _(
                "Move %(n)d units from %(old)s to %(new)s, with %(below)d units below them and %(records)d records"
            ) % {
                "n": len(moved),
                "old": name(source),
                "new": target,
                "below": below,
                "records": records,
            }
            lines.append(
                {"icon": "arrow-right", "text": text, "items": sorted(u.name for u in moved)}
            )
    return lines


def _line(op: dict, created: dict, name) -> dict | None:
    kind = op["op"]
    if kind == "create":
        text = _("Create %(name)s (code %(code)s)") % {"name": op["name"], "code": op["code"]}
        return {"icon": "plus-circle", "text": text, "items": []}
    if kind == "retire":
        text = _("Retire %(unit)s (it stays readable, with its records)") % {
            "unit": name(op["unit"])
        }
        return {"icon": "archive", "text": text, "items": []}
    if kind == "reactivate":
        return {
            "icon": "arrow-counterclockwise",
            "text": _("Reactivate %(unit)s") % {"unit": name(op["unit"])},
            "items": [],
        }
    if kind == "rename":
        text = _("Rename “%(old)s” to “%(new)s”") % {"old": op["from"], "new": op["to"]}
        return {"icon": "pencil", "text": text, "items": []}
    if kind == "reassign":
        text = _("Hand over %(n)d accounts and records from %(old)s to %(new)s") % {
            "n": len(op["ids"]),
            "old": name(op["from"]),
            "new": _target(op, created, name),
        }
        return {"icon": "people", "text": text, "items": []}
    if kind == "end_officials":
        return {
            "icon": "person-x",
            "text": _("End the terms of %(n)d officials") % {"n": len(op["ids"])},
            "items": [],
        }
    if kind == "reopen_officials":
        return {
            "icon": "person-check",
            "text": _("Restore the terms of %(n)d officials") % {"n": len(op["ids"])},
            "items": [],
        }
    if kind == "link":
        text = _("Record that %(new)s succeeds %(old)s") % {
            "new": _target(op, created, name),
            "old": name(op["from"]),
        }
        return {"icon": "link-45deg", "text": text, "items": []}
    return None
