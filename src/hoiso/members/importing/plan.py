"""The dry run: what every row of the file would do — create, update, unchanged — or why it
cannot be imported. Nothing is written; the import (apply.py) runs the same plan again on the
data as they are then, so a row is never written on the strength of an old check."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.core.permissions import Action
from hoiso.core.scoping import path_q, user_can
from hoiso.core.spreadsheets import Table
from hoiso.core.text import fold
from hoiso.members import selectors
from hoiso.members.importing import quick
from hoiso.members.importing.columns import BY_FIELD
from hoiso.members.importing.parse import READERS, blank, parse_cccd
from hoiso.members.models import Member
from hoiso.members.services import EDITABLE_FIELDS, MemberError, clean_member_data
from hoiso.members.services import _check_admission as check_admission
from hoiso.members.services import _check_unit as check_unit
from hoiso.members.validators import ValueProblem, check_cccd, normalize_cccd
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


def _unfit_text(value: str, name: str) -> bool:
    """Longer than the record keeps, or with control or invisible format characters."""
    return len(value) > _TEXT_LIMITS.get(name, 120) or any(
        unicodedata.category(ch)[0] == "C" for ch in value
    )


_UNCACHED_FIELDS = {"cccd", "phone"}  # nearly every value differs
_CACHE_LIMIT = 50_000


class _Cells:
    """Reads the cells of rows: a column of few distinct values (yes/no, sex, ethnicity,
    dates) reads each distinct value once; phones and CCCDs typed as plain digits are taken
    as they are (quick.py), others go through parse.py's readers."""

    def __init__(self, columns: dict[str, int], headers: list[str]):
        self.columns = list(columns.items())
        self.headers = headers
        self.cache: dict[str, dict] = {name: {} for name, _i in self.columns}
        self.specs = [(name, index, self.cache[name] if name not in _UNCACHED_FIELDS else None,
                       _QUICK.get(name)) for name, index in self.columns]  # fmt: skip

    def read(self, row: list, plan: RowPlan) -> dict:
        values: dict[str, Any] = {}
        for name, index, cache, fast in self.specs:
            cell = row[index]
            if cell is None or cell == "":
                continue
            if fast is not None:
                value = fast(cell)
                if value is not None:
                    values[name] = value
                    continue
            key = cell if type(cell) is str else (type(cell), cell)
            outcome = cache.get(key) if cache is not None else None
            if outcome is None:
                outcome = self._read_one(name, BY_FIELD[name], cell)
                if cache is not None and len(cache) < _CACHE_LIMIT:
                    cache[key] = outcome
            kind, value = outcome
            if kind == _VALUE:
                values[name] = value
            elif kind != "blank":
                self._note(name, index, kind, value, values, plan)
        return values

    def _note(self, name, index, kind, value, values, plan: RowPlan) -> None:
        label = self.headers[index] or BY_FIELD[name].header
        if kind == "problem":
            plan.problems.append(f"{label}: {value}")
        elif kind == "unfit":
            plan.problems.append(_("%(column)s: the text is too long or has invisible characters")
                                 % {"column": label})  # fmt: skip
        elif kind == "restored":
            values[name] = value
            plan.warnings.append(_("%(column)s: the leading zero lost by Excel was put back "
                                   "(%(cccd)s); check it") % {"column": label, "cccd": value})  # fmt: skip

    @staticmethod
    def _read_one(name: str, column, cell) -> tuple[str, Any]:
        if blank(cell):
            return "blank", None
        try:
            if name == "cccd":
                value, restored = parse_cccd(cell)
                return ("restored" if restored else _VALUE), value
            value = READERS[column.kind](cell)
        except ValueProblem as exc:
            return "problem", str(exc)
        if column.kind == "text" and _unfit_text(value, name):
            return "unfit", None
        return _VALUE, value


_VALUE = "value"
_QUICK = {
    "phone": quick.phone_cell,
    "cccd": quick.cccd_cell,
    "date_of_birth": quick.date_cell,
    "joined_on": quick.date_cell,
}


def _read_cells(row: list, columns: dict[str, int], headers: list[str], plan: RowPlan) -> dict:
    return _Cells(columns, headers).read(row, plan)


class Planner:
    """The dry run, a chunk of rows at a time, with what it must remember across chunks:
    the units of the commune, the re-import keys of the commune's members (loaded once),
    and the rows already seen (a member twice in the file is an error)."""

    def __init__(self, *, actor, default_unit: Unit, headers: list[str], mapping: list[str]):
        self.actor = actor
        self.columns = {f: i for i, f in enumerate(mapping) if f}
        self.cells = _Cells(self.columns, headers)
        self.units = _Units(actor, default_unit)
        self.today = timezone.localdate()
        self.seen: dict[object, int] = {}
        self.by_name: dict[tuple, int] = {}
        if "full_name" in self.columns:
            under = Member.objects.filter(path_q("unit_path", [self.units.root.path]))
            for name, born, unit_id, pk in under.values_list(
                "name_folded", "date_of_birth", "unit_id", "pk"
            ).order_by("pk"):
                self.by_name.setdefault((name, born, unit_id), pk)
        self.index = 0
        self._units_cache: dict[tuple[str, str], Unit | str] = {}
        self._unit_refusals: dict[int, str] = {}

    def plan(self, rows: list[tuple[int, list]]) -> list[RowPlan]:
        """Plans of `rows` (spreadsheet row number, cells), in order."""
        plans, all_values = [], []
        for number, cells in rows:
            plan = RowPlan(index=self.index, number=number)
            self.index += 1
            values = self.cells.read(cells, plan)
            unit = self._resolve(values.pop("branch", ""), values.pop("group", ""))
            if isinstance(unit, str):
                plan.problems.append(unit)
            else:
                plan.unit = unit
            plan.joined_on = values.pop("joined_on", None) or self.today
            plan.decision = values.pop("decision", "")
            if plan.joined_on > self.today:
                plan.problems.append(_("the date of joining is in the future"))
            plans.append(plan)
            all_values.append(values)
        by_cccd, by_pk = self._existing(plans, all_values)
        holders = {cccd: m.pk for cccd, m in by_cccd.items()}
        for plan, values in zip(plans, all_values, strict=True):
            _match(plan, values, by_cccd, self.by_name, by_pk, self.seen, self.actor)
            if not plan.problems:
                self._clean(plan, values, by_cccd, holders)
            plan.action = ERROR if plan.problems else plan.action
        return plans

    def _clean(self, plan: RowPlan, values: dict, by_cccd, holders) -> None:
        """_clean, with the unit's check made once per unit and the quick path first."""
        if plan.member is None and plan.unit is not None:
            refusal = self._unit_refusals.get(plan.unit.pk)
            if refusal is None:
                try:
                    check_unit(plan.unit)
                    refusal = ""
                except MemberError as exc:
                    refusal = str(exc)
                self._unit_refusals[plan.unit.pk] = refusal
            if refusal:
                plan.problems.append(refusal)
                return
            cleaned = quick.clean(values, today=self.today, member_pk=None, holders=holders)
            if cleaned is not None:
                try:
                    check_admission(cleaned, plan.joined_on, plan.decision)
                except MemberError as exc:
                    plan.problems.extend(exc.problems)
                    return
                plan.data, plan.action = cleaned, CREATE
                return
        _clean(plan, values, by_cccd, holders, self.today)

    def _resolve(self, branch: str, group: str) -> Unit | str:
        """The unit a row names, or why none: each pair of names resolved once."""
        found = self._units_cache.get((branch, group))
        if found is None:
            try:
                found = self.units.resolve(branch, group)
            except ValueProblem as exc:
                found = str(exc)
            self._units_cache[(branch, group)] = found
        return found

    def _existing(self, plans, all_values) -> tuple[dict[str, Member], dict[int, Member]]:
        """The members the chunk names: by CCCD anywhere (a CCCD is unique nationally), by
        folded name + date of birth + unit among the commune's. Two queries a chunk."""
        cccds = sorted({v["cccd"] for v in all_values if v.get("cccd")})
        by_cccd = {}
        if cccds:
            held = _held_cccds(cccds)
            if held:
                for m in Member.objects.filter(pk__in=held).select_related("unit", "address_area"):
                    by_cccd[m.cccd] = m
        pks = set()
        for plan, values in zip(plans, all_values, strict=True):
            if not values.get("cccd") and values.get("date_of_birth"):
                pk = self.by_name.get(_name_key(plan, values))
                if pk is not None:
                    pks.add(pk)
        by_pk = (
            {
                m.pk: m
                for m in Member.objects.filter(pk__in=pks).select_related("unit", "address_area")
            }
            if pks
            else {}
        )
        return by_cccd, by_pk


def build_plan(*, actor, default_unit: Unit, table: Table, mapping: list[str],
               on_progress: Callable[[int, int], None] | None = None) -> Plan:  # fmt: skip
    """Check every row of a table as the member services would, and say what the import
    would do (the whole table at once; the import streams through Planner instead)."""
    planner = Planner(actor=actor, default_unit=default_unit, headers=table.headers,
                      mapping=mapping)  # fmt: skip
    rows = [(table.row_number(i), row) for i, row in enumerate(table.rows)]
    plans: list[RowPlan] = []
    for start in range(0, len(rows), 5000):
        plans.extend(planner.plan(rows[start : start + 5000]))
        if on_progress:
            on_progress(len(plans), len(rows))
    return Plan(plans)


def _held_cccds(cccds: list[str]) -> list[int]:
    """The pks of the members holding any of `cccds`. On PostgreSQL through unnest(), which
    the planner joins to the unique index: a long IN list makes it scan the whole table."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {Member._meta.db_table} WHERE cccd IN "
                           "(SELECT unnest(%s::varchar[]))", [cccds])  # fmt: skip
            return [pk for (pk,) in cursor.fetchall()]
    return list(Member.objects.filter(cccd__in=cccds).values_list("pk", flat=True))


def _name_key(plan: RowPlan, values: dict) -> tuple:
    return (quick.folded(values.get("full_name", "")), values.get("date_of_birth"),
            getattr(plan.unit, "pk", None))  # fmt: skip


def _match(plan: RowPlan, values: dict, by_cccd, by_name, by_pk, seen: dict, actor) -> None:
    """The record this row is about (CCCD, else folded name + date of birth + unit), and a
    row that repeats an earlier row of the same file."""
    cccd = values.get("cccd")
    name_key = _name_key(plan, values)
    key = ("cccd", cccd) if cccd else ("name", name_key)
    if key in seen:
        plan.problems.append(_("the same member as in row %(row)d") % {"row": seen[key]})
        return
    seen[key] = plan.number
    if cccd:
        member = by_cccd.get(cccd)
    else:
        member = by_pk.get(by_name.get(name_key)) if name_key[1] else None
    if member is not None and not user_can(actor, Action.MANAGE_MEMBERS, member.unit_path):
        plan.problems.append(_("another member already has this citizen ID"))
        return
    plan.member = member


def _fast_clean(data: dict, member: Member | None, by_cccd: dict[str, Member],
                holders: dict[str, int], today: datetime.date) -> dict | None:  # fmt: skip
    """clean_member_data without its one query per row: quick.clean first; else the CCCD is
    checked here with the same validators and against the chunk's CCCDs (loaded in one
    query). None when the row has any problem: the caller asks clean_member_data itself, for
    its exact message."""
    found = quick.clean(data, today=today, member_pk=getattr(member, "pk", None),
                        holders=holders)  # fmt: skip
    if found is not None:
        return found
    cccd = data.get("cccd") or ""
    try:
        cleaned = clean_member_data({**data, "cccd": ""}, member=member)
        cccd, _restored = normalize_cccd(cccd)
        if cccd:
            female = {"F": True, "M": False}.get(cleaned.get("gender") or "F")
            check_cccd(cccd, date_of_birth=cleaned.get("date_of_birth"), female=female)
            holder = by_cccd.get(cccd)
            if holder is not None and (member is None or holder.pk != member.pk):
                return None
    except (MemberError, ValueProblem):
        return None
    cleaned["cccd"] = cccd or None
    return cleaned


def _clean(plan: RowPlan, values: dict, by_cccd: dict[str, Member], holders: dict[str, int],
           today: datetime.date) -> None:  # fmt: skip
    """The member services' own checks: clean_member_data, and for a new member the unit and
    the admission rules (ordinary members are women 18+ on the day they join)."""
    try:
        if plan.member is None:
            check_unit(plan.unit)
            plan.data = (_fast_clean(values, None, by_cccd, holders, today)
                         or clean_member_data(values))  # fmt: skip
            check_admission(plan.data, plan.joined_on, plan.decision)
            plan.action = CREATE
            return
        member = plan.member
        current = {name: getattr(member, name) for name in EDITABLE_FIELDS}
        merged = {**current, **values}
        cleaned = (_fast_clean(merged, member, by_cccd, holders, today)
                   or clean_member_data(merged, member=member))  # fmt: skip
        plan.data = {k: v for k, v in cleaned.items() if getattr(member, k) != v}
        plan.action = UPDATE if plan.data else UNCHANGED
        if plan.unit is not None and plan.unit.pk != member.unit_id:
            plan.warnings.append(_("she belongs to %(unit)s; an import does not move members, "
                                   "use a transfer") % {"unit": member.unit.name})  # fmt: skip
    except MemberError as exc:
        plan.problems.extend(exc.problems)
