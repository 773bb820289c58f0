"""The dry run: what every row of the file would do — create, update, unchanged — or why it
cannot be imported. Nothing is written; the import (apply.py) runs the same plan again on the
data as they are then, so a row is never written on the strength of an old check."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.core.permissions import Action
from hoiso.core.scoping import path_q, user_can
from hoiso.core.spreadsheets import Table
from hoiso.core.text import fold
from hoiso.members import selectors
from hoiso.members.importing.columns import BY_FIELD
from hoiso.members.importing.parse import READERS, blank, parse_cccd, text
from hoiso.members.models import Member
from hoiso.members.services import EDITABLE_FIELDS, MemberError, clean_member_data
from hoiso.members.services import _check_admission as check_admission
from hoiso.members.services import _check_unit as check_unit
from hoiso.members.validators import ValueProblem
from hoiso.org.models import Unit

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
_TEXT_LIMITS = {"hamlet": 120, "occupation": 120, "decision": 120, "branch": 200, "group": 200}


@dataclass
class RowPlan:
    index: int  # in table.rows
    number: int  # the spreadsheet's row number
    action: str = CREATE
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # cleaned, for the member services
    unit: Unit | None = None
    member: Member | None = None  # the existing record a re-import updates
    joined_on: datetime.date | None = None
    decision: str = ""

    def as_json(self) -> dict:
        return {"n": self.number, "action": self.action, "problems": self.problems,
                "warnings": self.warnings}  # fmt: skip


@dataclass
class Plan:
    rows: list[RowPlan]

    def counts(self) -> dict[str, int]:
        counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0, ERROR: 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def listed(self, limit: int) -> list[dict]:
        """The rows the official must read: problems first, then warnings."""
        noted = [r for r in self.rows if r.problems] + [
            r for r in self.rows if r.warnings and not r.problems
        ]
        return [r.as_json() for r in noted[:limit]]


class _Units:
    """The branches and groups rows may name: those the actor manages under the default
    unit's commune, found by folded name ("Khu vực 1" finds "Chi hội Khu vực 1")."""

    def __init__(self, actor, default: Unit):
        communes = Unit.objects.filter(kind=Unit.Kind.COMMUNE).filter(
            path__in=[default.path[:i] for i in range(1, len(default.path) + 1)]
        )
        self.root = max(communes, key=lambda u: len(u.path), default=None) or default
        units = selectors.member_units(user=actor).filter(path_q("path", [self.root.path]))
        self.default = default
        self.branches: dict[str, list[Unit]] = {}
        self.groups: dict[tuple[int, str], Unit] = {}
        for unit in units:
            if unit.kind == Unit.Kind.BRANCH:
                for key in {fold(unit.name), fold(unit.name).removeprefix("chi hoi ")}:
                    self.branches.setdefault(key, []).append(unit)
            else:
                self.groups[(unit.parent_id, fold(unit.name))] = unit
                self.groups.setdefault((unit.parent_id, "to " + fold(unit.name)), unit)
        self.by_pk = {u.pk: u for u in units}

    def resolve(self, branch_name: str, group_name: str) -> Unit:
        branch = None
        if branch_name:
            found = self.branches.get(fold(branch_name)) or self.branches.get(
                fold(branch_name).removeprefix("chi hoi ")
            )
            if not found:
                raise ValueProblem(_("the branch “%(name)s” is not one you manage in %(unit)s")
                                   % {"name": branch_name[:60], "unit": self.root.name})  # fmt: skip
            if len(found) > 1:
                raise ValueProblem(
                    _("several branches are called “%(name)s”") % {"name": branch_name[:60]}
                )
            branch = found[0]
        if not group_name:
            return branch or self.default
        parent = branch or (self.default if self.default.kind == Unit.Kind.BRANCH
                            else self.by_pk.get(self.default.parent_id))  # fmt: skip
        group = self.groups.get((getattr(parent, "pk", None), fold(group_name)))
        if group is None:
            raise ValueProblem(_("the group “%(name)s” is not one you manage in %(unit)s")
                               % {"name": group_name[:60], "unit": getattr(parent, "name", "")})  # fmt: skip
        return group


def _existing(actor, table: Table, columns: dict[str, int], root: Unit):
    """Members the file may update: by CCCD (anywhere: a CCCD is unique nationally), and by
    folded name + date of birth + unit under the commune."""
    by_cccd: dict[str, Member] = {}
    if "cccd" in columns:
        cccds = set()
        for row in table.rows:
            try:
                cccds.add(parse_cccd(row[columns["cccd"]])[0])
            except ValueProblem:
                continue
        cccds.discard("")
        chunk = sorted(cccds)
        for start in range(0, len(chunk), 1000):
            for m in Member.objects.filter(cccd__in=chunk[start : start + 1000]):
                by_cccd[m.cccd] = m
    by_name: dict[tuple, Member] = {}
    if "full_name" in columns:
        names = {fold(text(row[columns["full_name"]])) for row in table.rows} - {""}
        chunk = sorted(names)
        under = Member.objects.filter(path_q("unit_path", [root.path]))
        for start in range(0, len(chunk), 1000):
            for m in under.filter(name_folded__in=chunk[start : start + 1000]):
                by_name.setdefault((m.name_folded, m.date_of_birth, m.unit_id), m)
    return by_cccd, by_name


def _unfit_text(value: str, name: str) -> bool:
    """Longer than the record keeps, or with control or invisible format characters."""
    return len(value) > _TEXT_LIMITS.get(name, 120) or any(
        unicodedata.category(ch)[0] == "C" for ch in value
    )


def _read_cells(row: list, columns: dict[str, int], headers: list[str], plan: RowPlan) -> dict:
    values: dict[str, Any] = {}
    for name, index in columns.items():
        column, cell = BY_FIELD[name], row[index]
        if blank(cell):
            continue
        label = headers[index] or column.header
        try:
            if name == "cccd":
                values["cccd"], restored = parse_cccd(cell)
                if restored:
                    plan.warnings.append(_("%(column)s: the leading zero lost by Excel was put back "
                                           "(%(cccd)s); check it") % {"column": label, "cccd": values["cccd"]})  # fmt: skip
                continue
            value = READERS[column.kind](cell)
        except ValueProblem as exc:
            plan.problems.append(f"{label}: {exc}")
            continue
        if column.kind == "text" and _unfit_text(value, name):
            plan.problems.append(_("%(column)s: the text is too long or has invisible characters")
                                 % {"column": label})  # fmt: skip
            continue
        values[name] = value
    return values


def build_plan(*, actor, default_unit: Unit, table: Table, mapping: list[str],
               on_progress: Callable[[int, int], None] | None = None) -> Plan:  # fmt: skip
    """Check every row as the member services would, and say what the import would do."""
    columns = {f: i for i, f in enumerate(mapping) if f}
    units = _Units(actor, default_unit)
    by_cccd, by_name = _existing(actor, table, columns, units.root)
    seen: dict[object, int] = {}
    rows: list[RowPlan] = []
    today = timezone.localdate()
    for index, row in enumerate(table.rows):
        plan = RowPlan(index=index, number=table.row_number(index))
        rows.append(plan)
        values = _read_cells(row, columns, table.headers, plan)
        try:
            plan.unit = units.resolve(values.pop("branch", ""), values.pop("group", ""))
        except ValueProblem as exc:
            plan.problems.append(str(exc))
        plan.joined_on = values.pop("joined_on", None) or today
        plan.decision = values.pop("decision", "")
        if plan.joined_on > today:
            plan.problems.append(_("the date of joining is in the future"))
        _match(plan, values, by_cccd, by_name, seen, actor)
        if not plan.problems:
            _clean(plan, values)
        plan.action = ERROR if plan.problems else plan.action
        if on_progress and index % 500 == 0:
            on_progress(index, len(table.rows))
    return Plan(rows)


def _match(plan: RowPlan, values: dict, by_cccd, by_name, seen: dict, actor) -> None:
    """The record this row is about (CCCD, else folded name + date of birth + unit), and a
    row that repeats an earlier row of the same file."""
    cccd = values.get("cccd")
    name_key = (
        fold(values.get("full_name", "")),
        values.get("date_of_birth"),
        getattr(plan.unit, "pk", None),
    )
    key = ("cccd", cccd) if cccd else ("name", name_key)
    if key in seen:
        plan.problems.append(_("the same member as in row %(row)d") % {"row": seen[key]})
        return
    seen[key] = plan.number
    member = by_cccd.get(cccd) if cccd else by_name.get(name_key) if name_key[1] else None
    if member is not None and not user_can(actor, Action.MANAGE_MEMBERS, member.unit_path):
        plan.problems.append(_("another member already has this citizen ID"))
        return
    plan.member = member


def _clean(plan: RowPlan, values: dict) -> None:
    """The member services' own checks: clean_member_data, and for a new member the unit and
    the admission rules (ordinary members are women 18+ on the day they join)."""
    try:
        if plan.member is None:
            check_unit(plan.unit)
            plan.data = clean_member_data(values)
            check_admission(plan.data, plan.joined_on, plan.decision)
            plan.action = CREATE
            return
        member = plan.member
        current = {name: getattr(member, name) for name in EDITABLE_FIELDS}
        cleaned = clean_member_data({**current, **values}, member=member)
        plan.data = {k: v for k, v in cleaned.items() if getattr(member, k) != v}
        plan.action = UPDATE if plan.data else UNCHANGED
        if plan.unit is not None and plan.unit.pk != member.unit_id:
            plan.warnings.append(_("she belongs to %(unit)s; an import does not move members, "
                                   "use a transfer") % {"unit": member.unit.name})  # fmt: skip
    except MemberError as exc:
        plan.problems.append(str(exc))
