"""The jury's writes: judges, judging started, the automatic assignment, a judge's scores,
the published results (ranking, prizes) and the top entries forwarded to the level above.

The organiser's services check MANAGE_CONTESTS at the organiser unit; a judge's scores
are accepted only for an assignment of hers, while the contest is being judged. All in
one transaction: a refusal writes nothing.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.models import Role, User
from hoiso.contests import entry_package, jury
from hoiso.contests.models import Assignment, Entry, EntryContest, Forward, Judge, Score
from hoiso.contests.services import require
from hoiso.core import audit
from hoiso.core.errors import ServiceError
from hoiso.core.scoping import path_q
from hoiso.notifications.services import notify


def _locked(contest: EntryContest) -> EntryContest:
    return (
        EntryContest.objects.select_for_update(of=("self",))
        .select_related("unit", "unit__parent")
        .get(pk=contest.pk)
    )


# ------------------------------------------------------------------------------ judges


def judge_candidates(contest: EntryContest):
    """Users who may sit on the jury: active accounts with an active role at the organiser's
    unit or below it (a judge from outside the Union gets the `judge` role there first)."""
    return (User.objects.filter(is_active=True, roles__is_active=True)
            .filter(path_q("roles__unit_path", [contest.unit_path]))
            .exclude(pk__in=contest.judges.values("user_id")).distinct().order_by("full_name", "username"))  # fmt: skip


def role_paths(user_ids) -> dict[int, list[str]]:
    paths: dict[int, list[str]] = {}
    for user_id, path in Role.objects.filter(user_id__in=user_ids, is_active=True).values_list(
        "user_id", "unit_path"
    ):
        paths.setdefault(user_id, []).append(path)
    return paths


@transaction.atomic
def judge_add(*, actor, contest: EntryContest, user) -> Judge:
    contest = _locked(contest)
    require(actor, contest.unit_path)
    if contest.status == EntryContest.Status.PUBLISHED:
        raise ServiceError(_("The results are published: the jury can no longer change."))
    if not judge_candidates(contest).filter(pk=user.pk).exists():
        raise ServiceError(_("Choose an account with a role at the organising unit or below it "
                             "(who is not on the jury yet)."))  # fmt: skip
    inside = sorted((p for p in role_paths([user.pk]).get(user.pk, []) if p.startswith(contest.unit_path)),
                    key=len)  # fmt: skip
    from hoiso.org.models import Unit

    home = Unit.objects.get(path=inside[0]) if inside else contest.unit
    judge = Judge.objects.create(contest=contest, user=user, unit=home, added_by=actor)
    audit.record(actor=actor, action="entries.jury", obj=contest, details={"added": user.username})
    return judge


@transaction.atomic
def judge_remove(*, actor, judge: Judge) -> None:
    """Take a judge off the jury, with her assignments — unless she has scored one."""
    contest = _locked(judge.contest)
    require(actor, contest.unit_path)
    if contest.status == EntryContest.Status.PUBLISHED:
        raise ServiceError(_("The results are published: the jury can no longer change."))
    if judge.assignments.filter(scored_at__isnull=False).exists():
        raise ServiceError(_("This judge has already scored entries: she stays on the jury."))
    audit.record(
        actor=actor, action="entries.jury", obj=contest, details={"removed": judge.user.username}
    )
    judge.delete()


# ------------------------------------------------------------------------------ judging


@transaction.atomic
def judging_start(*, actor, contest: EntryContest) -> EntryContest:
    """Stop taking entries and start judging. Before the deadline, the deadline becomes now."""
    contest = _locked(contest)
    require(actor, contest.unit_path)
    if contest.status != EntryContest.Status.OPEN:
        raise ServiceError(_("Only a contest taking entries can move to judging."))
    if not contest.entries.exists():
        raise ServiceError(_("No entry has been submitted yet."))
    now = timezone.now()
    contest.status, contest.judging_at = EntryContest.Status.JUDGING, now
    contest.deadline = min(contest.deadline, now)
    contest.save(update_fields=["status", "judging_at", "deadline"])
    audit.record(actor=actor, action="entries.judging", obj=contest)
    return contest


@transaction.atomic
def assign_automatically(*, actor, contest: EntryContest) -> int:
    """Give every entry `judges_per_entry` judges, never one of its locality (contests.jury),
    the load balanced; entries that have judges keep them. Returns the assignments made."""
    contest = _locked(contest)
    require(actor, contest.unit_path)
    if contest.status != EntryContest.Status.JUDGING:
        raise ServiceError(_("Entries are assigned once judging has started."))
    judges = list(contest.judges.all())
    if not judges:
        raise ServiceError(_("Add the judges first."))
    roles = role_paths([j.user_id for j in judges])
    by_judge = {j.pk: [j.unit_path, *roles.get(j.user_id, [])] for j in judges}
    entries = list(contest.entries.values_list("pk", "unit_path"))
    existing: dict[int, set[int]] = {}
    for entry_id, judge_id in Assignment.objects.filter(entry__contest=contest).values_list(
        "entry_id", "judge_id"
    ):
        existing.setdefault(entry_id, set()).add(judge_id)
    try:
        pairs = jury.plan_assignments(entries=entries, judges=by_judge, organiser_path=contest.unit_path,
                                      per_entry=contest.judges_per_entry, existing=existing)  # fmt: skip
    except jury.NotEnoughJudges as exc:
        codes = dict(contest.entries.filter(pk__in=exc.short).values_list("pk", "code"))
        raise ServiceError(
            _("Not enough judges outside the entries' localities: %(n)d entries (%(codes)s) cannot get "
              "%(need)d judges each. Add judges from other units or at the organising unit.")
            % {"n": len(exc.short), "codes": ", ".join(sorted(codes.values())[:10]), "need": contest.judges_per_entry}
        ) from exc  # fmt: skip
    Assignment.objects.bulk_create([Assignment(entry_id=e, judge_id=j) for e, j in pairs])
    counts: dict[int, int] = {}
    for _e, j in pairs:
        counts[j] = counts.get(j, 0) + 1
    for judge in judges:
        if counts.get(judge.pk):
            notify(recipients=[judge.user], kind="contest.jury", url=reverse("contests:jury_home"),
                   title=_("You have %(n)d entries of “%(contest)s” to score")
                   % {"n": counts[judge.pk], "contest": contest.title})  # fmt: skip
    audit.record(
        actor=actor, action="entries.assign", obj=contest, details={"assignments": len(pairs)}
    )
    return len(pairs)


def _value(raw, criterion) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(
            _("“%(criterion)s”: enter a number.") % {"criterion": criterion.name}
        ) from exc
    if not value.is_finite() or not 0 <= value <= criterion.max_score:
        raise ServiceError(_("“%(criterion)s” is scored from 0 to %(max)d.")
                           % {"criterion": criterion.name, "max": criterion.max_score})  # fmt: skip
    if value != value.quantize(Decimal("0.01")):
        raise ServiceError(
            _("“%(criterion)s”: at most two decimal places.") % {"criterion": criterion.name}
        )
    return value


@transaction.atomic
def scores_save(*, actor, assignment: Assignment, values: dict) -> Assignment:
    """A judge's scores of an entry assigned to her: every criterion, each within its
    range; may be revised while the contest is being judged."""
    assignment = (Assignment.objects.select_for_update().select_related("judge", "entry__contest")
                  .get(pk=assignment.pk))  # fmt: skip
    contest = assignment.entry.contest
    if assignment.judge.user_id != getattr(actor, "pk", None):
        raise ServiceError(_("This entry is not assigned to you."))
    if contest.status != EntryContest.Status.JUDGING:
        raise ServiceError(_("Judging of this contest is closed: scores can no longer change."))
    criteria = list(contest.criteria.all())
    if not criteria:
        raise ServiceError(_("The contest has no rubric."))
    missing = [c.name for c in criteria if str(values.get(c.pk, "")).strip() == ""]
    if missing:
        raise ServiceError(
            _("Score every criterion (missing: %(names)s).") % {"names": ", ".join(missing)}
        )
    scores = {c.pk: _value(values[c.pk], c) for c in criteria}
    for criterion_id, value in scores.items():
        Score.objects.update_or_create(assignment=assignment, criterion_id=criterion_id,
                                       defaults={"value": value})  # fmt: skip
    assignment.total = jury.judge_total(scores, [(c.pk, c.weight, c.max_score) for c in criteria])
    assignment.scored_at = timezone.now()
    assignment.save(update_fields=["total", "scored_at"])
    audit.record(actor=actor, action="entries.score", obj=contest,
                 details={"entry": assignment.entry.code, "total": str(assignment.total)})  # fmt: skip
    return assignment


# ------------------------------------------------------------------------------ results


def standings(contest: EntryContest) -> list[jury.Standing]:
    """The aggregation of the judges' totals (contests.jury.aggregate), one query."""
    rows: dict[int, tuple[list[Decimal], list[int]]] = {
        pk: ([], [0]) for pk in contest.entries.values_list("pk", flat=True)
    }
    for entry_id, total in Assignment.objects.filter(entry__contest=contest).values_list(
        "entry_id", "total"
    ):
        totals, assigned = rows[entry_id]
        assigned[0] += 1
        if total is not None:
            totals.append(total)
    return jury.aggregate(((e, t, a[0]) for e, (t, a) in rows.items()), threshold=contest.disagreement,
                          prizes=contest.prize_counts())  # fmt: skip


def publish_problems(contest: EntryContest) -> list[str]:
    problems = []
    unassigned = contest.entries.filter(assignments__isnull=True).count()
    if unassigned:
        problems.append(_("%(n)d entries have no judge.") % {"n": unassigned})
    unscored = Assignment.objects.filter(entry__contest=contest, scored_at__isnull=True).count()
    if unscored:
        problems.append(_("%(n)d assignments are not scored yet.") % {"n": unscored})
    return problems


@transaction.atomic
def results_publish(*, actor, contest: EntryContest) -> EntryContest:
    """Close judging and publish the results: every entry's mean, spread, rank and prize
    written; scores are final."""
    contest = _locked(contest)
    require(actor, contest.unit_path)
    if contest.status != EntryContest.Status.JUDGING:
        raise ServiceError(_("Only a contest being judged can publish its results."))
    problems = publish_problems(contest)
    if problems:
        raise ServiceError(" ".join(problems))
    by_id = {e.pk: e for e in contest.entries.all()}
    for s in standings(contest):
        entry = by_id[s.entry_id]
        entry.score, entry.spread, entry.rank, entry.prize = s.mean, s.stdev, s.rank, s.prize
    Entry.objects.bulk_update(by_id.values(), ["score", "spread", "rank", "prize"])
    contest.status, contest.published_at = EntryContest.Status.PUBLISHED, timezone.now()
    contest.save(update_fields=["status", "published_at"])
    audit.record(actor=actor, action="entries.publish", obj=contest)
    return contest


def top_entries(contest: EntryContest) -> list[Entry]:
    """The entries to forward: the first `forward_count` by rank (equal ranks: the earlier
    submission first)."""
    return list(contest.entries.filter(rank__isnull=False).select_related("unit", "category")
                .order_by("rank", "submitted_at", "pk")[: contest.forward_count])  # fmt: skip


@transaction.atomic
def forward(*, actor, contest: EntryContest) -> Forward:
    """Send the top entries to the unit above: one ZIP of their files and the score sheet,
    kept as the record of what was sent; the receiving unit's officials see it."""
    contest = _locked(contest)
    require(actor, contest.unit_path)
    if contest.status != EntryContest.Status.PUBLISHED:
        raise ServiceError(_("Publish the results before forwarding the best entries."))
    if Forward.objects.filter(contest=contest).exists():
        raise ServiceError(_("The best entries have already been forwarded."))
    chosen = top_entries(contest)
    data = entry_package.package_zip(contest, chosen)
    record = Forward(
        contest=contest, to_unit=contest.unit.parent, forwarded_by=actor, size=len(data)
    )
    record.package.save(f"chuyen-cap-tren-{contest.pk}.zip", ContentFile(data), save=False)
    try:
        record.save()
        record.entries.set(chosen)
        if record.to_unit_id:
            officials = User.objects.filter(
                roles__is_active=True, roles__unit=record.to_unit, is_active=True
            )
            notify(recipients=list(officials.filter(~Q(pk=actor.pk)).distinct()), kind="contest.forward",
                   url=reverse("contests:entry_received"), unit=record.to_unit,
                   title=_("%(unit)s forwarded its best %(n)d entries of “%(contest)s”")
                   % {"unit": contest.unit.name, "n": len(chosen), "contest": contest.title})  # fmt: skip
        audit.record(actor=actor, action="entries.forward", obj=contest,
                     details={"entries": [e.code for e in chosen]})  # fmt: skip
    except Exception:
        record.package.delete(save=False)
        raise
    return record
