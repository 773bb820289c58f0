"""A member's rights over her data (Personal Data Protection Law 91/2025): a copy of
everything kept about her, and removal on request — anonymisation that keeps the statistics
right (year of birth, sex, unit, dates, education and digital readiness stay; whatever
identifies her goes, from the record and from its history)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.core import audit
from hoiso.core.models import AuditEntry
from hoiso.members.models import Member, MemberEvent, TransferRequest
from hoiso.members.services import MemberError, _require

# What identifies her; anonymisation empties these in the record and in every historical version.
IDENTIFYING = [
    "cccd",
    "phone",
    "hamlet",
    "home_town",
    "occupation",
    "address_area",
    "ethnicity",
    "religion",
]


def _value(member: Member, field) -> Any:
    value = getattr(member, field.name)
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def member_data(member: Member) -> dict[str, Any]:
    """Everything kept about her, as plain data (the JSON of a data request)."""
    fields = [
        f
        for f in Member._meta.concrete_fields
        if f.name not in {"name_folded", "name_sort", "unit_path"}
    ]
    return {
        "record": {f.name: _value(member, f) for f in fields},
        "unit": member.unit.name,
        "events": [
            {
                "event": e.get_kind_display(),
                "date": e.on.isoformat(),
                "from": str(e.from_unit or ""),
                "to": str(e.to_unit or ""),
                "reason": e.reason,
            }
            for e in member.events.select_related("from_unit", "to_unit").order_by("on", "id")
        ],  # fmt: skip
        "consents": [
            {"purpose": c.get_purpose_display(), "given": c.given, "date": c.on.isoformat()}
            for c in member.consents.order_by("on", "id")
        ],
        "history": [
            {"date": h.history_date.isoformat(), "change": h.get_history_type_display()}
            for h in member.history.order_by("history_date")
        ],
        "exported_at": timezone.now().isoformat(),
    }


@transaction.atomic
def member_anonymise(*, actor, member: Member, reason: str) -> Member:
    """Remove what identifies her, at her request, from the record and all its history;
    she leaves the Union if she had not. Counts by year, unit and status stay right."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require(actor, member.unit_path)
    if member.full_name == ANONYMOUS_NAME:
        raise MemberError(_("This record has already been anonymised."))
    if not reason.strip():
        raise MemberError(_("Enter the reference of her request."))
    today = timezone.localdate()
    birth_year = member.date_of_birth.replace(month=1, day=1) if member.date_of_birth else None
    cleared = {name: (None if name in {"cccd", "address_area"} else "") for name in IDENTIFYING}
    values = {"full_name": ANONYMOUS_NAME, "date_of_birth": birth_year, **cleared}
    if member.status == Member.Status.ACTIVE:
        member.status, member.status_since = Member.Status.LEFT, today
        MemberEvent.objects.create(member=member, kind=MemberEvent.Kind.LEFT, on=today,
                                   from_unit=member.unit, reason=_("Data removed at her request"), actor=actor)  # fmt: skip
    for name, value in values.items():
        setattr(member, name, value)
    member.status_reason = _("Data removed at her request")
    member.save()
    member.history.update(
        **{("address_area_id" if k == "address_area" else k): v for k, v in values.items()}
    )
    MemberEvent.objects.filter(member=member).update(reason="")
    TransferRequest.objects.filter(member=member).update(reason="")
    # The log keeps what was done, not who she was.
    AuditEntry.objects.filter(object_type="members.member", object_id=str(member.pk)).update(
        object_repr=f"{ANONYMOUS_NAME} ({member.code})"
    )
    audit.record(
        actor=actor, action="member.anonymise", obj=member, details={"request": reason[:120]}
    )
    return member


ANONYMOUS_NAME = "—"
