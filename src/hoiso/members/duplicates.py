"""Likely duplicate member records: finding them within the user's scope, and merging them.

Two active records are likely the same woman when they have the same folded name
(`Member.name_folded`: lower case, no diacritics) and the same date of birth. A CCCD is unique,
so two records with two different CCCDs are two people: a group is shown only when at least one
of its records has no CCCD, and a merge refuses records with different CCCDs.

A merge keeps one record (the official chooses which) and closes the others: they leave with
the reason "Merged into HV…", an event and the audit log say so, and every change goes through
the ORM so the history keeps the previous versions. Nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.core import audit
from hoiso.core.models import AuditEntry
from hoiso.core.permissions import Action
from hoiso.members import tally
from hoiso.members.models import Member, MemberEvent
from hoiso.members.services import MemberError, _check_active, _event, _require
from hoiso.org.models import Unit, ancestor_paths

# The kind of the event written on the kept record. MemberEvent.Kind has no "merged" choice
# yet (adding it is a choices-only migration, for the lead); until then the raw value is stored.
KEPT_EVENT_KIND = getattr(MemberEvent.Kind, "MERGED", "merged")

# Fields that a merge fills on the kept record when they are empty there (None or ""), from
# the closed records in the order given. Yes/no answers and levels (phone, Zalo, VNeID…)
# have no "empty" value and stay as they are on the kept record.
FILLABLE_FIELDS = (
    "cccd", "phone", "ethnicity", "religion", "address_area", "hamlet", "home_town",
    "education", "qualification", "political_theory", "occupation", "household",
)  # fmt: skip

# The fields compared side by side on the review page (sensitive ones only for roles allowed).
COMPARED_FIELDS = (
    "code", "full_name", "date_of_birth", "gender", "cccd", "phone", "ethnicity", "religion",
    "address_area", "hamlet", "home_town", "education", "qualification", "political_theory",
    "occupation", "party_member", "member_type", "is_core", "joined_on", "household",
    "has_phone", "has_smartphone", "has_internet", "uses_zalo", "uses_facebook", "uses_tiktok",
    "vneid_level", "has_bank_account", "pays_cashless", "status", "unit",
)  # fmt: skip
SENSITIVE = {"ethnicity", "religion"}


def _candidates(user):
    """Active records the user may manage that can take part in a group."""
    return (
        Member.objects.visible_to(user, Action.MANAGE_MEMBERS)
        .filter(status=Member.Status.ACTIVE, date_of_birth__isnull=False)
        .exclude(name_folded="")
    )


def duplicate_keys(user):
    """One GROUP BY query: (name_folded, date_of_birth, n) of every group of at least two
    visible active records of which at least one has no CCCD. Lazy, so it paginates."""
    no_cccd = Q(cccd__isnull=True) | Q(cccd="")
    return (
        _candidates(user)
        .values("name_folded", "date_of_birth")
        .annotate(n=Count("pk"), without_cccd=Count("pk", filter=no_cccd))
        .filter(n__gt=1, without_cccd__gt=0)
        .order_by("name_folded", "date_of_birth")
    )


@dataclass
class Group:
    name_folded: str
    date_of_birth: object
    members: list[Member] = field(default_factory=list)

    @property
    def first(self) -> Member:
        return self.members[0]


def groups_for(user, keys) -> list[Group]:
    """The members of the groups `keys` (rows of duplicate_keys), in one query."""
    keys = list(keys)
    if not keys:
        return []
    condition = Q()
    for key in keys:
        condition |= Q(name_folded=key["name_folded"], date_of_birth=key["date_of_birth"])
    groups = {(k["name_folded"], k["date_of_birth"]): Group(k["name_folded"], k["date_of_birth"])
              for k in keys}  # fmt: skip
    members = _candidates(user).filter(condition).select_related("unit").order_by("joined_on", "pk")
    for member in members:
        groups[(member.name_folded, member.date_of_birth)].members.append(member)
    return [g for g in groups.values() if len(g.members) > 1]


def group_of(user, member: Member) -> list[Member]:
    """The visible active records that look like the same woman as `member` (her included,
    first); a single record when there is none."""
    if not member.name_folded or member.date_of_birth is None:
        return [member]
    others = list(
        _candidates(user)
        .filter(name_folded=member.name_folded, date_of_birth=member.date_of_birth)
        .exclude(pk=member.pk)
        .select_related("unit", "address_area")
        .order_by("joined_on", "pk")
    )
    if member.cccd:  # a record with its own CCCD is another woman
        others = [m for m in others if not m.cccd]
    return [member, *others]


def unit_paths(members: list[Member]) -> dict[int, list[str]]:
    """For each member's unit, the names of its units from the top down (one query)."""
    wanted = {p for m in members for p in ancestor_paths(m.unit_path)}
    names = dict(Unit.objects.filter(path__in=wanted).values_list("path", "name"))
    return {m.pk: [names[p] for p in ancestor_paths(m.unit_path) if p in names] for m in members}


def _was_merged(member: Member) -> bool:
    return AuditEntry.objects.filter(
        action="member.merge", object_type="members.member", object_id=str(member.pk),
        details__has_key="into",
    ).exists()  # fmt: skip


def _is_empty(value) -> bool:
    return value is None or value == ""


@transaction.atomic
def members_merge(*, actor, keep: Member, others: list[Member]) -> Member:
    """Keep `keep` and close `others` as merged into it: empty fields of the kept record are
    filled from the others (a filled field is never overwritten), the others leave with
    "Merged into HV…", both sides get an event and an audit entry. All or nothing."""
    ids = [keep.pk, *(m.pk for m in others)]
    if not others:
        raise MemberError(_("Choose at least one other record to merge into the kept one."))
    if len(set(ids)) != len(ids):
        raise MemberError(_("The kept record cannot also be merged into itself."))
    locked = {m.pk: m for m in Member.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    if len(locked) != len(ids):
        raise MemberError(_("One of these records no longer exists."))
    keep, others = locked[keep.pk], [locked[m.pk] for m in others]
    for member in (keep, *others):
        _require(actor, member.unit_path)
    for member in (keep, *others):
        if member.status == Member.Status.LEFT and _was_merged(member):
            raise MemberError(
                _("%(name)s (%(code)s) has already been merged into another record.")
                % {"name": member.full_name, "code": member.code}
            )
        _check_active(member)
    for other in others:
        if (other.name_folded, other.date_of_birth) != (keep.name_folded, keep.date_of_birth):
            raise MemberError(
                _("%(name)s has another name or date of birth: these records are not duplicates.")
                % {"name": other.full_name}
            )
    cccds = {m.cccd for m in (keep, *others) if m.cccd}
    if len(cccds) > 1:
        raise MemberError(_("These records have different citizen IDs: they are different people."))

    today = timezone.localdate()
    before = [tally.footprint(m) for m in (keep, *others)]
    filled: list[str] = []
    for name in FILLABLE_FIELDS:
        if not _is_empty(getattr(keep, name)):
            continue
        source = next((o for o in others if not _is_empty(getattr(o, name))), None)
        if source is not None:
            setattr(keep, name, getattr(source, name))
            filled.append(name)
    reason = _("Merged into %(code)s") % {"code": keep.code}
    for other in others:
        # The CCCD is unique: a closed record gives it up (its history keeps it).
        if other.cccd and keep.cccd == other.cccd:
            other.cccd = None
        other.status, other.status_since, other.status_reason = Member.Status.LEFT, today, reason
        other.save()
        _event(other, MemberEvent.Kind.LEFT, today, actor, from_unit=other.unit, reason=reason)
        audit.record(actor=actor, action="member.merge", obj=other,
                     details={"into": keep.pk, "code": keep.code})  # fmt: skip
    keep.save()
    for old, member in zip(before, (keep, *others), strict=True):
        tally.apply(old, tally.footprint(member))
    codes = ", ".join(o.code for o in others)
    _event(keep, KEPT_EVENT_KIND, today, actor,
           reason=_("Records merged into this one: %(codes)s") % {"codes": codes})  # fmt: skip
    audit.record(actor=actor, action="member.merge", obj=keep,
                 details={"closed": [o.pk for o in others], "codes": [o.code for o in others],
                          "filled": filled})  # fmt: skip
    return keep
