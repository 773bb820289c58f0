"""The summary table of member counts (MemberTally): what national and provincial dashboards
read instead of counting hundreds of thousands of records.

A member counts under a set of keys ("total", "core", "edu:primary", "born:1980",
"joined:2024-03", "left:2025-06", …), all defined once in DIMENSIONS and LEFT_KINDS below,
both for one member (Python, when a service changes her) and for a whole subtree (SQL
GROUP BY, when a subtree is recounted). Every tallied unit (TALLIED_KINDS) holds the counts
of its whole subtree, so a dashboard reads one unit's few hundred rows.

Keeping it current:
- a service that changes one member takes her `footprint` before and after and calls
  `apply(before, after)`: the difference is added to the tallied units above her, in the
  same transaction (INSERT … ON CONFLICT DO UPDATE adds atomically on both databases);
- an import adds what it wrote by difference too (`importing.bulk.Writer.apply_tally`: the
  tallied values of every row written, summed per set of units above them, through `apply`);
- a restructuring and an import's undo call `resync(unit)`: the unit's subtree is recounted
  from the records and the difference carried to the units above it;
- `manage.py members_tally` rebuilds everything and reports every difference it repaired.

Counts are of today: current members are those not closed (left, died, transferred out);
"left:" keys count LEFT and DIED events by the month they happened, under the member's
current unit, as the live statistics do.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F
from django.db.models.functions import ExtractYear, TruncMonth

from hoiso.core.scoping import path_q
from hoiso.members.models import Member, MemberEvent, MemberTally
from hoiso.org.models import PATH_SEGMENT_WIDTH, Unit

TALLIED_KINDS = (Unit.Kind.CENTRAL, Unit.Kind.PROVINCE, Unit.Kind.COMMUNE, Unit.Kind.AFFILIATED)
CLOSED = (Member.Status.LEFT, Member.Status.DECEASED, Member.Status.TRANSFERRED_OUT)
LEFT_KINDS = (MemberEvent.Kind.LEFT, MemberEvent.Kind.DIED)
DIGITAL = ("has_phone", "has_smartphone", "has_internet", "uses_zalo", "uses_facebook",
           "uses_tiktok", "has_bank_account", "pays_cashless")  # fmt: skip


def _month(day: datetime.date | None) -> str:
    return f"{day:%Y-%m}" if day else ""


@dataclass(frozen=True)
class Dimension:
    """A key family. `kind`: "flag" counts members with the field true under `prefix`;
    "value" counts under `prefix:value`; "year" and "month" under the date's year or month."""

    prefix: str
    field: str
    kind: str = "value"

    def key(self, value) -> str | None:
        if self.kind == "flag":
            return self.prefix if value else None
        if self.kind == "year":
            return f"{self.prefix}:{value.year if value else ''}"
        if self.kind == "month":
            return f"{self.prefix}:{_month(value)}"
        return f"{self.prefix}:{'' if value is None else value}"

    def expression(self):
        if self.kind == "year":
            return ExtractYear(self.field)
        if self.kind == "month":
            return TruncMonth(self.field)
        return F(self.field)

    def sql_key(self, value) -> str:
        """The key of a GROUP BY value (a year number, a month's first day, a raw value)."""
        if self.kind == "year":
            return f"{self.prefix}:{'' if value is None else int(value)}"
        if self.kind == "month" and isinstance(value, datetime.datetime):
            value = value.date()
        return self.key(value)


DIMENSIONS = (
    Dimension("type", "member_type"),
    Dimension("core", "is_core", "flag"),
    Dimension("party", "party_member", "flag"),
    Dimension("vneid", "vneid_level"),
    Dimension("edu", "education"),
    Dimension("household", "household"),
    Dimension("eth", "ethnicity"),
    Dimension("rel", "religion"),
    Dimension("born", "date_of_birth", "year"),
    Dimension("joined", "joined_on", "month"),
    *(Dimension(f"digital:{name}", name, "flag") for name in DIGITAL),
)
FIELDS = ("status", "unit_path", *(d.field for d in DIMENSIONS))


# --- one member ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Footprint:
    """Where a member counts and under which keys, at one moment."""

    unit_path: str
    keys: Counter


def member_keys(values: dict, left_on: Iterable[datetime.date] = ()) -> Counter:
    """The keys of one member, from her stored values (field name → value) and the dates of
    her LEFT/DIED events."""
    keys: Counter = Counter()
    if values["status"] not in CLOSED:
        keys["total"] += 1
        for dimension in DIMENSIONS:
            key = dimension.key(values[dimension.field])
            if key:
                keys[key] += 1
    for day in left_on:
        keys[f"left:{_month(day)}"] += 1
    return keys


def footprint(member: Member) -> Footprint:
    """The keys the member counts under as stored now (two queries: her row, re-read so that
    a stale copy cannot skew the counts, and her LEFT/DIED events)."""
    values = Member.objects.filter(pk=member.pk).values(*FIELDS).get()
    events = MemberEvent.objects.filter(member_id=member.pk, kind__in=LEFT_KINDS)
    keys = member_keys(values, events.values_list("on", flat=True))
    return Footprint(values["unit_path"], keys)


def apply(before: Footprint | None, after: Footprint | None) -> None:
    """Add the change from `before` to `after` to every tallied unit above the member."""
    changes: Counter = Counter()
    for print_, sign in ((before, -1), (after, 1)):
        if print_ is None:
            continue
        for unit_id in _tallied_ancestors(print_.unit_path):
            for key, n in print_.keys.items():
                changes[(unit_id, key)] += sign * n
    _add({k: n for k, n in changes.items() if n})


def _path_ids(path: str) -> list[int]:
    return [int(s) for s in path.split(".") if s]


def _tallied_ancestors(path: str) -> list[int]:
    ids = _path_ids(path)
    if not ids:
        return []
    return list(
        Unit.objects.filter(pk__in=ids, kind__in=TALLIED_KINDS).values_list("pk", flat=True)
    )


def _add(changes: dict[tuple[int, str], int]) -> None:
    """counts += change, creating missing rows; atomic per row on PostgreSQL and SQLite."""
    if not changes:
        return
    table = connection.ops.quote_name(MemberTally._meta.db_table)
    unit, key, count = (connection.ops.quote_name(c) for c in ("unit_id", "key", "count"))
    sql = (
        f"INSERT INTO {table} ({unit}, {key}, {count}) VALUES (%s, %s, %s) "
        f"ON CONFLICT ({unit}, {key}) DO UPDATE SET {count} = {table}.{count} + excluded.{count}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(u, k, n) for (u, k), n in sorted(changes.items())])


# --- a whole subtree ----------------------------------------------------------------------


def count_subtree(unit: Unit) -> dict[int, Counter]:
    """Fresh counts of every tallied unit in `unit`'s subtree, from the records: one GROUP
    BY per key family over the member's unit, rolled up to the tallied units above it."""
    tallied = dict(
        Unit.objects.subtree(unit).filter(kind__in=TALLIED_KINDS).values_list("pk", "path")
    )
    counts: dict[int, Counter] = {pk: Counter() for pk in tallied}
    members = Member.objects.filter(path_q("unit_path", [unit.path])).exclude(status__in=CLOSED)
    above = _ancestors_within(unit, tallied)

    def add(rows: Iterable[tuple[str, str, int]]) -> None:
        for path, key, n in rows:
            for pk in above(path):
                counts[pk][key] += n

    add((p, "total", n) for p, n in members.values_list("unit_path").annotate(n=Count("pk")))
    for dimension in DIMENSIONS:
        rows = members
        if dimension.kind == "flag":
            rows = rows.filter(**{dimension.field: True}).values_list("unit_path")
            add((p, dimension.prefix, n) for p, n in rows.annotate(n=Count("pk")))
            continue
        rows = rows.annotate(v=dimension.expression()).values_list("unit_path", "v")
        add((p, dimension.sql_key(v), n) for p, v, n in rows.annotate(n=Count("pk")))
    left = (
        MemberEvent.objects.filter(path_q("member__unit_path", [unit.path]), kind__in=LEFT_KINDS)
        .annotate(v=TruncMonth("on"))
        .values_list("member__unit_path", "v")
        .annotate(n=Count("pk"))
    )
    add((p, f"left:{_month(_as_date(v))}", n) for p, v, n in left)
    return counts


def _as_date(value) -> datetime.date | None:
    return value.date() if isinstance(value, datetime.datetime) else value


def _ancestors_within(unit: Unit, tallied: dict[int, str]):
    """path → the tallied units of the subtree at or above it (memoised per path)."""
    width = PATH_SEGMENT_WIDTH + 1
    start = len(unit.path) - width
    cache: dict[str, list[int]] = {}

    def above(path: str) -> list[int]:
        found = cache.get(path)
        if found is None:
            ids = (int(path[i : i + PATH_SEGMENT_WIDTH]) for i in range(start, len(path), width))
            found = cache[path] = [pk for pk in ids if pk in tallied]
        return found

    return above


def stored(unit_ids: Iterable[int]) -> dict[int, Counter]:
    counts: dict[int, Counter] = {}
    rows = MemberTally.objects.filter(unit_id__in=list(unit_ids)).values_list(
        "unit_id", "key", "count"
    )
    for unit_id, key, n in rows.iterator(chunk_size=10_000):
        if n:
            counts.setdefault(unit_id, Counter())[key] = n
    return counts


@dataclass
class Difference:
    unit_id: int
    key: str
    stored: int
    counted: int


def resync(units: Iterable[Unit], *, write: bool = True) -> list[Difference]:
    """Recount the subtrees of `units` from the records, store the counts, and carry each
    subtree's difference to the tallied units above it. Returns what differed (with
    write=False only that: nothing is stored)."""
    differences: list[Difference] = []
    for unit in _outermost(units):
        if unit.kind not in TALLIED_KINDS:  # a tree with no tallied unit: nothing to keep
            continue
        fresh = count_subtree(unit)
        old = stored(fresh)
        for pk in fresh:
            for key in set(fresh[pk]) | set(old.get(pk, ())):
                if fresh[pk][key] != old.get(pk, Counter())[key]:
                    differences.append(
                        Difference(pk, key, old.get(pk, Counter())[key], fresh[pk][key])
                    )
        if not write:
            continue
        top = fresh[unit.pk]
        old_top = old.get(unit.pk, Counter())
        outside = [pk for pk in _tallied_ancestors(unit.path) if pk not in fresh]
        delta = Counter(top)
        delta.subtract(old_top)
        _add({(pk, key): n for pk in outside for key, n in delta.items() if n})
        _replace(fresh)
    return differences


def _outermost(units: Iterable[Unit]) -> list[Unit]:
    """The tallied unit at or nearest above each given unit (a branch's counts live in its
    commune), without those inside another one's subtree (recounted with it)."""
    found = {}
    for unit in units:
        if unit.kind not in TALLIED_KINDS:
            ids = _tallied_ancestors(unit.path)
            unit = Unit.objects.filter(pk__in=ids).order_by("-depth").first() or unit
        found[unit.pk] = unit
    chosen: list[Unit] = []
    for unit in sorted(found.values(), key=lambda u: len(u.path)):
        if not any(unit.path.startswith(c.path) for c in chosen):
            chosen.append(unit)
    return chosen


def _replace(fresh: dict[int, Counter]) -> None:
    MemberTally.objects.filter(unit_id__in=list(fresh)).delete()
    MemberTally.objects.bulk_create(
        (MemberTally(unit_id=pk, key=key, count=n) for pk, keys in fresh.items()
         for key, n in keys.items() if n),
        batch_size=5000,
    )  # fmt: skip


def after_restructuring(*, restructuring) -> None:
    """Units moved, merged or split: recount the lowest unit above everything the
    restructuring touched, or, when the touched units share none (provinces merging), the
    whole trees they are in."""
    paths = [u.path for u in restructuring.units.all()]
    anchor = Unit.objects.filter(path=restructuring.unit_path).first()
    if anchor is not None and all(p.startswith(anchor.path) for p in paths):
        resync([anchor])
    else:
        roots = {p[: PATH_SEGMENT_WIDTH + 1] for p in paths}
        resync(list(Unit.objects.filter(path__in=roots)))


def replace_all(by_path: dict[str, Counter]) -> None:
    """Store counts computed elsewhere from every member there is (the demo, which generates
    them): `by_path` holds the keys of all members by their unit's path (member_keys summed);
    they are rolled up to the tallied units and replace the whole table."""
    tallied = set(Unit.objects.filter(kind__in=TALLIED_KINDS).values_list("pk", flat=True))
    fresh: dict[int, Counter] = {pk: Counter() for pk in tallied}
    for path, keys in by_path.items():
        for pk in _path_ids(path):
            if pk in tallied:
                fresh[pk].update(keys)
    MemberTally.objects.all().delete()
    _replace(fresh)


def rebuild(*, write: bool = True) -> list[Difference]:
    """Recount every tree from its top units (`manage.py members_tally`)."""
    roots = Unit.objects.filter(parent__isnull=True)
    return resync(list(roots), write=write)


def counts(unit: Unit) -> Counter | None:
    """The stored counts of a tallied unit, or None when it has none (use the live count)."""
    if unit.kind not in TALLIED_KINDS:
        return None
    rows = MemberTally.objects.filter(unit=unit).values_list("key", "count")
    return Counter({key: n for key, n in rows if n}) or None


def totals(units: Iterable[Unit]) -> dict[int, int]:
    """Current members of each tallied unit's subtree, from the summary table."""
    rows = MemberTally.objects.filter(unit__in=list(units), key="total")
    return dict(rows.values_list("unit_id", "count"))
