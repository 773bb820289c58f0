"""Contests (cuộc thi): what every kind shares, then the quiz contest's own records.

A Contest belongs to its organiser unit (a UnitOwnedModel: scoped by `unit_path`). Its
`kind` says which of the contest flows it runs: the online quiz (cuộc thi trắc nghiệm, built
here), and later the entry contest with a jury and the study-and-check; those add their own
records below their own heading, next to the quiz's.

The quiz: a bank of questions (single or multiple choice, topic, difficulty) with their
options; rounds with a time window (weekly in practice) that ask a fixed set or draw at
random per attempt; participants (a member signed in, or anyone for a public contest: name,
date of birth, phone, commune); attempts, each with its own drawn questions and shuffled
options (stored, so scoring is by option id, never by position), server-side start and
deadline, the answers and the prediction of how many will answer everything right; and a
round's results, ranked in SQL (contests.ranking), with the prizes they carry.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoiso.core.scoping import ScopedQuerySet
from hoiso.core.text import fold
from hoiso.org.models import AdministrativeArea, Unit, UnitOwnedModel

# ------------------------------------------------------------------------------ shared


class Contest(UnitOwnedModel):
    """A contest organised by `unit` (and seen by those who manage contests there or above)."""

    class Kind(models.TextChoices):
        QUIZ = "quiz", _("Online quiz")

    class Audience(models.TextChoices):
        MEMBERS = "members", _("Members only")
        PUBLIC = "public", _("Everyone (no sign-in)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.QUIZ)
    title = models.CharField(_("title"), max_length=200)
    rules = models.TextField(_("rules"), blank=True)
    audience = models.CharField(_("who may take part"), max_length=8, choices=Audience.choices,
                                default=Audience.PUBLIC)  # fmt: skip
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)  # fmt: skip
    # The quiz's settings (every round of the contest follows them).
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), default=15)
    questions_per_attempt = models.PositiveSmallIntegerField(_("questions per attempt"), default=10)
    attempts_per_round = models.PositiveSmallIntegerField(_("attempts per person per round"),
                                                          default=2)  # fmt: skip
    prize_first = models.PositiveSmallIntegerField(_("first prizes per round"), default=1)
    prize_second = models.PositiveSmallIntegerField(_("second prizes per round"), default=2)
    prize_third = models.PositiveSmallIntegerField(_("third prizes per round"), default=3)
    prize_consolation = models.PositiveSmallIntegerField(_("consolation prizes per round"),
                                                         default=5)  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["unit_path"],
                name="contests_contest_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),  # fmt: skip
            models.Index(fields=["status", "audience"], name="contests_contest_public_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.audience == self.Audience.PUBLIC

    @property
    def time_limit_seconds(self) -> int:
        return self.time_limit_minutes * 60

    def prize_counts(self) -> tuple[int, int, int, int]:
        return (self.prize_first, self.prize_second, self.prize_third, self.prize_consolation)


# ------------------------------------------------------------------------------ quiz


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    MEDIUM = 2, _("Medium")
    HARD = 3, _("Hard")


class Question(models.Model):
    """A question of a contest's bank. Single choice has exactly one right option; multiple
    choice one or more (the answer counts only when it picks exactly the right ones)."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SINGLE)
    text = models.TextField(_("question"))
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    topic_folded = models.CharField(max_length=100, blank=True, editable=False)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), choices=Difficulty.choices,
                                                  default=Difficulty.MEDIUM)  # fmt: skip
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["pk"]
        indexes = [models.Index(fields=["contest", "is_active", "topic_folded", "difficulty"],
                                name="contests_question_draw_idx")]  # fmt: skip

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args, **kwargs):
        self.topic_folded = fold(self.topic)
        super().save(*args, **kwargs)


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("option"), max_length=500)
    is_correct = models.BooleanField(_("right answer"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Round(models.Model):
    """A round (vòng/tuần thi) of a quiz contest: open from `starts_at` to `ends_at`.
    `selection` fixes the questions (`questions`, in order) or draws them per attempt from
    the active bank, optionally of one topic and one difficulty."""

    class Selection(models.TextChoices):
        FIXED = "fixed", _("The same questions for everyone")
        RANDOM = "random", _("A random draw for each attempt")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    starts_at = models.DateTimeField(_("opens at"))
    ends_at = models.DateTimeField(_("closes at"))
    selection = models.CharField(_("questions"), max_length=8, choices=Selection.choices,
                                 default=Selection.RANDOM)  # fmt: skip
    topic = models.CharField(_("topic (blank: any)"), max_length=100, blank=True)
    difficulty = models.PositiveSmallIntegerField(_("difficulty (blank: any)"), null=True,
                                                  blank=True, choices=Difficulty.choices)  # fmt: skip
    questions = models.ManyToManyField(Question, through="RoundQuestion", related_name="+")
    all_correct_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    ranked_at = models.DateTimeField(null=True, blank=True, editable=False)
    winners_published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["contest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="contests_round_number"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="contests_round_window"
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.contest} — {self.number}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at

    def is_over(self, now=None) -> bool:
        return (now or timezone.now()) >= self.ends_at


class RoundQuestion(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="fixed")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "question"],
                                               name="contests_round_question")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.round_id}/{self.question_id}"


class Participant(models.Model):
    """A person taking part in a contest: a member (her account, her record and its unit at
    the time she joined) or, in a public contest, anyone by name, date of birth, phone and
    commune. `unit_path` is a unit path (rewritten by restructuring); blank for the public."""

    SCOPE_PATH_FIELD = "unit_path"

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        PUBLIC = "public", _("Member of the public")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    member = models.ForeignKey("members.Member", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")  # fmt: skip
    full_name = models.CharField(_("full name"), max_length=120)
    name_folded = models.CharField(max_length=120, editable=False)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    area = models.ForeignKey(AdministrativeArea, verbose_name=_("commune"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")  # fmt: skip
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")  # fmt: skip
    unit_path = models.CharField(max_length=255, blank=True, editable=False)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "user"],
                condition=Q(kind="member"),
                name="contests_participant_member",
            ),  # fmt: skip
            models.UniqueConstraint(
                fields=["contest", "phone", "name_folded", "date_of_birth"],
                condition=Q(kind="public"),
                name="contests_participant_public",
            ),  # fmt: skip
        ]
        indexes = [
            models.Index(fields=["contest", "phone"], name="contests_participant_phone_idx"),
            models.Index(
                fields=["unit_path"],
                name="contests_participant_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.full_name)
        self.unit_path = self.unit.path if self.unit_id else ""
        super().save(*args, **kwargs)


class Attempt(models.Model):
    """One go at a round. `layout` is what the participant was shown: [[question id, [option
    ids in the order shown]], …]; `answers` maps a question id (text) to the chosen option
    ids. Only the server sets `started_at`, `deadline` and `submitted_at`; the submit is
    accepted once (`submit_token`, a conditional state change under a row lock)."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        EXPIRED = "expired", _("Not submitted in time")

    # No index of their own: the two composite indexes below lead with them (every attempt
    # written, and every submit, would keep two more indexes for nothing).
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="attempts", db_index=False
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attempts", db_index=False
    )
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submit_token = models.UUIDField(default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    layout = models.JSONField(default=list)
    answers = models.JSONField(default=dict)
    question_count = models.PositiveSmallIntegerField(default=0)
    correct = models.PositiveSmallIntegerField(null=True, blank=True)
    prediction = models.PositiveIntegerField(_("prediction"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            # One attempt in progress per person, whatever the race.
            models.UniqueConstraint(
                fields=["participant"], condition=Q(status="open"), name="contests_attempt_one_open"
            ),  # fmt: skip
        ]
        indexes = [
            models.Index(
                fields=["round", "status", "participant"], name="contests_attempt_round_idx"
            ),
            models.Index(fields=["participant", "round"], name="contests_attempt_person_idx"),
        ]

    def __str__(self) -> str:
        return str(self.key)

    @property
    def seconds(self) -> float:
        """The time taken, in seconds."""
        return (self.duration_ms or 0) / 1000

    @property
    def is_all_correct(self) -> bool:
        return (
            self.correct is not None
            and self.question_count > 0
            and self.correct == self.question_count
        )


class Result(models.Model):
    """A participant's place in a ranked round (her best attempt), written in one INSERT …
    SELECT by contests.ranking; `rank` is shared by exact ties, `position` is not."""

    class Prize(models.TextChoices):
        NONE = "", _("No prize")
        FIRST = "first", _("First prize")
        SECOND = "second", _("Second prize")
        THIRD = "third", _("Third prize")
        CONSOLATION = "consolation", _("Consolation prize")

    # No database-level foreign keys: the rows are written by one INSERT … SELECT from the
    # attempts (consistent by construction), and a per-row constraint trigger would cost
    # more than the ranking itself on a round of 200,000 (docs/performance.md). Deletes
    # still cascade, through Django.
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="results", db_constraint=False, db_index=False
    )  # the unique (round, participant) index serves it
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    correct = models.PositiveSmallIntegerField()
    prediction = models.PositiveIntegerField()
    distance = models.PositiveIntegerField()
    duration_ms = models.PositiveIntegerField()
    submitted_at = models.DateTimeField()
    rank = models.PositiveIntegerField()
    position = models.PositiveIntegerField()
    prize = models.CharField(max_length=12, choices=Prize.choices, blank=True, default="")

    class Meta:
        # One row per person is guaranteed by the INSERT … SELECT (row_number() = 1 per person);
        # a unique index here would, on a re-ranking, check every new row against the dead
        # rows the DELETE just left (twice the time on a big round).
        indexes = [
            models.Index(fields=["round", "position"], name="contests_result_order_idx"),
            # A person's prize (her result page): only the prize rows are indexed.
            models.Index(
                fields=["round", "participant"],
                name="contests_result_prize_idx",
                condition=~Q(prize=""),
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.round_id}#{self.position}"

    @property
    def seconds(self) -> float:
        """The time taken, in seconds."""
        return (self.duration_ms or 0) / 1000


# ------------------------------------------------------------------------------ entry contests
#
# An entry contest (cuộc thi bài dự thi) is its own record, not a `Contest.Kind`: it shares
# none of the quiz's settings (time limit, rounds, prizes per round, audience) and its flow
# is draft → open (entries accepted until the deadline) → judging → results published.
# Entries are submitted for a unit below the organiser; judges score them blind against a
# weighted rubric; the top N are forwarded to the unit above (contests.entries, .jury).


class EntryContest(UnitOwnedModel):
    """A call for entries organised by `unit`: categories, rules, a deadline, a rubric, a
    jury (each entry to `judges_per_entry` judges), prizes, and the top `forward_count`
    entries forwarded to the level above."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Accepting entries")
        JUDGING = "judging", _("Being judged")
        PUBLISHED = "published", _("Results published")

    title = models.CharField(_("title"), max_length=200)
    rules = models.TextField(_("rules"), blank=True)
    deadline = models.DateTimeField(_("deadline for entries"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)  # fmt: skip
    judges_per_entry = models.PositiveSmallIntegerField(_("judges per entry"), default=2)
    disagreement = models.PositiveSmallIntegerField(
        _("flag a disagreement above (points of 100)"), default=20
    )
    forward_count = models.PositiveSmallIntegerField(_("entries forwarded to the level above"),
                                                     default=3)  # fmt: skip
    prize_first = models.PositiveSmallIntegerField(_("first prizes"), default=1)
    prize_second = models.PositiveSmallIntegerField(_("second prizes"), default=2)
    prize_third = models.PositiveSmallIntegerField(_("third prizes"), default=3)
    prize_consolation = models.PositiveSmallIntegerField(_("consolation prizes"), default=4)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    judging_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("entry contest")
        verbose_name_plural = _("entry contests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def prize_counts(self) -> tuple[int, int, int, int]:
        return (self.prize_first, self.prize_second, self.prize_third, self.prize_consolation)

    def accepts_entries(self, now=None) -> bool:
        return self.status == self.Status.OPEN and (now or timezone.now()) <= self.deadline


class EntryCategory(models.Model):
    """A category (thể loại, lĩnh vực) an entry is submitted in."""

    contest = models.ForeignKey(EntryContest, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("category"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["contest", "name"],
                                               name="contests_category_name")]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """A criterion of the rubric: scored 0 … `max_score`, counting `weight` (relative)."""

    contest = models.ForeignKey(EntryContest, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("weight"))
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0, max_score__gt=0),
                                   name="contests_criterion_positive"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class Entry(UnitOwnedModel):
    """An entry submitted for `unit` (by one of its officials) naming its entrant. `code` is
    the blind code judges know it by; they never see the entrant, the unit or the files'
    names. `score`, `spread`, `rank` and `prize` are written when the results are published."""

    contest = models.ForeignKey(EntryContest, on_delete=models.CASCADE, related_name="entries")
    category = models.ForeignKey(EntryCategory, verbose_name=_("category"),
                                 on_delete=models.PROTECT, related_name="entries")  # fmt: skip
    code = models.CharField(_("code"), max_length=8)
    title = models.CharField(_("title"), max_length=300)
    entrant = models.CharField(_("entrant"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    submitted_at = models.DateTimeField(default=timezone.now)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    spread = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    prize = models.CharField(max_length=12, choices=Result.Prize.choices, blank=True, default="")

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["contest", "submitted_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["contest", "code"],
                                               name="contests_entry_code")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


def _entry_file_path(instance, filename: str) -> str:
    # Never the uploader's file name: the stored name says nothing about the entrant.
    return f"contests/entries/{instance.entry.contest_id}/{instance.entry_id}/{filename}"


class EntryFile(models.Model):
    """A file of an entry: the original as submitted (`file`, for the organiser and the
    level above) and its blind copy (`blind`, served to judges: document metadata,
    comment and revision authors stripped; images re-encoded without EXIF/text chunks)."""

    class Kind(models.TextChoices):
        DOCX = "docx", "Word (.docx)"
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to=_entry_file_path, max_length=255)
    blind = models.FileField(upload_to=_entry_file_path, max_length=255)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return "jpg" if self.kind == self.Kind.JPEG else self.kind


class Judge(UnitOwnedModel):
    """A user on a contest's jury. `unit` is the unit she belongs to (her shallowest role
    unit inside the organiser's subtree, or the organiser's unit): with her other role
    units it decides which entries she may never be given (contests.jury.conflicts)."""

    contest = models.ForeignKey(EntryContest, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        ordering = ["contest", "pk"]
        constraints = [models.UniqueConstraint(fields=["contest", "user"],
                                               name="contests_judge_once")]  # fmt: skip

    def __str__(self) -> str:
        return str(self.user)


class Assignment(models.Model):
    """An entry given to a judge. `total` is her weighted score on 100 (set once every
    criterion is scored, rewritten when she revises)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="assignments")
    assigned_at = models.DateTimeField(auto_now_add=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["entry", "judge"]
        constraints = [models.UniqueConstraint(fields=["entry", "judge"],
                                               name="contests_assignment_once")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.judge_id}"


class Score(models.Model):
    """A judge's score of one criterion of an assigned entry (0 … criterion.max_score)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="contests_score_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="contests_score_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}:{self.criterion_id}={self.value}"


def _package_path(instance, filename: str) -> str:
    return f"contests/forwarded/{instance.contest_id}/{filename}"


class Forward(models.Model):
    """The top entries of a contest sent to the level above as one package (a ZIP of the
    entries' files and the score sheet). `to_unit` is the organiser's parent (none for a
    top unit: the package then goes outside the platform); its officials see the record."""

    SCOPE_PATH_FIELD = "to_unit_path"

    contest = models.OneToOneField(EntryContest, on_delete=models.CASCADE, related_name="forward")
    to_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")  # fmt: skip
    to_unit_path = models.CharField(max_length=255, blank=True, editable=False)
    entries = models.ManyToManyField(Entry, related_name="+")
    package = models.FileField(upload_to=_package_path, max_length=255)
    size = models.PositiveIntegerField(default=0)
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    forwarded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("forwarded package")
        verbose_name_plural = _("forwarded packages")
        ordering = ["-forwarded_at", "-pk"]
        indexes = [
            models.Index(fields=["to_unit_path"], name="contests_forward_path_idx",
                         opclasses=["varchar_pattern_ops"]),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.contest} → {self.to_unit or '—'}"

    def save(self, *args, **kwargs):
        self.to_unit_path = self.to_unit.path if self.to_unit_id else ""
        super().save(*args, **kwargs)


# ------------------------------------------------------------------------------ rate limits


class RateCounter(models.Model):
    """One sliding-window counter of the public quiz pages' rate limits (contests.ratelimit):
    the requests of one key (a keyed hash of a phone number or an address) in the current
    fixed window `slot` and in the one before it. Updated by one atomic upsert per request."""

    key = models.CharField(max_length=64, primary_key=True)
    slot = models.BigIntegerField()
    current = models.PositiveIntegerField(default=0)
    previous = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["slot"], name="contests_ratecounter_slot_idx")]

    def __str__(self) -> str:
        return f"{self.key}@{self.slot}: {self.current}"
