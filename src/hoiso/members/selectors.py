"""All reads of member records, scoped to the acting user (personal data: VIEW_PERSONAL)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.functions import Collate, Lower
from django.db.models.lookups import Contains
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


def search_q(query: str, *, scan: bool = False) -> Q:
    """Name without diacritics (đ→d), phone, CCCD or member code.

    `scan`: the name is matched as LOWER(name_folded) — the same text, already lower case —
    which the trigram index does not serve, so PostgreSQL reads the (small) scope through
    the path index instead of looking up common words ("nguyen": a third of the country)
    in the trigram index first."""
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
    # Every word typed must appear; "lan nguyen" finds "Nguyễn Thị Lan". On PostgreSQL each
    # `LIKE '%word%'` is served by the trigram index on name_folded (migration 0005).
    condition = Q()
    name = Lower("name_folded") if scan else F("name_folded")
    for word in fold(query).split():
        condition &= Q(Contains(name, word))
    return condition


class _WordSimilar(Func):
    """`query <% name_folded` (pg_trgm): the query is similar to some run of words of the
    name, above pg_trgm.word_similarity_threshold (0.6). Written with the indexed column on
    the left (`%>`, the same operator reversed) so the trigram index serves it."""

    template = "%(expressions)s"
    arg_joiner = " %%> "
    output_field = BooleanField()


# A search that finds more members than this says "more than N" instead of counting them
# all: counting 280,000 "nguyen" among a million members takes half a second.
SEARCH_COUNT_LIMIT = 1000


@dataclass(frozen=True)
class MemberSearch:
    """The members a search lists, in order, and what the page says about them.

    `count` is exact up to SEARCH_COUNT_LIMIT (then `more` is set and `count` is the limit);
    None when there was no search (the paginator counts the plain list). `similar`: no
    member has every word typed, so these are members with similar names (PostgreSQL)."""

    members: QuerySet
    count: int | None = None
    more: bool = False
    similar: bool = False


def members_search(
    *, user, query: str = "", unit: Unit | None = None, filters: dict | None = None
) -> MemberSearch:
    """The filtered list and its count, Vietnamese order (given name, then family name).

    Typo tolerant on PostgreSQL: when no member has every word, the members whose names
    are most similar to the whole query ("ngyen thi lan", "nguyen thi lna" → Nguyễn Thị
    Lan), most similar first. On PostgreSQL the plan is steered by what is cheap to know
    beforehand: a small scope (a commune) is read whole through the path index, a large one
    through the trigram index; the order's plan follows the bounded count (see _order)."""
    qs = members_visible(user=user).select_related("unit")
    if unit is not None:
        qs = qs.filter(path_q("unit_path", [unit.path]))
    for name, value in (filters or {}).items():
        if value not in (None, ""):
            qs = qs.filter(**{name: value})
    query = query.strip()[:100]
    if not query:
        return MemberSearch(qs.order_by("name_sort", "pk"))
    small = connection.vendor == "postgresql" and _estimated_rows(qs) <= SCAN_SCOPE_BELOW
    found = qs.filter(search_q(query, scan=small))
    count = _bounded_count(found)
    if count == 0 and connection.vendor == "postgresql" and not _DIGITS.match(query):
        return _similar(qs, fold(query))
    return MemberSearch(found.order_by(*_order(found, count)), min(count, SEARCH_COUNT_LIMIT),
                        count > SEARCH_COUNT_LIMIT)  # fmt: skip


def _similar(qs, folded: str) -> MemberSearch:
    """The SIMILAR_SHOWN members whose names are most similar to the query (pg_trgm).

    One pass through the trigram index ranks the candidates and keeps the first ids, the
    rows are then read by id: a common name misspelt ("nguyen thi lna") has thousands of
    candidates, and ranking them twice — to count, then for the page — would double the
    slowest search there is."""
    similarity = TrigramSimilarity("name_folded", folded)
    ranked = qs.filter(_WordSimilar(F("name_folded"), Value(folded))).annotate(
        similarity=similarity
    )
    ids = list(
        ranked.order_by("-similarity", "name_sort", "pk").values_list("pk", flat=True)[
            :SIMILAR_SHOWN
        ]
    )
    members = qs.filter(pk__in=ids).annotate(similarity=similarity)
    return MemberSearch(members.order_by("-similarity", "name_sort", "pk"), len(ids), similar=True)


# A misspelt search shows this many members with the most similar names (one page).
SIMILAR_SHOWN = 50


def members_list(*, user, query: str = "", unit: Unit | None = None, filters: dict | None = None):
    """The filtered list, Vietnamese order (given name, then family name)."""
    return members_search(user=user, query=query, unit=unit, filters=filters).members


def _bounded_count(qs) -> int:
    """How many rows, counting no further than one past SEARCH_COUNT_LIMIT."""
    return qs.order_by()[: SEARCH_COUNT_LIMIT + 1].count()


def _order(found, count: int) -> tuple:
    """Vietnamese order, written so that PostgreSQL takes the plan that suits the result.

    Names cluster by given name in that order, so the planner's favourite for a short page
    — walk the name_sort index and keep the rows that match — reads half the table when the
    matches are all "Mến" (seconds at a million members). Unless the search matches very
    many members (a family or middle name: then they are spread through the order and the
    walk meets 50 at once), the rows are fetched through the search indexes and sorted:
    the key is then name_sort under the "C" collation — the same order, the key being
    digits only — which the index cannot serve.
    """
    if connection.vendor != "postgresql":
        return ("name_sort", "pk")
    if count <= SEARCH_COUNT_LIMIT or _estimated_rows(found) <= WALK_ABOVE:
        return (Collate("name_sort", "C"), "pk")
    return ("name_sort", "pk")


# A scope of fewer members than this (a commune: about 13,000 at a million members) is
# searched by reading it whole through the path index.
SCAN_SCOPE_BELOW = 30_000

# Above this many matches (as the planner estimates them) a search walks the name order.
WALK_ABOVE = 50_000


def _estimated_rows(qs) -> float:
    """The planner's estimate of the rows of `qs` (no rows read)."""
    return json.loads(qs.order_by().explain(format="json"))[0]["Plan"]["Plan Rows"]


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
