"""A member's rights over her data (Personal Data Protection Law 91/2025): a copy of
everything kept about her, and removal on request — anonymisation that keeps the statistics
right (year of birth, sex, unit, dates, education and digital readiness stay; whatever
identifies her goes, from the record and from its history)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoiso.core import audit
from hoiso.core.history import shown
from hoiso.core.models import AuditEntry
from hoiso.members import tally
from hoiso.members.models import Member, MemberEvent, TransferRequest
from hoiso.members.services import ANONYMISED_NAME as ANONYMOUS_NAME
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


def _record_fields() -> list[models.Field]:
    return [
        f
        for f in Member._meta.concrete_fields
        if f.name not in {"name_folded", "name_sort", "unit_path"}
    ]


def member_data(member: Member) -> dict[str, Any]:
    """Everything kept about her, as plain data (the JSON of a data request)."""
    fields = _record_fields()
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
            {
                "date": h["date"].isoformat(),
                "change": h["change"],
                "by": h["by"],
                "changes": [{"field": str(c[0]), "old": c[1], "new": c[2]} for c in h["changes"]],
            }
            for h in history_entries(member)
        ],  # fmt: skip
        "exported_at": timezone.now().isoformat(),
    }


# Fields without a verbose name of their own, named for her copy.
_LABELS = {"id": gettext_lazy("record number"), "created_at": gettext_lazy("record created at"),
           "updated_at": gettext_lazy("record last saved at")}  # fmt: skip


def label(field: models.Field) -> str:
    return capfirst(str(_LABELS.get(field.name, field.verbose_name)))


def record_rows(member: Member) -> list[tuple[str, str]]:
    """Every field of her record as (label, value), in the order of the model."""
    return [(label(f), shown(f, getattr(member, f.name))) for f in _record_fields()]


def history_entries(member: Member) -> list[dict[str, Any]]:
    """Oldest first: when, what kind of change, who made it (name only) and which fields went
    from what to what, as she reads them. Saves that changed nothing are left out."""
    versions = member.history.select_related("history_user").order_by("history_date", "pk")
    entries, older = [], None
    for version in versions:
        changes = []
        if older is not None:
            for change in version.diff_against(older, foreign_keys_are_objs=True).changes:
                field = Member._meta.get_field(change.field)
                changes.append((label(field), shown(field, change.old), shown(field, change.new)))  # fmt: skip
        if changes or older is None or version.history_type != "~":
            user = version.history_user
            entries.append({"date": version.history_date, "change": version.get_history_type_display(),
                            "by": user.get_full_name() if user else _("System"), "changes": changes})  # fmt: skip
        older = version
    return entries


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
    before = tally.footprint(member)
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
    tally.apply(before, tally.footprint(member))
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
