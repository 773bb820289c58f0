"""Study and check (học tập, quán triệt): a unit issues a study material (a resolution with
its summary, its text and/or a file) to units below it, with a deadline; the people who must
study it are resolved when it is published — officials holding roles at those units and/or
their members — and each of them is a `Learner`, who reads, confirms and takes the short
check. Completion and pass rates per unit are counted from the learners' rows by unit path.

Members have no account of their own in HộiSố (accounts.User is not linked to a member
record), so a member's study is recorded by the officials who keep her record (a list with
ticks and scores); an official studies and takes the check herself."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoiso.org.models import Unit, UnitOwnedModel


class Recipients(models.TextChoices):
    LEVEL = "level", _("All units of a level below")
    UNITS = "units", _("Chosen units")


class MemberAudience(models.TextChoices):
    NONE = "none", _("No members")
    ALL = "all", _("All members of the assigned units")
    CORE = "core", _("Core members only")


class LatePolicy(models.TextChoices):
    ALLOW = "allow", _("Still allowed, marked late")
    REFUSE = "refuse", _("Refused")


def _upload_to(instance, filename: str) -> str:
    return f"studies/{timezone.now():%Y/%m}/{filename}"


class Material(UnitOwnedModel):
    """A study material issued by `unit` (the issuer) to units below it. A draft is edited
    (text, file, check, audience); publishing resolves who must study it and freezes that;
    closing it stops studying and recording."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)
    file = models.FileField(upload_to=_upload_to, max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    recipients_mode = models.CharField(
        _("assigned to"), max_length=8, choices=Recipients.choices, default=Recipients.LEVEL
    )
    recipients_kind = models.CharField(
        _("level"), max_length=12, choices=Unit.Kind.choices, blank=True
    )
    recipient_units = models.ManyToManyField(
        Unit, verbose_name=_("assigned units"), blank=True, related_name="+"
    )
    for_officials = models.BooleanField(_("officials study it"), default=True)
    official_roles = models.JSONField(_("only officials holding"), default=list, blank=True)
    members = models.CharField(
        _("members"), max_length=8, choices=MemberAudience.choices, default=MemberAudience.NONE
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=3)
    has_check = models.BooleanField(default=False, editable=False)  # frozen at publication
    late_policy = models.CharField(
        _("after the deadline"), max_length=8, choices=LatePolicy.choices,
        default=LatePolicy.ALLOW,
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("study material")
        verbose_name_plural = _("study materials")
        indexes = [
            models.Index(
                fields=["unit_path"], name="study_material_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]  # fmt: skip
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def official_role_labels(self) -> list[str]:
        from hoiso.accounts.roles import RoleKind

        labels = dict(RoleKind.choices)
        return [str(labels.get(code, code)) for code in self.official_roles]

    def is_past_deadline(self, today=None) -> bool:
        return (today or timezone.localdate()) > self.deadline


class Question(models.Model):
    """A question of a material's check: one right option (single) or several (multiple);
    an answer counts when the options ticked are exactly the right ones."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("One answer")
        MULTIPLE = "multiple", _("Several answers")

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SINGLE)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("option"), max_length=500)
    is_correct = models.BooleanField(_("right answer"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Assignment(UnitOwnedModel):
    """A published material in one assigned unit (the unit owns it): how many of its people
    were resolved, and the day its officials were last reminded."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="assignments")
    learners_count = models.PositiveIntegerField(default=0)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta(UnitOwnedModel.Meta):
        indexes = [
            models.Index(
                fields=["unit_path"], name="study_assign_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(fields=["material", "unit"], name="study_assignment_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.material_id} → {self.unit_id}"


class Learner(UnitOwnedModel):
    """One person who must study a material, resolved at publication: an official (`user`,
    at the unit of her role) or a member (`member`, at her branch or group). `unit` is where
    she is counted; rates roll up by its path. Her best check result is kept here; each
    attempt is an Attempt."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("Official")
        MEMBER = "member", _("Member")

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="learners")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("full name"), max_length=150)
    name_sort = models.CharField(max_length=400, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    studied_at = models.DateTimeField(_("studied at"), null=True, blank=True)
    best_score = models.PositiveSmallIntegerField(_("best score (%)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    passed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    late = models.BooleanField(_("late"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        indexes = [
            # The roll-up: one material's learners grouped by a prefix of their path.
            models.Index(
                fields=["material", "unit_path"], name="study_learner_path_idx",
                opclasses=["", "varchar_pattern_ops"],
            ),
            models.Index(fields=["user"], name="study_learner_user_idx",
                         condition=Q(user__isnull=False)),
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(
                fields=["material", "user"], condition=Q(user__isnull=False),
                name="study_learner_user_uniq",
            ),
            models.UniqueConstraint(
                fields=["material", "member"], condition=Q(member__isnull=False),
                name="study_learner_member_uniq",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class Attempt(models.Model):
    """One submitted check. `key` is the one-time key the check page carried: the same
    submission posted twice is stored once and counted once."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="attempt_set")
    key = models.UUIDField(default=uuid.uuid4)
    answers = models.JSONField(default=dict)
    correct = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField(default=0)
    passed = models.BooleanField(default=False)
    late = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "key"], name="study_attempt_key_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}: {self.score}%"
