"""Writing the checked rows of an import in bulk, with what member_admit and member_update
write for each of them.

The rules are checked before (plan.py runs the services' own checks on every row); this
module writes, a chunk at a time, what the services would have written row by row:

- new members: the record (national member code from its id, folded name and sort key,
  the unit's path), one history row "+" with the acting official and the time, the event
  ADMITTED on the day she joined (reason: the decision of an honorary member). An import
  records no consent, as member_admit records none when none is given;
- updated members: the changed fields, `updated_at`, one history row "~";
- one ImportedMember row per written member (undo reads them);
- the summary counts (members.tally): what each written member adds or changes, summed by
  unit and added once at the end (`apply_tally`), as the services add one member's change
  (tally.apply) — instead of recounting the commune's subtree, which cost a statistics
  refresh (ANALYZE) of the grown tables and a scan of the commune's members.

The audit log gets one entry for the whole import (services.batch_import, with the counts)
instead of one per member.

On PostgreSQL the ids of new members are drawn from the table's sequence first, so that
each record is inserted once with its final code, and every table is loaded with COPY
(core.bulk.copy_rows). On SQLite new members go through bulk_create (their ids give the
codes), updates through bulk_update, the other tables through copy_rows (executemany).
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.core.bulk import copy_rows
from hoiso.members import names, tally
from hoiso.members.importing import quick
from hoiso.members.importing.plan import CREATE, ERROR, UNCHANGED, UPDATE, RowPlan
from hoiso.members.models import ImportBatch, ImportedMember, Member, MemberEvent
from hoiso.members.services import member_code
from hoiso.org.models import Unit

try:  # the driver's own error, raised through COPY, which Django does not wrap
    from psycopg import errors as _pg_errors

    _WRITE_ERRORS: tuple[type[Exception], ...] = (IntegrityError, _pg_errors.IntegrityError)
except ImportError:  # pragma: no cover - psycopg is a dependency
    _WRITE_ERRORS = (IntegrityError,)

HistoricalMember = Member.history.model


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class Writer:
    """Writes chunks of planned rows for one batch. Call `write(rows)` inside the import's
    transaction; a row that fails only now (its CCCD taken since the check) becomes an
    ERROR row and the chunk's other rows are written."""

    def __init__(self, *, actor, batch: ImportBatch):
        self.batch = batch
        self.user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        self.now = timezone.now()
        self.postgres = connection.vendor == "postgresql"
        self.counts = Counts()
        # Rows are built as lists in the order of these columns (attnames), not as dicts.
        self.columns = [f.attname for f in Member._meta.concrete_fields]
        self.position = {name: i for i, name in enumerate(self.columns)}
        self.position["address_area"] = self.position["address_area_id"]
        self.blank_row = [None if f.attname == "id" else f.get_default()
                          for f in Member._meta.concrete_fields]  # fmt: skip
        extra = ("history_id", "history_date", "history_change_reason", "history_type",
                 "history_user_id")  # fmt: skip
        # The member's own columns a history row keeps (the same names in both tables).
        self.history_columns = [f.column for f in HistoricalMember._meta.concrete_fields
                                if f.attname not in extra]  # fmt: skip
        # The summary keys the written rows add, by unit path (added to the table at the
        # end), and where the values they are counted from (tally.FIELDS) are in a row.
        self.tally_by_path: dict[str, Counter] = {}
        self.tally_from = [(name, self.position[Member._meta.get_field(name).attname])
                           for name in tally.FIELDS]  # fmt: skip

    def write(self, rows: list[RowPlan]) -> None:
        todo = [r for r in rows if r.action in (CREATE, UPDATE, UNCHANGED)]
        try:
            with transaction.atomic():
                self._write(todo)
            return
        except _WRITE_ERRORS:
            pass
        # Someone wrote between the check and now: find the rows that clash and write the rest.
        self._recheck(todo)
        todo = [r for r in todo if r.action != ERROR]
        try:
            with transaction.atomic():
                self._write(todo)
            return
        except _WRITE_ERRORS:
            pass
        for row in todo:  # still refused: row by row, to name the rows
            try:
                with transaction.atomic():
                    self._write([row])
            except _WRITE_ERRORS:
                row.action, row.problems = ERROR, [_("Please correct: %(problems)s.") % {
                    "problems": _("another member already has this citizen ID")}]  # fmt: skip

    def _recheck(self, rows: list[RowPlan]) -> None:
        cccds = {r.data.get("cccd") for r in rows if r.data.get("cccd")}
        holders = dict(Member.objects.filter(cccd__in=cccds).values_list("cccd", "pk"))
        for row in rows:
            holder = holders.get(row.data.get("cccd"))
            mine = row.member.pk if row.member is not None else None
            if holder is not None and holder != mine:
                row.action, row.problems = ERROR, [_("Please correct: %(problems)s.") % {
                    "problems": _("another member already has this citizen ID")}]  # fmt: skip

    def _write(self, rows: list[RowPlan]) -> None:
        created = [r for r in rows if r.action == CREATE]
        updated = [r for r in rows if r.action == UPDATE]
        new = [self._new_member(r) for r in created]
        if self.postgres:
            self._create_postgres(new)
        else:
            self._create_portable(new)
        befores = [self._tally_values(r.member) for r in updated]
        changed = [self._changed_member(r) for r in updated]
        fields = sorted({k for r in updated for k in r.data} | {"updated_at"}
                        | ({"name_folded", "name_sort"} if any("full_name" in r.data for r in updated) else set()))  # fmt: skip
        if changed and self.postgres:
            self._update_postgres([values for _m, values in changed], fields)
        elif changed:
            Member.objects.bulk_update([m for m, _d in changed], fields, batch_size=1000)
        user_id, batch_id, now = self.user_id, self.batch.pk, self.now
        admitted, pk = MemberEvent.Kind.ADMITTED, self.position["id"]
        events = [(v[pk], admitted, r.joined_on, None, r.unit.pk, r.decision[:255], user_id, now)
                  for r, v in zip(created, new, strict=True)]  # fmt: skip
        imported = [(batch_id, v[pk], True, r.number) for r, v in zip(created, new, strict=True)]
        imported += [(batch_id, m.pk, False, r.number)
                     for r, (m, _v) in zip(updated, changed, strict=True)]  # fmt: skip
        self._history([values[pk] for values in new], "+")
        self._history([member.pk for member, _v in changed], "~")
        names.remember_words(
            {r.data["full_name"] for r in (*created, *updated) if r.data.get("full_name")}
        )
        copy_rows(MemberEvent, _EVENT_COLUMNS, events)
        copy_rows(ImportedMember, _IMPORTED_COLUMNS, imported)
        self.counts.created += len(created)
        self.counts.updated += len(updated)
        self.counts.unchanged += sum(r.action == UNCHANGED for r in rows)
        self._count(new, befores, changed)

    def _tally_values(self, member: Member) -> dict:
        return {name: getattr(member, name) for name in tally.FIELDS}

    def _count(self, new: list[list], befores: list[dict], changed: list) -> None:
        """Add the keys of tally.member_keys of the written rows to `tally_by_path`, counted
        a column at a time: a new member once, an updated one once with her values after and
        minus once with those before (an import changes no status and writes no LEFT event,
        so her "left:" keys stay as they were)."""
        names = [name for name, _i in self.tally_from]
        positions = [i for _name, i in self.tally_from]
        status, path = names.index("status"), names.index("unit_path")
        added = [tuple(values[i] for i in positions) for values in new]
        added += [tuple(values[i] for i in positions) for _m, values in changed]
        taken = [tuple(before[name] for name in names) for before in befores]
        for sign, rows in ((1, added), (-1, taken)):
            grouped: dict[str, list[tuple]] = {}
            for r in rows:
                if r[status] not in tally.CLOSED:
                    grouped.setdefault(r[path], []).append(r)
            for p, group in grouped.items():
                found = self.tally_by_path.setdefault(p, Counter())
                found["total"] += sign * len(group)
                columns = list(zip(*group, strict=True))
                for dimension in tally.DIMENSIONS:
                    for value, n in Counter(columns[names.index(dimension.field)]).items():
                        key = dimension.key(value)
                        if key:
                            found[key] += sign * n

    def apply_tally(self) -> None:
        """Add what the written rows changed to the summary counts of every tallied unit
        above them (call once, after the last chunk, in the import's transaction), through
        tally.apply once per set of tallied units above the rows (a commune's branches and
        groups share one)."""
        by_path = self.tally_by_path
        self.tally_by_path = {}
        ids = {p: [int(s) for s in p.split(".") if s] for p in by_path}
        tallied = set(Unit.objects.filter(pk__in={i for v in ids.values() for i in v},
                                          kind__in=tally.TALLIED_KINDS).values_list("pk", flat=True))  # fmt: skip
        groups: dict[tuple, tuple[str, Counter]] = {}
        for p, keys in by_path.items():
            above = tuple(i for i in ids[p] if i in tallied)
            if above not in groups:
                groups[above] = (p, Counter())
            groups[above][1].update(keys)
        for above, (p, keys) in sorted(groups.items()):
            keys = Counter({k: n for k, n in keys.items() if n})
            if above and keys:
                tally.apply(None, tally.Footprint(p, keys))

    def _new_member(self, row: RowPlan) -> list:
        """The record member_admit would save, as column values (id first, filled later)."""
        values = self.blank_row.copy()
        position = self.position
        for name, value in row.data.items():
            values[position[name]] = value if name != "address_area" else getattr(value, "pk", None)
        names = quick.name_fields(row.data["full_name"])
        values[position["full_name"]] = names[0]
        values[position["name_folded"]] = names[1]
        values[position["name_sort"]] = names[2]
        unit, joined, now = row.unit, row.joined_on, self.now
        values[position["unit_id"]], values[position["unit_path"]] = unit.pk, unit.path
        values[position["joined_on"]] = values[position["status_since"]] = joined
        values[position["created_at"]] = values[position["updated_at"]] = now
        return values

    def _changed_member(self, row: RowPlan) -> tuple[Member, list]:
        member = row.member
        for name, value in row.data.items():
            setattr(member, name, value)
        member.full_name, member.name_folded, member.name_sort = quick.name_fields(member.full_name)
        member.updated_at = self.now
        return member, [getattr(member, name) for name in self.columns]

    def _history(self, ids: list[int], kind: str) -> None:
        """One history row of `kind` ("+" created, "~" changed) per member of `ids`, as
        simple-history writes on save: her record as stored, the time and the acting
        official. The database copies the stored values itself (INSERT … SELECT): nothing is
        sent per row, and what history keeps is what the record holds."""
        if not ids:
            return
        quote = connection.ops.quote_name
        own = ", ".join(quote(c) for c in self.history_columns)
        insert = (
            f"INSERT INTO {quote(HistoricalMember._meta.db_table)} ({own}, history_date, "
            f"history_change_reason, history_type, history_user_id) "
            f"SELECT {own}, %s, NULL, %s, %s FROM {quote(Member._meta.db_table)} "
        )
        when = connection.ops.adapt_datetimefield_value(self.now)
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    insert + "WHERE id = ANY(%s) ORDER BY id", [when, kind, self.user_id, ids]
                )
                return
            for start in range(0, len(ids), 500):  # SQLite: a bounded number of parameters
                part = ids[start : start + 500]
                cursor.execute(insert + f"WHERE id IN ({', '.join(['%s'] * len(part))}) ORDER BY id",
                               [when, kind, self.user_id, *part])  # fmt: skip

    # --- inserting ---------------------------------------------------------------------------

    def _create_postgres(self, new: list[list]) -> None:
        if not new:
            return
        with connection.cursor() as cursor:
            # One array, not a row per id: the driver decodes it in one go.
            cursor.execute(
                "SELECT array_agg(nextval(pg_get_serial_sequence(%s, 'id'))) "
                "FROM generate_series(1, %s)",
                [Member._meta.db_table, len(new)],
            )
            (ids,) = cursor.fetchone()
        at, code = self.position["id"], self.position["code"]
        for values, pk in zip(new, ids, strict=True):
            values[at], values[code] = pk, member_code(pk)
        copy_rows(Member, self.columns, new)

    def _update_postgres(self, rows: list[list], fields: list[str]) -> None:
        """COPY the new values into a temporary table, then one UPDATE … FROM it."""
        names = {f.name: f for f in Member._meta.concrete_fields}
        columns = [names[f].column for f in fields]
        positions = [self.position["id"], *[self.position[names[f].attname] for f in fields]]
        quote = connection.ops.quote_name
        table = quote(Member._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS hoiso_import_update")
            cursor.execute(f"CREATE TEMP TABLE hoiso_import_update ON COMMIT DROP AS "
                           f"SELECT id, {', '.join(quote(c) for c in columns)} FROM {table} WITH NO DATA")  # fmt: skip
            with cursor.cursor.copy(f"COPY hoiso_import_update (id, {', '.join(quote(c) for c in columns)}) FROM STDIN") as copy:  # fmt: skip
                for row in rows:
                    copy.write_row([row[i] for i in positions])
            sets = ", ".join(f"{quote(c)} = u.{quote(c)}" for c in columns)
            cursor.execute(
                f"UPDATE {table} m SET {sets} FROM hoiso_import_update u WHERE m.id = u.id"
            )
            cursor.execute("DROP TABLE hoiso_import_update")

    def _create_portable(self, new: list[list]) -> None:
        if not new:
            return
        objects = []
        at, code = self.position["id"], self.position["code"]
        for values in new:
            values[code] = f"tmp{uuid.uuid4().hex[:12]}"
            fields = {n: v for n, v in zip(self.columns, values, strict=True) if n != "id"}
            objects.append(Member(**fields))
        Member.objects.bulk_create(objects, batch_size=500)
        for values, member in zip(new, objects, strict=True):
            member.code = member_code(member.pk)
            values[at], values[code] = member.pk, member.code
        Member.objects.bulk_update(objects, ["code"], batch_size=500)


_EVENT_COLUMNS = ("member_id", "kind", "on", "from_unit_id", "to_unit_id", "reason", "actor_id",
                  "created_at")  # fmt: skip
_IMPORTED_COLUMNS = ("batch_id", "member_id", "created", "row_number")
