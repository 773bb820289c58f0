"""Writing a checked plan through the member services (member_admit, member_update), so that
every row written obeys exactly the rules of the forms: events, history and audit included."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from hoiso.members.importing.plan import CREATE, ERROR, UNCHANGED, UPDATE, Plan, RowPlan
from hoiso.members.models import ImportBatch, ImportedMember
from hoiso.members.services import MemberError, member_admit, member_update


@dataclass
class Written:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    records: list[ImportedMember] = field(default_factory=list)


class _Rollback(Exception):
    def __init__(self, row: RowPlan, message: str):
        self.row, self.message = row, message


def _write(actor, batch: ImportBatch, row: RowPlan, written: Written) -> None:
    if row.action == CREATE:
        member = member_admit(actor=actor, unit=row.unit, data=row.data, joined_on=row.joined_on,
                              decision=row.decision)  # fmt: skip
        written.created += 1
    elif row.action == UPDATE:
        member = member_update(actor=actor, member=row.member, data=row.data)
        written.updated += 1
    else:
        written.unchanged += 1
        return
    written.records.append(ImportedMember(batch=batch, member=member, created=row.action == CREATE,
                                          row_number=row.number))  # fmt: skip


def apply_plan(*, actor, batch: ImportBatch, plan: Plan, mode: str,
               on_progress: Callable[[int, int], None] | None = None) -> Written:  # fmt: skip
    """All or nothing: write only when no row has a problem, in one transaction (a row the
    services refuse now undoes the rest). Valid rows only: each row on its own; a row refused
    now becomes a row with a problem, for the error report."""
    written = Written()
    total = len(plan.rows)
    if mode == ImportBatch.Mode.ALL_OR_NOTHING:
        if any(r.action == ERROR for r in plan.rows):
            written.failed = sum(r.action == ERROR for r in plan.rows)
            return written
        try:
            with transaction.atomic():
                for i, row in enumerate(plan.rows):
                    try:
                        _write(actor, batch, row, written)
                    except MemberError as exc:
                        raise _Rollback(row, str(exc)) from exc
                    if on_progress and i % 200 == 0:
                        on_progress(i, total)
                ImportedMember.objects.bulk_create(written.records)
        except _Rollback as stop:
            stop.row.action, stop.row.problems = ERROR, [stop.message]
            return Written(failed=1)
        return written
    for i, row in enumerate(plan.rows):
        if row.action == ERROR:
            written.failed += 1
            continue
        try:
            with transaction.atomic():
                _write(actor, batch, row, written)
        except MemberError as exc:
            row.action, row.problems = ERROR, [str(exc)]
            written.failed += 1
        if on_progress and i % 200 == 0:
            on_progress(i, total)
    ImportedMember.objects.bulk_create(written.records)
    return written


__all__ = ["apply_plan", "Written", "CREATE", "UPDATE", "UNCHANGED"]
