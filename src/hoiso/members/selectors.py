"""All reads of member records, scoped to the acting user (personal data: VIEW_PERSONAL)."""

from __future__ import annotations

import re

from django.db.models import Q
from django.http import Http404

from hoiso.core.permissions import Action
from hoiso.core.scoping import get_object_for_user, path_q, scope_paths, user_can
from hoiso.core.text import fold
from hoiso.members.models import Member, MemberEvent, TransferRequest
from hoiso.members.validators import ValueProblem, normalize_phone
from hoiso.org.models import Unit

_DIGITS = re.compile(r"^\+?[\d\s.\-]{6,}$")


def members_visible(*, user, action: str = Action.VIEW_PERSONAL):
    return Member.objects.visible_to(user, action)


def member_get(*, user, pk, action: str = Action.VIEW_PERSONAL) -> Member:
    qs = Member.objects.select_related("unit", "unit__parent", "address_area")
    return get_object_for_user(qs, user, action, pk=pk)


def search_q(query: str) -> Q:
    """Name without diacritics (đ→d), phone, CCCD or member code."""
    query = query.strip()[:100]
    if not query:
        return Q()
    if query.upper().startswith("HV") and query[2:].isdigit():
        return Q(code=query.upper())
    if _DIGITS.match(query):
        digits = re.sub(r"\D", "", query)
        condition = Q(cccd__startswith=digits) | Q(code__endswith=digits)
        try:
            condition |= Q(phone=normalize_phone(query))
        except ValueProblem:
            condition |= Q(phone__contains=digits)
        return condition
    folded = fold(query)
    # Every word typed must appear; "lan nguyen" finds "Nguyễn Thị Lan".
    condition = Q()
    for word in folded.split():
        condition &= Q(name_folded__contains=word)
    return condition


def members_list(*, user, query: str = "", unit: Unit | None = None, filters: dict | None = None):
    """The filtered list, Vietnamese order (given name, then family name)."""
    qs = members_visible(user=user).select_related("unit")
    if unit is not None:
        qs = qs.filter(path_q("unit_path", [unit.path]))
    qs = qs.filter(search_q(query))
    for name, value in (filters or {}).items():
        if value not in (None, ""):
            qs = qs.filter(**{name: value})
    return qs.order_by("name_sort", "pk")


def member_events(*, member: Member):
    return MemberEvent.objects.filter(member=member).select_related("from_unit", "to_unit", "actor")


def can_see_sensitive(*, user, member: Member) -> bool:
    return user_can(user, Action.VIEW_SENSITIVE, member.unit_path)


def can_manage(*, user, member: Member) -> bool:
    return user_can(user, Action.MANAGE_MEMBERS, member.unit_path)


def member_units(*, user, action: str = Action.MANAGE_MEMBERS):
    """Active branches and groups the user may put members in, tree order."""
    return (
        Unit.objects.visible_to(user, action)
        .active()
        .filter(kind__in=[Unit.Kind.BRANCH, Unit.Kind.GROUP])
        .select_related("parent")
        .order_by("path")
    )


def transfers_incoming(*, user):
    """Requests from other provinces waiting for a unit the user manages."""
    roots = scope_paths(user, Action.MANAGE_MEMBERS)
    qs = TransferRequest.objects.filter(status=TransferRequest.Status.PENDING)
    return qs.filter(path_q("to_unit__path", roots)).select_related("member", "unit", "to_unit")


def transfers_outgoing(*, user):
    return TransferRequest.objects.visible_to(user, Action.MANAGE_MEMBERS).select_related(
        "member", "to_unit"
    )


def transfer_get(*, user, pk) -> TransferRequest:
    """A request the user may decide on (incoming) or follow (outgoing); else 404."""
    request = (
        transfers_incoming(user=user).filter(pk=pk).first()
        or transfers_outgoing(user=user).filter(pk=pk).first()
    )
    if request is None:
        raise Http404
    return request
