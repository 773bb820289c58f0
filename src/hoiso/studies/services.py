"""Every write of the studies app: drafting a material and its check, publishing it (who
must study is resolved then, set-based), closing it, a person's confirmation and check, the
officials' recording of their members' study, and the reminders. Each checks the actor's
scope again, runs in one transaction (a refused file, a forged id or a bad score leaves
nothing written) and is audited."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Q, Value
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hoiso.accounts.models import Role
from hoiso.accounts.roles import RoleKind
from hoiso.accounts.selectors import nearest_holders
from hoiso.core import audit
from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import path_q, user_can
from hoiso.core.text import normalize, person_name_fields
from hoiso.members.models import Member
from hoiso.notifications.services import notify
from hoiso.org.models import Unit
from hoiso.studies import files
from hoiso.studies.models import (
    Assignment,
    Attempt,
    LatePolicy,
    Learner,
    Material,
    MemberAudience,
    Option,
    Question,
    Recipients,
)

MAX_OPTIONS = 8
MAX_ATTEMPTS_LIMIT = 20


class StudyError(ServiceError):
    """A study request refused; the message is for the user."""


def _require(actor, action: str, unit_path: str) -> None:
    if not user_can(actor, action, unit_path):
        raise StudyError(_("You may not do this for a unit outside your own subtree."))


def _locked(material: Material) -> Material:
    return Material.objects.select_for_update().select_related("unit").get(pk=material.pk)


# ------------------------------------------------------------------------------ drafting


def target_units(*, issuer: Unit, mode: str, kind: str, units: Iterable[Unit] = ()) -> list[Unit]:
    """The active units a material is assigned to, all strictly inside the issuer's subtree
    (the way documents choose recipients: a whole level below, or units picked on the tree)."""
    below = Unit.objects.active().filter(path_q("path", [issuer.path])).exclude(pk=issuer.pk)
    if mode == Recipients.LEVEL:
        return list(below.filter(kind=kind).order_by("path")) if kind else []
    wanted = {unit.pk for unit in units}
    chosen = list(below.filter(pk__in=wanted).order_by("path"))
    if len(chosen) != len(wanted):
        raise StudyError(_("Assigned units must be active units below the issuing unit."))
    return chosen


def _apply(material: Material, data: dict) -> list[Unit]:
    """Copy the form's fields onto the draft; check what must hold together."""
    material.title = normalize(data.get("title", ""))
    material.summary = (data.get("summary") or "").strip()
    material.body = (data.get("body") or "").strip()
    material.deadline = data.get("deadline")
    material.recipients_mode = data.get("recipients_mode") or Recipients.LEVEL
    material.recipients_kind = data.get("recipients_kind") or ""
    material.for_officials = bool(data.get("for_officials"))
    roles = list(data.get("official_roles") or [])
    if set(roles) - set(RoleKind.values):
        raise StudyError(_("Unknown role."))
    material.official_roles = roles if material.for_officials else []
    material.members = data.get("members") or MemberAudience.NONE
    material.pass_mark = data.get("pass_mark") or 80
    material.max_attempts = data.get("max_attempts") or 0
    material.late_policy = data.get("late_policy") or LatePolicy.ALLOW
    if not material.title:
        raise StudyError(_("Give the title of the material."))
    if material.deadline is None:
        raise StudyError(_("Give the deadline."))
    if not 1 <= material.pass_mark <= 100:
        raise StudyError(_("The pass mark is a percentage from 1 to 100."))
    if material.max_attempts > MAX_ATTEMPTS_LIMIT:
        raise StudyError(_("At most %(n)d attempts can be allowed.") % {"n": MAX_ATTEMPTS_LIMIT})
    if not material.for_officials and material.members == MemberAudience.NONE:
        raise StudyError(_("Choose who must study it: officials, members or both."))
    units = list(data.get("recipient_units") or [])
    return units if material.recipients_mode == Recipients.UNITS else []


def _take_file(material: Material, upload) -> None:
    material.file_name = files.check(upload)
    material.file_size = upload.size
    material.file = upload


@transaction.atomic
def material_create(*, actor, unit: Unit, data: dict, upload=None) -> Material:
    """A draft of `unit` (the actor must hold MANAGE_STUDIES there); its file is checked
    first."""
    _require(actor, Action.MANAGE_STUDIES, unit.path)
    material = Material(unit=unit, created_by=actor)
    units = _apply(material, data)
    target_units(issuer=unit, mode=material.recipients_mode, kind=material.recipients_kind,
                 units=units)  # fmt: skip
    if upload is not None:
        _take_file(material, upload)
    material.save()
    material.recipient_units.set(units)
    audit.record(actor=actor, action="study.create", obj=material)
    return material


@transaction.atomic
def material_update(*, actor, material: Material, data: dict, upload=None,
                    remove_file: bool = False) -> Material:  # fmt: skip
    """Change a draft: its fields, its file (replaced or removed)."""
    material = _locked(material)
    _require(actor, Action.MANAGE_STUDIES, material.unit_path)
    if not material.is_draft:
        raise StudyError(_("A published material can no longer be changed."))
    units = _apply(material, data)
    target_units(issuer=material.unit, mode=material.recipients_mode,
                 kind=material.recipients_kind, units=units)  # fmt: skip
    old = material.file.name if material.file else ""
    if upload is not None:
        _take_file(material, upload)
    elif remove_file:
        material.file, material.file_name, material.file_size = "", "", 0
    material.save()
    material.recipient_units.set(units)
    if old and (upload is not None or remove_file):
        storage = Material._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(old))
    audit.record(actor=actor, action="study.update", obj=material)
    return material


@transaction.atomic
def question_add(*, actor, material: Material, text: str, kind: str,
                 options: list[tuple[str, bool]]) -> Question:  # fmt: skip
    """Add a question with its options (blank ones dropped) to a draft's check: 2 to 8
    options; one right option for a single-answer question, at least one for a multiple."""
    material = _locked(material)
    _require(actor, Action.MANAGE_STUDIES, material.unit_path)
    if not material.is_draft:
        raise StudyError(_("The check of a published material can no longer be changed."))
    text = (text or "").strip()
    options = [(normalize(t), bool(right)) for t, right in options if normalize(t)]
    if not text:
        raise StudyError(_("Write the question."))
    if kind not in Question.Kind.values:
        raise StudyError(_("Unknown kind of question."))
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise StudyError(_("A question needs from 2 to %(n)d options.") % {"n": MAX_OPTIONS})
    right = sum(1 for _t, r in options if r)
    if kind == Question.Kind.SINGLE and right != 1:
        raise StudyError(_("Tick exactly one right option for a one-answer question."))
    if kind == Question.Kind.MULTIPLE and right < 1:
        raise StudyError(_("Tick at least one right option."))
    order = material.questions.count() + 1
    question = Question.objects.create(material=material, text=text, kind=kind, order=order)
    Option.objects.bulk_create(
        [
            Option(question=question, text=t, is_correct=r, order=i)
            for i, (t, r) in enumerate(options, start=1)
        ]  # fmt: skip
    )
    audit.record(actor=actor, action="study.questions", obj=material,
                 details={"added": question.pk})  # fmt: skip
    return question


@transaction.atomic
def question_delete(*, actor, material: Material, question_id: int) -> None:
    material = _locked(material)
    _require(actor, Action.MANAGE_STUDIES, material.unit_path)
    if not material.is_draft:
        raise StudyError(_("The check of a published material can no longer be changed."))
    deleted, _detail = Question.objects.filter(material=material, pk=question_id).delete()
    if not deleted:
        raise StudyError(_("This question is not part of the material."))
    audit.record(actor=actor, action="study.questions", obj=material,
                 details={"deleted": question_id})  # fmt: skip


# ------------------------------------------------------------------------------ publishing


def _official_learners(material: Material, targets: list[Unit]) -> list[Learner]:
    """One learner per active user holding a role (of the chosen kinds) at a target unit or
    below it; a user with several such roles is counted at her highest unit."""
    roles = Role.objects.filter(path_q("unit_path", [u.path for u in targets]),
                                is_active=True, user__is_active=True)  # fmt: skip
    if material.official_roles:
        roles = roles.filter(role__in=material.official_roles)
    best: dict[int, tuple] = {}
    rows = roles.values_list("user_id", "unit_id", "unit_path", "user__full_name",
                             "user__username")  # fmt: skip
    for user_id, unit_id, unit_path, full_name, username in rows:
        if user_id not in best or len(unit_path) < len(best[user_id][1]):
            best[user_id] = (unit_id, unit_path, full_name or username)
    learners = []
    for user_id, (unit_id, unit_path, name) in best.items():
        name, _folded, name_sort = person_name_fields(name)
        learners.append(Learner(material=material, kind=Learner.Kind.OFFICIAL, user_id=user_id,
                                name=name, name_sort=name_sort, unit_id=unit_id,
                                unit_path=unit_path))  # fmt: skip
    return learners


def _insert_member_learners(material: Material, targets: list[Unit]) -> int:
    """INSERT … SELECT of one learner per active member of the target units (core members
    only if asked): one statement whatever the number of members, on any database."""
    members = Member.objects.active().filter(path_q("unit_path", [u.path for u in targets]))
    if material.members == MemberAudience.CORE:
        members = members.filter(is_core=True)
    select = members.order_by().values_list(
        Value(material.pk), Value(Learner.Kind.MEMBER), "pk", "full_name", "name_sort",
        "unit_id", "unit_path", Value(False), Value(0), Value(False),
    )  # fmt: skip
    sql, params = select.query.sql_with_params()
    fields = ["material", "kind", "member", "name", "name_sort", "unit", "unit_path", "passed",
              "attempts", "late"]  # fmt: skip
    quote = connection.ops.quote_name
    columns = ", ".join(quote(Learner._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(Learner._meta.db_table)} ({columns}) {sql}", params)
        return cursor.rowcount


def _count_per_assignment(material: Material, assignments: list[Assignment]) -> None:
    """Each assignment's number of learners: one GROUP BY per distinct depth of the assigned
    units (one in the usual case: a whole level)."""
    by_length: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_length.setdefault(len(assignment.unit_path), []).append(assignment)
    for length, group in by_length.items():
        counts = dict(
            Learner.objects.filter(material=material)
            .annotate(prefix=Substr("unit_path", 1, length))
            .values_list("prefix").annotate(n=Count("pk")).values_list("prefix", "n")
        )  # fmt: skip
        for assignment in group:
            assignment.learners_count = counts.get(assignment.unit_path, 0)
    Assignment.objects.bulk_update(assignments, ["learners_count"])


@transaction.atomic
def material_publish(*, actor, material: Material) -> Material:
    """Publish a draft: assign it to its units and resolve, now and once, who must study it
    (later arrivals are not added; see the notes). Tells the officials who must study it and
    the officials who keep the members' records."""
    material = _locked(material)
    _require(actor, Action.MANAGE_STUDIES, material.unit_path)
    if not material.is_draft:
        raise StudyError(_("This material has already been published."))
    if not material.body and not material.file:
        raise StudyError(_("Write the text of the material or attach its file before publishing."))
    if material.deadline < timezone.localdate():
        raise StudyError(_("The deadline has already passed; give a later one."))
    targets = target_units(issuer=material.unit, mode=material.recipients_mode,
                           kind=material.recipients_kind,
                           units=material.recipient_units.all())  # fmt: skip
    if not targets:
        raise StudyError(_("Choose at least one unit to assign it to."))
    assignments = Assignment.objects.bulk_create(
        [Assignment(material=material, unit=u, unit_path=u.path) for u in targets]
    )
    officials = _official_learners(material, targets) if material.for_officials else []
    Learner.objects.bulk_create(officials, batch_size=1000)
    members = 0
    if material.members != MemberAudience.NONE:
        members = _insert_member_learners(material, targets)
    if not officials and not members:
        raise StudyError(_("Nobody in the assigned units matches who must study it."))
    _count_per_assignment(material, assignments)
    material.status = Material.Status.PUBLISHED
    material.has_check = material.questions.exists()
    material.published_by, material.published_at = actor, timezone.now()
    material.save()
    _notify_published(material, officials, assignments if members else [])
    audit.record(actor=actor, action="study.publish", obj=material,
                 details={"units": len(targets), "officials": len(officials),
                          "members": members})  # fmt: skip
    return material


def _notify_published(material: Material, officials: list[Learner], assignments) -> None:
    deadline = date_format(material.deadline, "d/m/Y")
    title = _("Study material: %(title)s") % {"title": material.title}
    if officials:
        users = [learner.user for learner in Learner.objects.filter(
            material=material, kind=Learner.Kind.OFFICIAL).select_related("user")]  # fmt: skip
        notify(recipients=users, kind="study.assigned", title=title,
               body=_("Study it and take the check by %(date)s.") % {"date": deadline},
               url=reverse("studies:study", args=[material.pk]), unit=material.unit)  # fmt: skip
    for assignment in assignments:
        people = nearest_holders(unit=assignment.unit, action=Action.MANAGE_MEMBERS)
        if people:
            notify(recipients=people, kind="study.record", title=title,
                   body=_("Record your members' study by %(date)s.") % {"date": deadline},
                   url=reverse("studies:record", args=[material.pk]) + f"?unit={assignment.unit_id}",
                   unit=assignment.unit, email=False)  # fmt: skip


@transaction.atomic
def material_close(*, actor, material: Material) -> Material:
    """Close a published material: no more studying, checks or recording."""
    material = _locked(material)
    _require(actor, Action.MANAGE_STUDIES, material.unit_path)
    if material.status != Material.Status.PUBLISHED:
        raise StudyError(_("Only a published material can be closed."))
    material.status = Material.Status.CLOSED
    material.save(update_fields=["status"])
    audit.record(actor=actor, action="study.close", obj=material)
    return material


# ------------------------------------------------------------------------------ studying


def _open_for_study(material: Material, today: datetime.date) -> bool:
    """Whether studying is still taken; returns whether it is late. Refuses when closed or,
    by the material's setting, past the deadline."""
    if material.status != Material.Status.PUBLISHED:
        raise StudyError(_("This material is closed; studying is no longer recorded."))
    late = material.is_past_deadline(today)
    if late and material.late_policy == LatePolicy.REFUSE:
        raise StudyError(
            _("The deadline (%(date)s) has passed; this material no longer takes studying.")
            % {"date": date_format(material.deadline, "d/m/Y")}
        )
    return late


def learner_open(*, learner: Learner) -> None:
    """The first time she opens the material (a conditional UPDATE: no lock, no race)."""
    if learner.opened_at is None:
        now = timezone.now()
        if Learner.objects.filter(pk=learner.pk, opened_at__isnull=True).update(opened_at=now):
            learner.opened_at = now


@transaction.atomic
def learner_confirm(*, actor, learner: Learner) -> Learner:
    """She confirms she has studied the material (once; again changes nothing)."""
    learner = Learner.objects.select_for_update().select_related("material").get(pk=learner.pk)
    if learner.user_id != actor.pk:
        raise StudyError(_("This material was not assigned to you."))
    if learner.studied_at is not None:
        return learner
    late = _open_for_study(learner.material, timezone.localdate())
    now = timezone.now()
    learner.studied_at, learner.late = now, learner.late or late
    learner.opened_at = learner.opened_at or now
    learner.save(update_fields=["studied_at", "late", "opened_at"])
    return learner


def parse_key(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except (TypeError, ValueError, AttributeError):
        raise StudyError(_("The check form is out of date; open it again.")) from None


def _read_answers(material: Material, answers: dict[str, list[str]]) -> tuple[dict, dict]:
    """{question id: chosen option ids}, every id checked against the material's own
    questions and options (a forged id is refused, not ignored); every question answered."""
    questions = {q.pk: q for q in material.questions.all()}
    options: dict[int, dict[int, bool]] = {}
    for option_id, question_id, right in Option.objects.filter(
        question__material=material
    ).values_list("pk", "question_id", "is_correct"):  # fmt: skip
        options.setdefault(question_id, {})[option_id] = right
    chosen: dict[int, set[int]] = {}
    for raw_question, raw_options in answers.items():
        try:
            question_id = int(raw_question)
            picked = {int(v) for v in raw_options}
        except (TypeError, ValueError):
            raise StudyError(_("The answers sent are not valid.")) from None
        if question_id not in questions:
            raise StudyError(_("The answers name a question that is not in this check."))
        if not picked <= set(options.get(question_id, {})):
            raise StudyError(_("The answers name an option that is not in this question."))
        if questions[question_id].kind == Question.Kind.SINGLE and len(picked) > 1:
            raise StudyError(_("Choose only one answer for a one-answer question."))
        if picked:
            chosen[question_id] = picked
    missing = [q.order for q in questions.values() if q.pk not in chosen]
    if missing:
        raise StudyError(
            _("Answer every question (question %(n)s has no answer).") % {"n": min(missing)}
        )
    return chosen, options


@dataclass(frozen=True)
class Score:
    correct: int
    total: int

    @property
    def percent(self) -> int:
        return round(self.correct * 100 / self.total) if self.total else 0


def score(chosen: dict[int, set[int]], options: dict[int, dict[int, bool]]) -> Score:
    """A question counts when the options chosen are exactly its right ones."""
    correct = sum(
        1 for question_id, opts in options.items()
        if chosen.get(question_id, set()) == {o for o, right in opts.items() if right}
    )  # fmt: skip
    return Score(correct, len(options))


@transaction.atomic
def check_submit(*, actor, learner: Learner, key, answers: dict[str, list[str]]) -> Attempt:
    """Score one submitted check on the server (by option ids). The same key posted again
    returns the attempt already stored (nothing counted twice). Refused: not studied yet, no
    attempts left, closed, or past the deadline when the material says so."""
    key = parse_key(key)
    learner = Learner.objects.select_for_update().select_related("material").get(pk=learner.pk)
    if learner.user_id != actor.pk:
        raise StudyError(_("This material was not assigned to you."))
    done = Attempt.objects.filter(learner=learner, key=key).first()
    if done is not None:
        return done
    material = learner.material
    late = _open_for_study(material, timezone.localdate())
    if not material.has_check:
        raise StudyError(_("This material has no check."))
    if learner.studied_at is None:
        raise StudyError(_("Confirm that you have studied the material before the check."))
    if material.max_attempts and learner.attempts >= material.max_attempts:
        raise StudyError(
            _("You have used all %(n)d attempts of this check.") % {"n": material.max_attempts}
        )
    chosen, options = _read_answers(material, answers)
    result = score(chosen, options)
    passed = result.percent >= material.pass_mark
    attempt = Attempt.objects.create(
        learner=learner, key=key, correct=result.correct, total=result.total,
        score=result.percent, passed=passed, late=late,
        answers={str(q): sorted(o) for q, o in chosen.items()},
    )  # fmt: skip
    learner.attempts += 1
    learner.best_score = max(learner.best_score or 0, result.percent)
    if passed and not learner.passed:
        learner.passed, learner.passed_at = True, attempt.submitted_at
        learner.late = learner.late or late
    learner.save(update_fields=["attempts", "best_score", "passed", "passed_at", "late"])
    return attempt


# ------------------------------------------------------------------------------ recording


@dataclass(frozen=True)
class Row:
    """One line of the recording list as posted: the learner's id, studied or not, and the
    score of the check she took on paper (None: none)."""

    learner_id: int
    studied: bool
    score: int | None = None


@transaction.atomic
def record_members(*, actor, material: Material, rows: list[Row]) -> int:
    """Officials who keep members' records (MANAGE_MEMBERS at the member's unit: commune
    officers, branch and group leaders) record members' study and their paper check's score.
    Any id outside her scope or not a member of this material refuses the whole list.
    Returns how many learners changed."""
    material = Material.objects.select_related("unit").get(pk=material.pk)
    today = timezone.localdate()
    ids = {row.learner_id for row in rows}
    learners = {
        learner.pk: learner
        for learner in Learner.objects.visible_to(actor, Action.MANAGE_MEMBERS)
        .select_for_update().filter(material=material, kind=Learner.Kind.MEMBER, pk__in=ids)
    }  # fmt: skip
    if len(learners) != len(ids):
        raise StudyError(
            _("The list names a person who is not one of your members for this material.")
        )
    changed, now = [], timezone.now()
    for row in rows:
        learner = learners[row.learner_id]
        if row.score is not None and not 0 <= row.score <= 100:
            raise StudyError(_("%(name)s: a score is from 0 to 100.") % {"name": learner.name})
        if row.score is not None and not material.has_check:
            raise StudyError(_("This material has no check: record no score."))
        studied = row.studied or row.score is not None
        passed = row.score is not None and row.score >= material.pass_mark
        same = ((learner.studied_at is not None) == studied and learner.best_score == row.score
                and learner.passed == passed)  # fmt: skip
        if same:
            continue
        if studied and learner.studied_at is None or passed and not learner.passed:
            learner.late = learner.late or _open_for_study(material, today)
        elif material.status != Material.Status.PUBLISHED:
            _open_for_study(material, today)  # closed: refused
        learner.studied_at = (learner.studied_at or now) if studied else None
        learner.best_score = row.score
        learner.passed_at = (learner.passed_at or now) if passed else None
        learner.passed = passed
        if not studied:
            learner.late = False
        learner.recorded_by, learner.recorded_at = actor, now
        changed.append(learner)
    Learner.objects.bulk_update(changed, ["studied_at", "best_score", "passed", "passed_at",
                                          "late", "recorded_by", "recorded_at"])  # fmt: skip
    if changed:
        audit.record(actor=actor, action="study.record", obj=material,
                     details={"changed": len(changed)})  # fmt: skip
    return len(changed)


# ------------------------------------------------------------------------------ reminders


def remind_due(*, days: int = 3, today: datetime.date | None = None) -> int:
    """Remind, once a day, every official who has not finished a published material due
    within `days` days (the deadline day included), and the officials of each assigned unit
    whose members' study is not all recorded. Returns how many people were told."""
    today = today or timezone.localdate()
    materials = Material.objects.filter(status=Material.Status.PUBLISHED, deadline__gte=today,
                                        deadline__lte=today + datetime.timedelta(days=days))  # fmt: skip
    told = 0
    for material in materials.select_related("unit"):
        unfinished = Q(studied_at__isnull=True) | Q(passed=False) if material.has_check else Q(
            studied_at__isnull=True)  # fmt: skip
        title = _("Reminder: study “%(title)s” by %(date)s") % {
            "title": material.title, "date": date_format(material.deadline, "d/m/Y")}  # fmt: skip
        left = (material.deadline - today).days
        body = _("%(days)d day(s) left.") % {"days": left} if left else _("The deadline is today.")
        with transaction.atomic():
            due = Learner.objects.select_for_update().filter(
                unfinished, Q(reminded_on__isnull=True) | Q(reminded_on__lt=today),
                material=material, kind=Learner.Kind.OFFICIAL, user__is_active=True,
            )  # fmt: skip
            learners = list(due.select_related("user"))
            Learner.objects.filter(pk__in=[x.pk for x in learners]).update(reminded_on=today)
            if learners:
                notify(recipients=[x.user for x in learners], kind="study.reminder", title=title,
                       body=body, url=reverse("studies:study", args=[material.pk]),
                       unit=material.unit)  # fmt: skip
            told += len(learners)
        told += _remind_recorders(material, unfinished, title, body, today)
    return told


def _remind_recorders(material, unfinished, title, body, today) -> int:
    """The officials of each assigned unit that still has members whose study is not
    recorded (one GROUP BY for the material, then one notification per such unit)."""
    if material.members == MemberAudience.NONE:
        return 0
    told = 0
    for assignment in Assignment.objects.filter(material=material).exclude(
        reminded_on=today
    ).select_related("unit"):  # fmt: skip
        open_members = Learner.objects.filter(unfinished, material=material,
                                              kind=Learner.Kind.MEMBER,
                                              unit_path__startswith=assignment.unit_path)  # fmt: skip
        if not open_members.exists():
            continue
        with transaction.atomic():
            if not Assignment.objects.filter(pk=assignment.pk).exclude(reminded_on=today).update(
                reminded_on=today
            ):  # fmt: skip
                continue
            people = nearest_holders(unit=assignment.unit, action=Action.MANAGE_MEMBERS)
            if people:
                notify(recipients=people, kind="study.reminder", title=title,
                       body=body + " " + _("Some members' study is not recorded yet."),
                       url=reverse("studies:record", args=[material.pk])
                       + f"?unit={assignment.unit_id}", unit=assignment.unit)  # fmt: skip
                told += len(people)
    return told
