"""Every read of entry contests, scoped to the acting user.

Three ways in, each its own starting query:
- the organiser: calls `EntryContest.objects.visible_to(user, MANAGE_CONTESTS)`, and what
  hangs from them (entries, criteria, judges, files) only through such a call;
- a unit's official: open calls of a unit above hers, and her units' entries
  (`Entry.objects.visible_to(user, MANAGE_CONTESTS)`);
- a judge: her assignments (`Assignment … judge__user=user`) and nothing else: an entry
  reached any other way is 404 to her, as is another judge's assignment.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404

from hoiso.contests.models import (
    Assignment,
    Criterion,
    Entry,
    EntryContest,
    EntryFile,
    Forward,
    Judge,
)
from hoiso.core.permissions import Action
from hoiso.core.scoping import get_object_for_user, scope_paths
from hoiso.org.models import Unit, ancestor_paths

MANAGE = Action.MANAGE_CONTESTS


def _get(qs, **lookups):
    try:
        return qs.get(**lookups)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _managed(user):
    return EntryContest.objects.visible_to(user, MANAGE)


# ------------------------------------------------------------------------------ organiser


def calls_managed(user):
    return (_managed(user).select_related("unit")
            .annotate(entry_count=Count("entries")).order_by("-created_at", "-pk"))  # fmt: skip


def call_for(user, pk) -> EntryContest:
    return get_object_for_user(
        EntryContest.objects.select_related("unit", "unit__parent"), user, MANAGE, pk=pk
    )


def criterion_for(user, pk) -> Criterion:
    return _get(
        Criterion.objects.select_related("contest").filter(contest__in=_managed(user)), pk=pk
    )


def judge_for(user, pk) -> Judge:
    return _get(
        Judge.objects.select_related("contest", "user").filter(contest__in=_managed(user)), pk=pk
    )


def entries_of(contest: EntryContest):
    return (contest.entries.select_related("unit", "category")
            .annotate(file_count=Count("files", distinct=True),
                      judges=Count("assignments", distinct=True),
                      scored=Count("assignments", filter=Q(assignments__scored_at__isnull=False), distinct=True))
            .order_by("submitted_at", "pk"))  # fmt: skip


def jury_of(contest: EntryContest):
    return (contest.judges.select_related("user", "unit")
            .annotate(assigned=Count("assignments", distinct=True),
                      scored=Count("assignments", filter=Q(assignments__scored_at__isnull=False), distinct=True))
            .order_by("pk"))  # fmt: skip


# ------------------------------------------------------------------------------ units' officials


def calls_open_to(user):
    """Calls (not drafts) organised at or above a unit where the user may submit entries
    (her own unit's calls take entries of the units below it), or inside her scope."""
    roots = scope_paths(user, MANAGE)
    calls = EntryContest.objects.exclude(status=EntryContest.Status.DRAFT)
    if roots is not None:
        above = {p for root in roots for p in ancestor_paths(root)}
        calls = calls.filter(Q(unit_path__in=above) | Q(pk__in=_managed(user).values("pk")))
    return calls.select_related("unit").order_by("-deadline", "-pk")


def call_for_entrant(user, pk) -> EntryContest:
    return _get(calls_open_to(user), pk=pk)


def units_for_entries(user, contest: EntryContest) -> list[Unit]:
    """The units the user may submit for: active, below the organiser, in her scope, at most
    two levels below the organiser (its localities and their branches)."""
    roots = scope_paths(user, MANAGE)
    depth = contest.unit.depth
    units = (
        Unit.objects.active()
        .subtree(contest.unit)
        .exclude(pk=contest.unit_id)
        .filter(depth__lte=depth + 2)
    )
    if roots is not None:
        units = units.filter(pk__in=Unit.objects.visible_to(user, MANAGE).values("pk"))
    return list(units.order_by("path"))


def my_entries(user, contest: EntryContest):
    return (Entry.objects.visible_to(user, MANAGE).filter(contest=contest)
            .select_related("unit", "category").order_by("-submitted_at", "-pk"))  # fmt: skip


def entry_for(user, pk) -> Entry:
    """An entry for its organiser or for an official of its unit (never for a judge as such)."""
    own = Q(pk__in=Entry.objects.visible_to(user, MANAGE).values("pk"))
    organised = Q(contest__in=_managed(user))
    return _get(
        Entry.objects.filter(own | organised).select_related(
            "contest", "contest__unit", "unit", "category"
        ),
        pk=pk,
    )


def file_for(user, pk) -> EntryFile:
    entry_ids = Entry.objects.filter(Q(pk__in=Entry.objects.visible_to(user, MANAGE).values("pk"))
                                     | Q(contest__in=_managed(user))).values("pk")  # fmt: skip
    return _get(EntryFile.objects.filter(entry__in=entry_ids).select_related("entry"), pk=pk)


# ------------------------------------------------------------------------------ judges


def my_assignments(user):
    return (Assignment.objects.filter(judge__user=user).exclude(judge__contest__status=EntryContest.Status.DRAFT)
            .select_related("entry", "entry__category", "judge__contest")
            .order_by("-judge__contest__judging_at", "entry__code"))  # fmt: skip


def assignment_for_judge(user, pk) -> Assignment:
    if not getattr(user, "is_authenticated", False):
        raise Http404
    return _get(Assignment.objects.filter(judge__user=user)
                .select_related("entry", "entry__category", "judge", "judge__contest"), pk=pk)  # fmt: skip


def blind_file_for_judge(user, assignment_pk, file_pk) -> tuple[Assignment, EntryFile]:
    assignment = assignment_for_judge(user, assignment_pk)
    return assignment, _get(EntryFile.objects.filter(entry_id=assignment.entry_id), pk=file_pk)


def is_judge(user) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False)) and Judge.objects.filter(user=user).exists()
    )


# ------------------------------------------------------------------------------ forwarded


def forwards_received(user):
    """Packages forwarded to a unit in the user's scope."""
    return (Forward.objects.visible_to(user, MANAGE).select_related("contest", "contest__unit", "to_unit")
            .annotate(entry_count=Count("entries")).order_by("-forwarded_at"))  # fmt: skip


def forward_for(user, pk) -> Forward:
    """A package for its sender (the organiser's scope) or its receiver (the unit above)."""
    sent = Q(contest__in=_managed(user))
    received = Q(pk__in=Forward.objects.visible_to(user, MANAGE).values("pk"))
    return _get(Forward.objects.filter(sent | received).select_related("contest"), pk=pk)


def published_call(pk) -> EntryContest:
    return _get(
        EntryContest.objects.filter(status=EntryContest.Status.PUBLISHED).select_related("unit"),
        pk=pk,
    )


def results_of(contest: EntryContest):
    return (contest.entries.filter(rank__isnull=False).select_related("unit", "category")
            .order_by("rank", "submitted_at", "pk"))  # fmt: skip
