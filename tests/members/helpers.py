"""Helpers for the member tests: valid CCCDs, admissions, and a snapshot of member rows."""

from __future__ import annotations

import datetime
import itertools

from tests.helpers import db_snapshot as org_snapshot

_serial = itertools.count(1)

BORN = datetime.date(1990, 5, 12)


def make_cccd(
    province: str = "092",
    *,
    born: datetime.date = BORN,
    female: bool = True,
    serial: int | None = None,
) -> str:
    """A CCCD that agrees with its holder: province code, century/sex digit, year, serial."""
    century_digit = {1800: 8, 1900: 0, 2000: 2, 2100: 4, 2200: 6}[born.year // 100 * 100]
    serial = next(_serial) if serial is None else serial
    return f"{province}{century_digit + (1 if female else 0)}{born.year % 100:02d}{serial:06d}"


def member_data(**overrides) -> dict:
    """The fields of an ordinary member, as the admission form sends them."""
    data = {
        "full_name": "Nguyễn Thị Lan",
        "date_of_birth": BORN,
        "gender": "F",
        "phone": "",
        "cccd": "",
    }
    data.update(overrides)
    return data


def admit(actor, unit, *, joined_on=None, consents=("membership",), decision="", **fields):
    from hoiso.members.services import member_admit

    return member_admit(actor=actor, unit=unit, data=member_data(**fields),
                        joined_on=joined_on or datetime.date(2025, 1, 15),
                        consents=list(consents), decision=decision)  # fmt: skip


def member_snapshot() -> dict[str, list]:
    """Every row the member services write."""
    from hoiso.members.models import (
        Consent,
        ImportBatch,
        ImportedMember,
        ImportMapping,
        Member,
        MemberEvent,
        TransferRequest,
    )

    def rows(model, *fields):
        return list(model._default_manager.order_by("pk").values_list("pk", *fields))

    return {
        "members": rows(Member, "code", "full_name", "unit_id", "unit_path", "status",
                        "status_since", "status_reason", "cccd", "phone", "date_of_birth",
                        "gender", "member_type", "ethnicity", "religion"),
        "member_history": list(Member.history.order_by("history_id").values_list("history_id", "id")),
        "events": rows(MemberEvent, "member_id", "kind", "on", "from_unit_id", "to_unit_id"),
        "transfers": rows(TransferRequest, "member_id", "unit_id", "to_unit_id", "status"),
        "consents": rows(Consent, "member_id", "purpose", "given", "on"),
        "import_batches": rows(ImportBatch, "unit_id", "status", "mode", "mapping", "rows_created",
                               "rows_updated", "rows_error"),
        "imported_members": rows(ImportedMember, "batch_id", "member_id", "created"),
        "import_mappings": rows(ImportMapping, "unit_id", "columns"),
    }  # fmt: skip


# Reading ethnicity or religion writes an audit row by law; a logged read changes no record
# (tests/members/test_views.py asserts those rows themselves).
READ_LOGS = {
    "member.view_sensitive",
    "member.export",
    "member.cards",
    "member.stats_export",
    "member.data_export",
}  # reads the law asks to log


def db_snapshot() -> dict[str, list]:
    """tests.helpers.db_snapshot extended with the member tables, without logged reads."""
    from hoiso.core.models import AuditEntry

    snapshot = {**org_snapshot(), **member_snapshot()}
    reads = set(AuditEntry.objects.filter(action__in=READ_LOGS).values_list("pk", flat=True))
    snapshot["audit"] = [row for row in snapshot["audit"] if row[0] not in reads]
    return snapshot


class nothing_changes:  # noqa: N801 - used as a context manager, reads as a sentence
    """`with nothing_changes(): ...` asserts the block left every row (members included) as it was."""

    def __enter__(self):
        self.before = db_snapshot()
        return self

    def __exit__(self, *exc):
        after = db_snapshot()
        changed = {k: (self.before[k], after[k]) for k in after if after[k] != self.before[k]}
        assert not changed, f"rows changed: {changed}"
        return False
