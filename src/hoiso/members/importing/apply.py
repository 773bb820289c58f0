"""One pass over an import's file: read, check and (for an import) write, a chunk of rows at
a time, so that memory stays flat whatever the file's size; the error report is written
along the way.

The dry run and the import run the same pass: the import checks every row again on the
data as they are then, so a row is never written on the strength of an old check. Both
modes write in one transaction. All or nothing: once a row has a problem nothing more is
written, the remaining rows are still checked (the official sees every problem at once)
and the transaction is rolled back. Valid rows only: rows with problems are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import capfirst

from hoiso.members import tally
from hoiso.members.importing.bulk import Writer
from hoiso.members.importing.plan import CREATE, ERROR, UNCHANGED, UPDATE, Planner, RowPlan
from hoiso.members.importing.reader import Sheet
from hoiso.members.importing.report import ErrorReport
from hoiso.members.models import ImportBatch

CHUNK = 5000


@dataclass
class Written:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0


@dataclass
class Outcome:
    """What the pass found: counts by action, the rows the official must read (at most
    `limit` with problems, then with warnings), and the error report's temporary path."""

    limit: int
    counts: dict[str, int] = field(
        default_factory=lambda: {CREATE: 0, UPDATE: 0, UNCHANGED: 0, ERROR: 0}
    )
    problems: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    written: Written = field(default_factory=Written)
    report_path: str = ""
    report_rows: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, row: RowPlan) -> None:
        self.counts[row.action] += 1
        if row.problems and len(self.problems) < self.limit:
            self.problems.append(row.as_json())
        elif row.warnings and not row.problems and len(self.warnings) < self.limit:
            self.warnings.append(row.as_json())

    def listed(self) -> list[dict]:
        return (self.problems + self.warnings)[: self.limit]


def run_pass(*, actor, batch: ImportBatch, sheet: Sheet, mode: str | None,
             on_progress: Callable[[int, int], None] | None = None) -> Outcome:  # fmt: skip
    """The dry run (`mode` None) or the import of `sheet` into `batch`."""
    outcome = Outcome(limit=ImportBatch.MAX_LISTED)
    report = ErrorReport(sheet.headers)
    try:
        if mode is None:
            _check(actor, batch, sheet, outcome, report, on_progress)
        else:
            _import(actor, batch, sheet, mode, outcome, report, on_progress)
    except BaseException:
        os.unlink(report.close())
        raise
    outcome.report_rows = report.rows
    outcome.report_path = report.close()
    return outcome


def _planner(actor, batch: ImportBatch, sheet: Sheet) -> Planner:
    return Planner(actor=actor, default_unit=batch.unit, headers=sheet.headers,
                   mapping=batch.mapping)  # fmt: skip


def _chunks(actor, batch, sheet: Sheet, on_progress):
    planner = _planner(actor, batch, sheet)
    done = 0
    for chunk in sheet.chunks(CHUNK):
        plans = planner.plan(chunk)
        yield chunk, plans
        done += len(chunk)
        if on_progress:
            on_progress(done, max(sheet.estimated_rows, done))


def _note(outcome: Outcome, report: ErrorReport, chunk, plans: list[RowPlan]) -> None:
    for (_number, cells), row in zip(chunk, plans, strict=True):
        outcome.add(row)
        if row.problems:
            report.add(cells, "; ".join(capfirst(p) for p in row.problems))


def _check(actor, batch, sheet, outcome, report, on_progress) -> None:
    for chunk, plans in _chunks(actor, batch, sheet, on_progress):
        _note(outcome, report, chunk, plans)


def _import(actor, batch, sheet, mode, outcome, report, on_progress) -> None:
    all_or_nothing = mode == ImportBatch.Mode.ALL_OR_NOTHING
    with transaction.atomic():
        writer = Writer(actor=actor, batch=batch)
        for chunk, plans in _chunks(actor, batch, sheet, on_progress):
            failing = outcome.counts[ERROR] or any(r.action == ERROR for r in plans)
            if not (all_or_nothing and failing):
                writer.write(plans)  # a row refused only now becomes an ERROR row
            _note(outcome, report, chunk, plans)
        failed = outcome.counts[ERROR]
        if all_or_nothing and failed:
            transaction.set_rollback(True)
            outcome.written = Written(failed=failed)
            return
        counts = writer.counts
        outcome.written = Written(created=counts.created, updated=counts.updated,
                                  unchanged=counts.unchanged, failed=failed)  # fmt: skip
        if counts.created or counts.updated:
            writer.apply_tally()


def resync_tally(batch: ImportBatch) -> None:
    """The summary table of counts follows the members written, in the same transaction:
    the commune's subtree is recounted (cheaper than a difference per member)."""
    tally.resync([_commune(batch)])


def _commune(batch: ImportBatch):
    from hoiso.org.models import Unit

    prefixes = [batch.unit.path[:i] for i in range(1, len(batch.unit.path) + 1)]
    commune = (Unit.objects.filter(kind=Unit.Kind.COMMUNE, path__in=prefixes)
               .order_by("-depth").first())  # fmt: skip
    return commune or batch.unit
