"""All writes to member records: admission, edits, transfers, leaving, death, reinstatement.

Each service is atomic, checks the actor's scope again (a forged form cannot reach outside
it), writes the member's event and the audit log. Records are never deleted.
"""

from __future__ import annotations

import datetime
import unicodedata
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoiso.accounts.selectors import nearest_holders
from hoiso.core import audit
from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.core.text import normalize
from hoiso.members import names, tally
from hoiso.members.models import SENSITIVE_FIELDS, Consent, Member, MemberEvent, TransferRequest
from hoiso.members.validators import ValueProblem, check_cccd, normalize_cccd, normalize_phone
from hoiso.notifications.services import notify
from hoiso.org.models import Unit
from hoiso.org.services.restructuring import province_of

MEMBER_UNIT_KINDS = {Unit.Kind.BRANCH, Unit.Kind.GROUP}
ADULT_AGE = 18

# Fields an official sets on the record through the forms and the import.
EDITABLE_FIELDS = (
    "full_name", "date_of_birth", "gender", "ethnicity", "religion", "cccd", "phone",
    "address_area", "hamlet", "home_town", "education", "qualification", "political_theory",
    "occupation", "party_member", "member_type", "is_core", "household", "has_phone",
    "has_smartphone", "has_internet", "uses_zalo", "uses_facebook", "uses_tiktok",
    "vneid_level", "has_bank_account", "pays_cashless",
)  # fmt: skip


# The name an anonymised record keeps (personal_data.member_anonymise).
ANONYMISED_NAME = "—"


class MemberError(ServiceError):
    """A request about a member that cannot be carried out; the message is for the official.
    `problems`: the separate problems the message lists (an import shows them one by one)."""

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems) if problems else [message]


def _require(actor, path: str) -> None:
    if not user_can(actor, Action.MANAGE_MEMBERS, path):
        raise MemberError(_("You may change members only in your own unit and those below it."))


def _check_unit(unit: Unit) -> None:
    if unit.kind not in MEMBER_UNIT_KINDS:
        raise MemberError(_("Members belong to a branch or a group; choose one."))
    if not unit.is_active:
        raise MemberError(
            _("%(unit)s has been retired; choose an active unit.") % {"unit": unit.name}
        )


def _age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def clean_member_data(data: dict[str, Any], *, member: Member | None = None) -> dict[str, Any]:
    """Normalise and check the fields of a record (names, CCCD, phone, age); raise
    MemberError with every problem in one message."""
    data = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    problems: list[str] = []
    name = normalize(data.get("full_name"))  # NFC first: the limit counts letters, not marks
    if not name:
        problems.append(_("the full name is missing"))
    # Control and invisible format characters (NUL, bidi overrides, zero-width spaces) too:
    # PostgreSQL refuses NUL, and the others disguise a name on screen and in exports.
    hostile = any(ch in "<>{}[]=\\|@#$%^*" or unicodedata.category(ch)[0] == "C" for ch in name)
    if len(name) > 120 or hostile:
        problems.append(_("the full name has characters a name cannot have"))
    data["full_name"] = name
    born = data.get("date_of_birth")
    if born and (born > timezone.localdate() or born.year < 1900):
        problems.append(_("the date of birth is not possible"))
    try:
        data["phone"] = normalize_phone(data.get("phone"))
    except ValueProblem as exc:
        problems.append(str(exc))
    # A recorded number, or a smartphone, means she has a phone (the flag alone may be set
    # without a number she wishes to give).
    if data.get("phone") or data.get("has_smartphone"):
        data["has_phone"] = True
    try:
        cccd, _restored = normalize_cccd(data.get("cccd"))
        if cccd:
            female = {"F": True, "M": False}.get(data.get("gender") or "F")
            check_cccd(cccd, date_of_birth=born, female=female)
        data["cccd"] = cccd or None
    except ValueProblem as exc:
        problems.append(str(exc))
    if data.get("cccd"):
        clash = Member.objects.filter(cccd=data["cccd"])
        if member is not None:
            clash = clash.exclude(pk=member.pk)
        if clash.exists():
            problems.append(_("another member already has this citizen ID"))
    if problems:
        raise MemberError(_("Please correct: %(problems)s.") % {"problems": "; ".join(problems)},
                          problems=problems)  # fmt: skip
    return data


def _check_admission(data: dict, joined_on: datetime.date, decision: str) -> None:
    if data.get("member_type", Member.MemberType.ORDINARY) == Member.MemberType.HONORARY:
        if not decision.strip():
            raise MemberError(_("An honorary member is admitted by a decision: enter its number."))
        return
    if data.get("gender", "F") != Member.Gender.FEMALE:
        raise MemberError(_("An ordinary member is a woman; a man may be an honorary member."))
    born = data.get("date_of_birth")
    if born is None:
        raise MemberError(_("Enter the date of birth: an ordinary member is 18 or older."))
    if _age_on(born, joined_on) < ADULT_AGE:
        raise MemberError(_("An ordinary member must be 18 or older on the day she joins."))


def _event(
    member: Member, kind: str, on, actor, *, from_unit=None, to_unit=None, reason: str = ""
) -> None:
    MemberEvent.objects.create(member=member, kind=kind, on=on, from_unit=from_unit, to_unit=to_unit,
                               reason=reason[:255], actor=actor if getattr(actor, "is_authenticated", False) else None)  # fmt: skip


@transaction.atomic
def member_admit(*, actor, unit: Unit, data: dict[str, Any], joined_on: datetime.date | None = None,
                 consents: list[str] = (), decision: str = "") -> Member:  # fmt: skip
    """Admit a member to a branch or group: ordinary members are women 18+, honorary members
    by decision. Gives her a national member code and records her consents."""
    _require(actor, unit.path)
    _check_unit(unit)
    joined_on = joined_on or timezone.localdate()
    data = clean_member_data(data)
    _check_admission(data, joined_on, decision)
    member = Member(
        unit=unit,
        joined_on=joined_on,
        status_since=joined_on,
        code=f"tmp{uuid.uuid4().hex[:12]}",
        **data,
    )
    try:
        member.save()
    except IntegrityError as exc:  # a concurrent admission took the same CCCD
        raise MemberError(
            _("Please correct: %(problems)s.")
            % {"problems": _("another member already has this citizen ID")}
        ) from exc
    member.code = member_code(member.pk)
    member.save(update_fields=["code"])
    names.remember_words([member.full_name])
    for purpose in consents:
        Consent.objects.create(member=member, purpose=purpose, given=True, on=joined_on,
                               recorded_by=actor if getattr(actor, "is_authenticated", False) else None)  # fmt: skip
    _event(member, MemberEvent.Kind.ADMITTED, joined_on, actor, to_unit=unit, reason=decision)
    tally.apply(None, tally.footprint(member))
    audit.record(actor=actor, action="member.admit", obj=member)
    return member


def member_code(pk: int) -> str:
    """The national member code: HV and ten digits."""
    return f"HV{pk:010d}"


@transaction.atomic
def member_update(*, actor, member: Member, data: dict[str, Any]) -> Member:
    """Correct or complete a record; the previous version stays in the history."""
    return _update(actor, _locked(member), data, "member.update", {})


@transaction.atomic
def member_restore(*, actor, member: Member, version_id: int) -> Member:
    """Bring the record's details back to an earlier version of its history; the restore is
    itself a new version. Her unit and status stay: they change only through transfers,
    leaving and reinstatement, which keep their own events. Ethnicity and religion are
    restored only by roles that may read them (others keep the current values)."""
    member = _locked(member)
    _require(actor, member.unit_path)
    if member.full_name == ANONYMISED_NAME:
        raise MemberError(
            _("Her personal data was removed at her request: there is nothing to restore.")
        )
    version = member.history.filter(history_id=version_id).first()
    if version is None:
        raise MemberError(_("This version is not in the record's history."))
    fields = [f for f in EDITABLE_FIELDS
              if f not in SENSITIVE_FIELDS or user_can(actor, Action.VIEW_SENSITIVE, member.unit_path)]  # fmt: skip
    data = {name: getattr(version, name) for name in fields}
    details = {"version": version_id, "of": version.history_date.isoformat()}
    return _update(actor, member, data, "member.restore", details)


def _update(actor, member: Member, data: dict[str, Any], action: str, details: dict) -> Member:
    """Check `data` and write it to a locked member, with its history, summary counts and
    audit entry."""
    _require(actor, member.unit_path)
    before = tally.footprint(member)
    # Fields the caller did not send keep their values (a missing CCCD must not erase it).
    current = {name: getattr(member, name) for name in EDITABLE_FIELDS}
    data = clean_member_data({**current, **data}, member=member)
    changed = sorted(k for k, v in data.items() if getattr(member, k) != v)
    for name, value in data.items():
        setattr(member, name, value)
    member.save()
    if "full_name" in changed:
        names.remember_words([member.full_name])
    tally.apply(before, tally.footprint(member))
    audit.record(actor=actor, action=action, obj=member, details={**details, "fields": changed})
    return member


def _locked(member: Member) -> Member:
    """The member as stored now, locked until the transaction ends: a service never writes
    back a copy that another request changed in the meantime."""
    return Member.objects.select_for_update().select_related("unit").get(pk=member.pk)


def _check_active(member: Member) -> None:
    if member.status != Member.Status.ACTIVE:
        raise MemberError(_("%(name)s is not an active member (%(status)s).")
                          % {"name": member.full_name, "status": member.get_status_display()})  # fmt: skip


@transaction.atomic
def member_transfer(
    *, actor, member: Member, to_unit: Unit, on: datetime.date, reason: str = ""
) -> Member | TransferRequest:
    """Move a member to another branch or group. Within the province it happens at once;
    to another province it becomes a request that the receiving unit accepts or refuses."""
    member = _locked(member)
    _require(actor, member.unit_path)
    _check_active(member)
    _check_unit(to_unit)
    if to_unit.pk == member.unit_id:
        raise MemberError(_("She already belongs to %(unit)s.") % {"unit": to_unit.name})
    here, there = province_of(member.unit), province_of(to_unit)
    if here is not None and there is not None and here.pk != there.pk:
        request = TransferRequest.objects.create(member=member, unit=member.unit, to_unit=to_unit,
                                                 reason=reason[:255], requested_by=actor)  # fmt: skip
        member.status, member.status_since = Member.Status.TRANSFER_PENDING, on
        member.save(update_fields=["status", "status_since"])
        _event(
            member,
            MemberEvent.Kind.TRANSFER_REQUESTED,
            on,
            actor,
            from_unit=member.unit,
            to_unit=to_unit,
            reason=reason,
        )
        audit.record(
            actor=actor, action="member.transfer_request", obj=member, details={"to": to_unit.pk}
        )
        notify(
            recipients=nearest_holders(unit=to_unit, action=Action.MANAGE_MEMBERS),
            kind="members.transfer_requested",
            title=_("Transfer request: %(name)s to %(unit)s")
            % {"name": member.full_name, "unit": to_unit.name},
            body=_("%(sender)s asks that %(name)s (%(code)s) continue as a member at %(unit)s. "
                   "Accept or refuse the request.")
            % {"sender": member.unit.name, "name": member.full_name, "code": member.code,
               "unit": to_unit.name},
            url=reverse("members:transfer_decide", args=[request.pk]),
            unit=to_unit,
        )  # fmt: skip
        return request
    from_unit, before = member.unit, tally.footprint(member)
    member.unit = to_unit
    member.save()
    tally.apply(before, tally.footprint(member))
    _event(
        member,
        MemberEvent.Kind.TRANSFERRED,
        on,
        actor,
        from_unit=from_unit,
        to_unit=to_unit,
        reason=reason,
    )
    audit.record(
        actor=actor,
        action="member.transfer",
        obj=member,
        details={"from": from_unit.pk, "to": to_unit.pk},
    )
    return member


@transaction.atomic
def transfer_decide(*, actor, request: TransferRequest, accept: bool, to_unit: Unit | None = None,
                    reason: str = "") -> TransferRequest:  # fmt: skip
    """The receiving unit accepts (possibly into another of its branches or groups) or
    refuses a transfer from another province. Both sides keep the trace."""
    request = TransferRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != TransferRequest.Status.PENDING:
        raise MemberError(_("This transfer has already been decided."))
    target = to_unit or request.to_unit
    receiving = province_of(request.to_unit)
    in_province = receiving is None or target.path.startswith(receiving.path)
    if not in_province or not user_can(actor, Action.MANAGE_MEMBERS, target.path):
        raise MemberError(_("Only the receiving unit can decide on this transfer."))
    member = Member.objects.select_for_update().get(pk=request.member_id)
    if member.status != Member.Status.TRANSFER_PENDING:
        raise MemberError(_("This transfer is no longer waiting for a decision."))
    today = timezone.localdate()
    if accept:
        _check_unit(target)
        from_unit, before = member.unit, tally.footprint(member)
        member.unit, member.status, member.status_since = target, Member.Status.ACTIVE, today
        member.save()
        tally.apply(before, tally.footprint(member))
        _event(
            member,
            MemberEvent.Kind.TRANSFER_ACCEPTED,
            today,
            actor,
            from_unit=from_unit,
            to_unit=target,
            reason=reason,
        )
        request.status = TransferRequest.Status.ACCEPTED
    else:
        member.status, member.status_since = Member.Status.ACTIVE, today
        member.save(update_fields=["status", "status_since"])
        _event(
            member,
            MemberEvent.Kind.TRANSFER_REFUSED,
            today,
            actor,
            from_unit=member.unit,
            to_unit=target,
            reason=reason,
        )
        request.status = TransferRequest.Status.REFUSED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save()
    if request.requested_by_id is not None:
        accepted = request.status == TransferRequest.Status.ACCEPTED
        title = _("Transfer accepted: %(name)s") if accepted else _("Transfer refused: %(name)s")
        notify(
            recipients=[request.requested_by],
            kind="members.transfer_decided",
            title=title % {"name": member.full_name},
            body=(_("%(unit)s: %(reason)s") % {"unit": target.name, "reason": reason}
                  if reason.strip() else target.name),
            url=reverse("members:transfer_list"),
            unit=request.unit,
        )  # fmt: skip
    audit.record(
        actor=actor,
        action="member.transfer_accept" if accept else "member.transfer_refuse",
        obj=member,
    )
    return request


LEAVE_REASONS = {
    "moved": gettext_lazy("Moved away"),
    "married_away": gettext_lazy("Married and moved away"),
    "resigned": gettext_lazy("Resigned"),
    "other": gettext_lazy("Other reason"),
}


@transaction.atomic
def member_leave(
    *, actor, member: Member, on: datetime.date, reason: str, note: str = ""
) -> Member:
    """She leaves the Union (moved, married away, resigned…); the record stays."""
    member = _locked(member)
    _require(actor, member.unit_path)
    _check_active(member)
    if reason not in LEAVE_REASONS:
        raise MemberError(_("Choose the reason for leaving."))
    text = f"{LEAVE_REASONS[reason]}{': ' + note if note else ''}"[:255]
    before = tally.footprint(member)
    member.status, member.status_since, member.status_reason = Member.Status.LEFT, on, text
    member.save()
    _event(member, MemberEvent.Kind.LEFT, on, actor, from_unit=member.unit, reason=text)
    tally.apply(before, tally.footprint(member))
    audit.record(actor=actor, action="member.leave", obj=member, details={"reason": reason})
    return member


@transaction.atomic
def member_death(*, actor, member: Member, on: datetime.date) -> Member:
    member = _locked(member)
    _require(actor, member.unit_path)
    if member.status == Member.Status.DECEASED:
        raise MemberError(_("Her death has already been recorded."))
    if member.date_of_birth and on < member.date_of_birth or on > timezone.localdate():
        raise MemberError(_("The date of death is not possible."))
    # A transfer still waiting for the other province is cancelled: there is no one to receive.
    TransferRequest.objects.filter(member=member, status=TransferRequest.Status.PENDING).update(
        status=TransferRequest.Status.CANCELLED, decided_by=actor, decided_at=timezone.now()
    )
    before = tally.footprint(member)
    member.status, member.status_since, member.status_reason = Member.Status.DECEASED, on, ""
    member.save()
    _event(member, MemberEvent.Kind.DIED, on, actor, from_unit=member.unit)
    tally.apply(before, tally.footprint(member))
    audit.record(actor=actor, action="member.death", obj=member)
    return member


@transaction.atomic
def member_reinstate(
    *, actor, member: Member, on: datetime.date, unit: Unit | None = None, reason: str = ""
) -> Member:
    """Bring back a member who had left (not one who died), into her unit or another."""
    member = _locked(member)
    target = unit or member.unit
    _require(actor, member.unit_path)
    _require(actor, target.path)
    _check_unit(target)
    if member.status != Member.Status.LEFT:
        raise MemberError(_("Only a member who has left can be reinstated."))
    from_unit, before = member.unit, tally.footprint(member)
    member.unit, member.status, member.status_since, member.status_reason = (
        target,
        Member.Status.ACTIVE,
        on,
        "",
    )
    member.save()
    tally.apply(before, tally.footprint(member))
    _event(
        member,
        MemberEvent.Kind.REINSTATED,
        on,
        actor,
        from_unit=from_unit,
        to_unit=target,
        reason=reason,
    )
    audit.record(actor=actor, action="member.reinstate", obj=member)
    return member


@transaction.atomic
def consent_record(
    *, actor, member: Member, purpose: str, given: bool, on: datetime.date
) -> Consent:
    """Record that a consent was given or withdrawn; earlier records stay."""
    _require(actor, member.unit_path)
    if purpose not in Consent.Purpose.values:
        raise MemberError(_("Unknown purpose."))
    consent = Consent.objects.create(
        member=member, purpose=purpose, given=given, on=on, recorded_by=actor
    )
    audit.record(
        actor=actor,
        action="member.consent",
        obj=member,
        details={"purpose": purpose, "given": given},
    )
    return consent


def log_sensitive_view(*, actor, member: Member) -> None:
    """Reading ethnicity or religion is logged (Personal Data Protection Law 91/2025)."""
    audit.record(actor=actor, action="member.view_sensitive", obj=member)
