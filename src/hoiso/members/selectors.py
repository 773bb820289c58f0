"""All reads of member records, scoped to the acting user (personal data: VIEW_PERSONAL)."""

from __future__ import annotations

import functools
import json
import operator
import re
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Collate, Lower
from django.db.models.lookups import Contains, Regex
from django.http import Http404

from hoiso.core.paging import KeysFirstPaginator
from hoiso.core.permissions import Action
from hoiso.core.scoping import get_object_for_user, path_q, scope_paths, user_can
from hoiso.core.text import fold
from hoiso.members import names
from hoiso.members.models import Member, MemberEvent, TransferRequest
from hoiso.members.validators import ValueProblem, normalize_phone
from hoiso.org.models import Unit

_DIGITS = re.compile(r"^\+?[\d\s.\-]{6,}$")
_CODE_DIGITS = 10  # services.member_code: HV and ten digits
_PHONE_DIGITS = Member._meta.get_field("phone").max_length


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
        # Only what the digits could be: a code has ten digits and a phone at most eleven,
        # so a whole CCCD is one probe of its index, not three index scans.
        digits = re.sub(r"\D", "", query)
        condition = _cccd_prefix(digits)
        if len(digits) <= _CODE_DIGITS:
            condition |= Q(code__endswith=digits)
        try:
            condition |= Q(phone=normalize_phone(query))
        except ValueProblem:
            if len(digits) <= _PHONE_DIGITS:
                condition |= Q(phone__contains=digits)
        return condition
    # Every word typed must appear; "lan nguyen" finds "Nguyễn Thị Lan". On PostgreSQL each
    # `LIKE '%word%'` is served by the trigram index on name_folded (migration 0005).
    condition = Q()
    name = Lower("name_folded") if scan else F("name_folded")
    for word in fold(query).split():
        condition &= Q(Contains(name, word))
    return condition


def _cccd_prefix(digits: str) -> Q:
    """CCCDs (always 12 digits, validators.normalize_cccd) beginning with `digits`, as a
    range: the unique index serves it in any collation, where `LIKE '079%'` would need a
    second (pattern) index that every write pays for."""
    if len(digits) > 12:
        return Q(pk__in=[])
    return Q(cccd__gte=digits, cccd__lte=digits + "9" * (12 - len(digits)))


# A search that finds more members than this says "more than N" instead of counting them
# all: counting 280,000 "nguyen" among a million members takes half a second.
SEARCH_COUNT_LIMIT = 1000


@dataclass(frozen=True)
class MemberSearch:
    """The members a search lists, in order, and what the page says about them.

    `count` is exact up to SEARCH_COUNT_LIMIT (then `more` is set and `count` is the limit);
    None when there was no search (the paginator counts the plain list). `similar`: no
    member has every word typed, so these are members with similar names (misspelt words
    corrected)."""

    members: QuerySet
    count: int | None = None
    more: bool = False
    similar: bool = False

    def paginator(self, per_page: int) -> Paginator:
        """The list's pages, counted by the search where it counted. A plain list or a
        search over the count's limit is paged keys first (core.paging): its order is
        walked or sorted among thousands of rows, which is cheap for the keys alone."""
        if self.count is None or self.more:
            paginator = KeysFirstPaginator(self.members, per_page)
        else:
            paginator = Paginator(self.members, per_page)
        if self.count is not None:
            paginator.count = self.count
        return paginator


def members_search(
    *, user, query: str = "", unit: Unit | None = None, filters: dict | None = None
) -> MemberSearch:
    """The filtered list and its count, Vietnamese order (given name, then family name).

    Typo tolerant: when no member has every word, the words that are part of no name are
    replaced by the closest name words ("ngyen thi lan", "nguyen thi lna" → Nguyễn Thị Lan;
    see _corrected). On PostgreSQL the plan is steered by what is cheap to know beforehand:
    a small scope (a commune) is read whole through the path index, a large one through the
    trigram index; the order's plan follows the bounded count (see _order)."""
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
    found, count = _matches(qs, qs.filter(search_q(query, scan=small)))
    if count == 0 and not _DIGITS.match(query):
        corrected = _corrected(qs, fold(query), scan=small)
        if corrected is not None:
            return corrected
    return MemberSearch(found.order_by(*_order(found, count)), min(count, SEARCH_COUNT_LIMIT),
                        count > SEARCH_COUNT_LIMIT)  # fmt: skip


def _corrected(qs, folded: str, *, scan: bool = False) -> MemberSearch | None:
    """The search again with each misspelt word replaced by the closest name words.

    A word that is part of no name word ("nguyte") becomes any of up to three spellings
    from the vocabulary (names.corrections: "nguyet"), matched as whole words; the other
    words stay as typed. Members with the likeliest spellings come first. None when nothing
    could be corrected or the corrected search finds nobody either. Two small queries on the
    vocabulary, then the ordinary indexed search: a misspelling costs about as much as the
    right spelling (a similarity ranking of the whole names took 0.3–0.7 s at a province)."""
    words = folded.split()
    fixes = names.corrections(words)
    if not fixes or not all(fixes.values()):
        return None
    name = Lower("name_folded") if scan else F("name_folded")
    condition = Q()
    closeness = []
    for word in words:
        spellings = fixes.get(word)
        if spellings is None:
            condition &= Q(Contains(name, word))
            continue
        # A corrected word is a whole word ("la" must not find every "Lan"): a regular
        # expression, which the trigram index serves (the spellings in one, so that the
        # other words are looked up once) and the planner estimates from the column's
        # statistics (an expression on the name would be guessed at 0.5%).
        condition &= Q(Regex(name, _whole_words(spellings)))
        if len(spellings) > 1:
            closeness.append(Case(
                *(When(Regex(name, _whole_words([s])), then=Value(rank))
                  for rank, s in enumerate(spellings)),
                default=Value(len(spellings)), output_field=IntegerField(),
            ))  # fmt: skip
    found, count = _matches(qs, qs.filter(condition))
    if count == 0:
        return None
    if scan and count > SEARCH_COUNT_LIMIT:
        # The planner cannot estimate a pattern on LOWER(name) and takes a commune's 3,000
        # "nguyen" for one row, then joins the units by a loop over all of them (0.5 s):
        # the units come in a second query instead.
        found = found.select_related(None).prefetch_related("unit")
    order = _order(found, count)
    if closeness and count <= SEARCH_COUNT_LIMIT:
        order = (functools.reduce(operator.add, closeness), *order)
    return MemberSearch(found.order_by(*order), min(count, SEARCH_COUNT_LIMIT),
                        count > SEARCH_COUNT_LIMIT, similar=True)  # fmt: skip


def _whole_words(words: list[str]) -> str:
    """A regular expression (PostgreSQL's and Python's alike) matching any of `words` as a
    whole word of a folded name."""
    return rf"(^| )({'|'.join(re.escape(w) for w in words)})( |$)"


def members_list(*, user, query: str = "", unit: Unit | None = None, filters: dict | None = None):
    """The filtered list, Vietnamese order (given name, then family name)."""
    return members_search(user=user, query=query, unit=unit, filters=filters).members


def _matches(qs, found) -> tuple[QuerySet, int]:
    """The matches and how many, counting no further than one past SEARCH_COUNT_LIMIT.

    The ids are read rather than counted: up to the limit, the list is then `qs` by those
    ids, so the page does not look the search up again — at a province, "phan thi nguyet"
    reads its matches' rows through the trigram index once instead of twice."""
    ids = list(found.order_by().values_list("pk", flat=True)[: SEARCH_COUNT_LIMIT + 1])
    if len(ids) <= SEARCH_COUNT_LIMIT:
        return qs.filter(pk__in=ids), len(ids)
    return found, len(ids)


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
