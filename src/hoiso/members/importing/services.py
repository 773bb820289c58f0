"""Import batches: creating one from an upload, confirming its columns, the dry run, the
import and its undoing. Tasks and views call these; each checks the actor's scope again."""

from __future__ import annotations

import datetime
import os

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.core import audit
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.core.spreadsheets import SpreadsheetError, Table, read_table
from hoiso.members.importing.apply import Outcome, Written, resync_tally, run_pass
from hoiso.members.importing.columns import BY_FIELD, REQUIRED, propose_mapping, remembered_from
from hoiso.members.importing.plan import CREATE, ERROR, UNCHANGED, UPDATE
from hoiso.members.importing.reader import MAX_ROWS, Sheet, open_sheet
from hoiso.members.importing.report import error_report
from hoiso.members.models import ImportBatch, ImportedMember, ImportMapping, Member, MemberEvent
from hoiso.members.services import MemberError
from hoiso.org.models import Unit

UNDO_REASON = "Import undone"  # gettext at use; the catalogue says "Hoàn tác lần nhập"


def _require(actor, unit: Unit) -> None:
    if not user_can(actor, Action.MANAGE_MEMBERS, unit.path):
        raise MemberError(_("You may change members only in your own unit and those below it."))


def batch_create(*, actor, unit: Unit, file_name: str, data: bytes) -> ImportBatch:
    """Store the upload and propose the mapping (the unit's last one for the same headers).
    The file is read once here: a broken file is refused before anything is kept."""
    _require(actor, unit)
    sheet = open_sheet(data, file_name)
    if sheet.estimated_rows > MAX_ROWS * 2:  # the exact count is checked as the rows are read
        raise SpreadsheetError(_("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS})
    remembered = ImportMapping.objects.filter(unit=unit).values_list("columns", flat=True).first()
    samples = column_samples(sheet)
    stored = default_storage.save(f"uploads/members/{file_name[-80:]}", ContentFile(data))
    return ImportBatch.objects.create(
        unit=unit, file_name=file_name[-200:], stored_name=stored, headers=sheet.headers,
        mapping=propose_mapping(sheet.headers, remembered), created_by=actor,
        outcome={"samples": samples},
    )  # fmt: skip


SAMPLE_ROWS, SAMPLE_WIDTH = 3, 40


def column_samples(sheet: Sheet) -> list[list[str]]:
    """A few values of each column from the first rows, shown beside the column to map
    ("e.g. Nguyễn Thị Lan · Trần Thị Mai"); deleted with the file past its retention."""
    first = next(sheet.chunks(SAMPLE_ROWS), [])
    samples: list[list[str]] = [[] for _h in sheet.headers]
    for _number, cells in first:
        for index, value in enumerate(cells):
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if isinstance(value, datetime.datetime | datetime.date):
                text = f"{value:%d/%m/%Y}"
            elif isinstance(value, float) and value.is_integer():
                text = str(int(value))
            else:
                text = str(value).strip()
            samples[index].append(text[:SAMPLE_WIDTH])
    return samples


def load_sheet(batch: ImportBatch) -> Sheet:
    with default_storage.open(batch.stored_name, "rb") as handle:
        return open_sheet(handle.read(), batch.file_name)


def load_table(batch: ImportBatch) -> Table:
    with default_storage.open(batch.stored_name, "rb") as handle:
        return read_table(handle.read(), batch.file_name, max_rows=MAX_ROWS)


def check_mapping(headers: list[str], mapping: list[str]) -> list[str]:
    """What is wrong with a mapping, for the form: a required field missing or a field twice."""
    problems = []
    chosen = [f for f in mapping if f]
    for name in REQUIRED:
        if name not in chosen:
            problems.append(
                _("Choose the column that holds “%(field)s”.") % {"field": BY_FIELD[name].label}
            )
    for name in sorted({f for f in chosen if chosen.count(f) > 1}):
        problems.append(
            _("“%(field)s” is chosen for more than one column.") % {"field": BY_FIELD[name].label}
        )
    return problems


@transaction.atomic
def purged_refusal(batch: ImportBatch) -> str:
    """Why the batch's file can no longer be read ("" while it is kept)."""
    if batch.stored_name:
        return ""
    return _("The uploaded file and its error report were deleted %(days)d days after the "
             "upload (personal data is not kept longer); upload the list again.") % {
        "days": settings.HOISO_IMPORT_RETENTION_DAYS}  # fmt: skip


def batches_purge(*, now=None) -> int:
    """Delete the uploaded files and error reports of batches older than the retention period
    (settings.HOISO_IMPORT_RETENTION_DAYS); the batches stay, with their counts and the
    records of which members they wrote (undo still works). Returns how many were purged."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.HOISO_IMPORT_RETENTION_DAYS)
    running = (ImportBatch.Status.CHECKING, ImportBatch.Status.IMPORTING)
    old = ImportBatch.objects.filter(created_at__lt=cutoff).exclude(stored_name="")
    count = 0
    for batch in old.exclude(status__in=running).iterator():
        with transaction.atomic():
            for name in (batch.stored_name, (batch.outcome or {}).get("report")):
                if name:
                    default_storage.delete(name)
            # The listed rows' reasons may quote the file's values: only the counts stay.
            batch.stored_name = ""
            batch.outcome = {
                "rows": [],
                "report": None,
                "purged_on": timezone.localdate().isoformat(),
            }
            batch.save(update_fields=["stored_name", "outcome"])
            audit.record(actor=None, action="member.import_purge", obj=batch,
                         unit_path=batch.unit_path, details={"file": batch.file_name})  # fmt: skip
        count += 1
    return count


def batch_map(*, actor, batch: ImportBatch, mapping: list[str]) -> ImportBatch:
    """Confirm the columns; the unit remembers them for its next file."""
    _require(actor, batch.unit)
    if purged_refusal(batch):
        raise MemberError(purged_refusal(batch))
    if batch.status not in (
        ImportBatch.Status.MAPPING,
        ImportBatch.Status.CHECKED,
        ImportBatch.Status.FAILED,
    ):
        raise MemberError(_("This import can no longer be changed."))
    problems = check_mapping(batch.headers, mapping)
    if problems or len(mapping) != len(batch.headers):
        raise MemberError(" ".join(problems) or _("The columns do not match the file."))
    batch.mapping, batch.status = mapping, ImportBatch.Status.CHECKING
    batch.save(update_fields=["mapping", "status"])
    ImportMapping.objects.update_or_create(
        unit=batch.unit, defaults={"columns": remembered_from(batch.headers, mapping)}
    )
    return batch


def _store_outcome(batch: ImportBatch, outcome: Outcome) -> None:
    counts = outcome.counts
    batch.rows_total = outcome.total
    batch.rows_created, batch.rows_updated = counts[CREATE], counts[UPDATE]
    batch.rows_unchanged, batch.rows_error = counts[UNCHANGED], counts[ERROR]
    previous = (batch.outcome or {}).get("report")
    report = ""
    if outcome.report_rows:
        with open(outcome.report_path, "rb") as handle:
            report = default_storage.save(f"reports/members/loi-nhap-{batch.pk}.xlsx", File(handle))
    os.unlink(outcome.report_path)
    if previous and previous != report:
        default_storage.delete(previous)
    samples = (batch.outcome or {}).get("samples", [])
    batch.outcome = {"rows": outcome.listed(), "report": report, "samples": samples}


def batch_check(*, actor, batch: ImportBatch, on_progress=None) -> Outcome:
    """The dry run: every row's problems and what would happen; nothing else is written."""
    _require(actor, batch.unit)
    outcome = run_pass(actor=actor, batch=batch, sheet=load_sheet(batch), mode=None,
                       on_progress=on_progress)  # fmt: skip
    _store_outcome(batch, outcome)
    batch.status = ImportBatch.Status.CHECKED
    batch.save()
    return outcome


def batch_claim(*, actor, batch: ImportBatch) -> None:
    """Mark a checked batch as importing, once: a second click (or a second tab) is refused
    instead of queueing the same rows twice."""
    _require(actor, batch.unit)
    if purged_refusal(batch):
        raise MemberError(purged_refusal(batch))
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKED).update(
        status=ImportBatch.Status.IMPORTING
    )
    if not claimed:
        raise MemberError(_("This import cannot be started now."))
    batch.status = ImportBatch.Status.IMPORTING


def batch_import(*, actor, batch: ImportBatch, mode: str, on_progress=None) -> Written:
    """Check again on today's data and write in bulk (importing/bulk.py): all or nothing,
    or only the valid rows. One audit entry names the counts."""
    _require(actor, batch.unit)
    if mode not in ImportBatch.Mode.values:
        raise MemberError(_("Choose how to import."))
    with transaction.atomic():
        outcome = run_pass(actor=actor, batch=batch, sheet=load_sheet(batch), mode=mode,
                           on_progress=on_progress)  # fmt: skip
        written = outcome.written
        _store_outcome(batch, outcome)
        if written.created or written.updated or mode == ImportBatch.Mode.VALID_ONLY:
            batch.mode = mode
            batch.rows_created, batch.rows_updated = written.created, written.updated
            batch.status, batch.imported_at = ImportBatch.Status.DONE, timezone.now()
        else:  # all or nothing with a bad row: nothing written, the official fixes and tries again
            batch.status = ImportBatch.Status.CHECKED
        batch.save()
        if written.created or written.updated:
            audit.record(actor=actor, action="member.import", obj=batch, details={
                "mode": mode, "created": written.created, "updated": written.updated,
                "unchanged": written.unchanged, "errors": batch.rows_error,
            })  # fmt: skip
    return written


def batch_report(*, batch: ImportBatch) -> bytes:
    """The rows with problems of the last check or import, with their reasons: the report
    the pass wrote, or (for a batch checked before reports were kept) one made again from
    the rows listed."""
    stored = (batch.outcome or {}).get("report")
    if stored and default_storage.exists(stored):
        with default_storage.open(stored, "rb") as handle:
            return handle.read()
    table = load_table(batch)
    number_to_index = {table.row_number(i): i for i in range(len(table.rows))}
    problems = {number_to_index[r["n"]]: "; ".join(r["problems"])
                for r in batch.outcome.get("rows", []) if r["problems"] and r["n"] in number_to_index}  # fmt: skip
    return error_report(table, problems)


def undo_refusal(batch: ImportBatch) -> str:
    """Why this batch cannot be undone ("" when it can).

    The rule: undo marks the members the batch created as left ("Import undone", with an
    event; records are never deleted). It is refused once any of them changed after the
    import (edited, transferred, left, updated by a later import): undoing would silently
    throw that later work away. Records the batch updated keep their values; each previous
    version is in the member's history, restorable one by one.
    """
    if batch.status != ImportBatch.Status.DONE:
        return _("Only a finished import can be undone.")
    created = Member.objects.filter(pk__in=batch.members.filter(created=True).values("member_id"))
    if (
        created.exclude(status=Member.Status.ACTIVE).exists()
        or created.filter(updated_at__gt=batch.imported_at).exists()
    ):
        return _("Members of this import have changed since; undo them one by one.")
    return ""


@transaction.atomic
def batch_undo(*, actor, batch: ImportBatch) -> int:
    """Mark the members the batch created as left; see undo_refusal for the rule."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _require(actor, batch.unit)
    refusal = undo_refusal(batch)
    if refusal:
        raise MemberError(refusal)
    today, reason = timezone.localdate(), _(UNDO_REASON)
    records = ImportedMember.objects.filter(batch=batch, created=True).select_related("member")
    count = 0
    for record in records:
        member = record.member
        member.status, member.status_since, member.status_reason = Member.Status.LEFT, today, reason
        member.save()
        MemberEvent.objects.create(member=member, kind=MemberEvent.Kind.LEFT, on=today,
                                   from_unit=member.unit, reason=reason, actor=actor)  # fmt: skip
        count += 1
    batch.status, batch.undone_at = ImportBatch.Status.UNDONE, timezone.now()
    batch.save(update_fields=["status", "undone_at"])
    if count:
        resync_tally(batch)
    audit.record(actor=actor, action="member.import_undo", obj=batch, details={"members": count})
    return count
