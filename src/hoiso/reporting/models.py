"""Indicators and reporting periods: what reports, campaigns and dashboards are made of.

An indicator is a figure of a unit over a period — computed from the platform's data by a
registered function (core.indicators) or entered by the unit — with the way it rolls up from
the units below (sum, weighted ratio, max, latest). Periods are months, quarters, six and nine
months and years; the figures of a period run to its cut-off date, set per kind of period by
the national administrators (PeriodCutOff).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoiso.core import indicators as registry
from hoiso.core.scoping import ScopedQuerySet
from hoiso.org.models import Unit, UnitOwnedModel, ancestor_paths

CODE_PATTERN = r"^[A-Z][A-Z0-9_]{1,29}$"


class Measure(models.TextChoices):
    PEOPLE = "people", _("people")
    HOUSEHOLDS = "households", _("households")
    PERCENT = "percent", _("%")
    VND = "vnd", _("VND")
    SESSIONS = "sessions", _("sessions")
    COUNT = "count", _("items")


class Rollup(models.TextChoices):
    SUM = "sum", _("Sum")
    RATIO = "ratio", _("Ratio of two sums (weighted)")
    MAX = "max", _("Largest")
    LATEST = "latest", _("Latest")


class Source(models.TextChoices):
    COMPUTED = "computed", _("Computed from the platform's data")
    ENTERED = "entered", _("Entered by the unit")


class IndicatorQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(active=True)

    def for_unit(self, unit: Unit):
        """The indicators a unit reports: the national library and those its own unit or a
        unit above it defined."""
        return self.filter(
            models.Q(unit__isnull=True) | models.Q(unit_path__in=ancestor_paths(unit.path))
        )


class Indicator(models.Model):
    """A figure units report. `unit` is the unit that defined it for its own subtree; none
    for the national library (shipped by a migration, kept by the national administrators).

    Never deleted once used: deactivated instead (services.indicator_delete refuses)."""

    SCOPE_PATH_FIELD = "unit_path"
    # A commune merged into another hands its own indicators over (org restructuring).
    FOLLOWS_UNIT_ON_MERGE = True

    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(
                CODE_PATTERN,
                _(
                    "Use 2–30 capital letters without accents, digits and _, starting with a letter."
                ),
            )
        ],
        error_messages={"unique": _("Another indicator already has this code.")},
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("group"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    measure = models.CharField(_("measure"), max_length=12, choices=Measure.choices)
    rollup = models.CharField(
        _("roll-up"), max_length=8, choices=Rollup.choices, default=Rollup.SUM
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    computed_key = models.CharField(_("computed by"), max_length=60, blank=True)
    decimal_places = models.PositiveSmallIntegerField(
        _("decimal places"), default=1, validators=[MaxValueValidator(4)]
    )
    active = models.BooleanField(_("in use"), default=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("defined by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_path = models.CharField(max_length=255, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["unit_path", "updated_at"])
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "code"]
        indexes = [
            models.Index(
                fields=["unit_path"],
                name="reporting_ind_path_idx",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args, **kwargs):
        self.unit_path = self.unit.path if self.unit_id else ""
        super().save(*args, **kwargs)

    # --- what the measure implies ----------------------------------------------------------

    @property
    def is_ratio(self) -> bool:
        return self.rollup == Rollup.RATIO

    @property
    def integral(self) -> bool:
        """Whole numbers only: people, households, sessions, items and VND (no minor unit)."""
        return self.measure != Measure.PERCENT and not self.is_ratio

    @property
    def scale(self) -> int:
        """A ratio shown as a percentage is ×100; another ratio (e.g. VND per loan) is not."""
        return 100 if self.measure == Measure.PERCENT else 1

    def bounds(self) -> tuple[Decimal, Decimal | None]:
        """The smallest and largest possible value: no measure here can be negative, and a
        percentage cannot pass 100."""
        return Decimal(0), Decimal(100) if self.measure == Measure.PERCENT else None

    @property
    def computed(self):
        """The registered function, or None (entered, or its app is no longer installed)."""
        if self.source != Source.COMPUTED or not registry.is_registered(self.computed_key):
            return None
        return registry.get(self.computed_key)

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.source == Source.COMPUTED:
            if not self.computed_key:
                errors.setdefault("computed_key", []).append(
                    _("Choose the function that computes this indicator.")
                )
            elif not registry.is_registered(self.computed_key):
                errors.setdefault("computed_key", []).append(
                    _("No function computes “%(key)s”.") % {"key": self.computed_key}
                )
            else:
                function = registry.get(self.computed_key)
                if function.ratio and not self.is_ratio:
                    errors.setdefault("rollup", []).append(
                        _("This function gives a ratio: it rolls up as a ratio of two sums.")
                    )
                if not function.ratio and self.is_ratio:
                    errors.setdefault("rollup", []).append(
                        _("This function gives a single number; it cannot roll up as a ratio.")
                    )
                if function.measure and self.measure != function.measure:
                    errors.setdefault("measure", []).append(
                        _("This function counts in “%(measure)s”; choose that measure.")
                        % {"measure": Measure(function.measure).label}
                    )
        else:
            self.computed_key = ""
        if self.measure == Measure.PERCENT and self.rollup == Rollup.SUM:
            errors.setdefault("rollup", []).append(
                _("Percentages cannot be added up: choose a ratio of two sums, largest or latest.")
            )
        if errors:
            raise ValidationError(errors)


class Period(models.Model):
    """A reporting period: its calendar months (`start`–`end`) and the window its figures
    cover (`counts_from`–`cut_off`), fixed when the period is first stored from the cut-off
    day of its kind (reporting.periods). Submissions will point at it."""

    class Kind(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        HALF = "half", _("Six months")
        NINE_MONTHS = "nine_months", _("Nine months")
        YEAR = "year", _("Year")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"))
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    counts_from = models.DateField(_("figures from"))
    cut_off = models.DateField(_("cut-off date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "number"], name="reporting_period_unique"
            )
        ]

    def __str__(self) -> str:
        from hoiso.reporting.periods import label

        return str(label(self.kind, self.year, self.number))


class PeriodCutOff(models.Model):
    """The day of the month on which the figures of a kind of period close (31: the last day
    of the month). Kinds without a row use periods.DEFAULT_CUT_OFF_DAY."""

    kind = models.CharField(_("kind"), max_length=12, choices=Period.Kind.choices, unique=True)
    day = models.PositiveSmallIntegerField(
        _("cut-off day"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cut-off day")
        verbose_name_plural = _("cut-off days")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.day}"


# --- report templates, requests and submissions ---------------------------------------------


class Section(models.TextChoices):
    """The narrative parts of a Vietnamese periodic report, in their usual order."""

    RESULTS = "results", _("Results")
    SHORTCOMINGS = "shortcomings", _("Shortcomings and their causes")
    TASKS = "tasks", _("Tasks ahead")
    PROPOSALS = "proposals", _("Proposals")


def all_sections() -> list[str]:
    return list(Section.values)


class ReportTemplate(models.Model):
    """What a report asks for: indicators in order (ReportTemplateItem) and narrative sections.
    `unit` is the union that defined it for its subtree; none for the national library
    (the standard quarterly and yearly reports, shipped by a migration)."""

    SCOPE_PATH_FIELD = "unit_path"

    name = models.CharField(_("name"), max_length=200)
    sections = models.JSONField(_("narrative sections"), default=all_sections)
    unit = models.ForeignKey(Unit, verbose_name=_("defined by"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")  # fmt: skip
    unit_path = models.CharField(max_length=255, blank=True, editable=False)
    active = models.BooleanField(_("in use"), default=True)
    indicators = models.ManyToManyField(Indicator, through="ReportTemplateItem", related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.unit_path = self.unit.path if self.unit_id else ""
        super().save(*args, **kwargs)

    def ordered_indicators(self) -> list[Indicator]:
        items = self.items.select_related("indicator").order_by("order", "pk")
        return [item.indicator for item in items]

    def section_choices(self) -> list[tuple[str, str]]:
        return [(s, Section(s).label) for s in self.sections if s in Section.values]


class ReportTemplateItem(models.Model):
    """One indicator of a template, at its place."""

    template = models.ForeignKey(ReportTemplate, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "indicator"], name="reporting_tpl_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template_id}/{self.indicator_id}"


class ReportRequest(UnitOwnedModel):
    """An upper unit (`unit`) asks the units of one level below it (`recipient_kind`) for the
    report of a period by a deadline. A closed request takes no more submissions."""

    template = models.ForeignKey(ReportTemplate, verbose_name=_("report template"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    recipient_kind = models.CharField(_("sent to"), max_length=12, choices=Unit.Kind.choices)
    deadline = models.DateField(_("deadline"))
    note = models.TextField(_("note"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                  related_name="+")  # fmt: skip
    issued_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("report request")
        verbose_name_plural = _("report requests")
        ordering = ["-deadline", "-pk"]
        indexes = [
            models.Index(fields=["unit_path"], name="reporting_req_path_idx",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["deadline"], name="reporting_req_deadline_idx"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.template.name} — {self.period}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Submission(UnitOwnedModel):
    """One recipient unit's report for one request. `values` and `narrative` are its working
    draft; every submission freezes them into an immutable SubmissionVersion."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    request = models.ForeignKey(ReportRequest, on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)  # fmt: skip
    values = models.JSONField(default=dict, blank=True)
    narrative = models.JSONField(default=dict, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    on_time = models.BooleanField(null=True)  # the first submission, against the deadline
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["unit__name_sort", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "unit"], name="reporting_submission_unique")
        ]
        indexes = [
            models.Index(fields=["unit_path"], name="reporting_sub_path_idx",
                         opclasses=["varchar_pattern_ops"]),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.unit} — {self.request}"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class VersionImmutable(Exception):
    pass


class SubmissionVersion(models.Model):
    """What was submitted, frozen: the values (computed, entered, override reason) and the
    narrative. The upper unit's decision (returned with a comment, or accepted) is written
    once onto it by the services and never changed."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    values = models.JSONField(default=dict)
    narrative = models.JSONField(default=dict)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")  # fmt: skip
    submitted_at = models.DateTimeField()
    late = models.BooleanField(default=False)
    decision = models.CharField(max_length=10, blank=True, choices=[
        (Submission.Status.RETURNED, Submission.Status.RETURNED.label),
        (Submission.Status.ACCEPTED, Submission.Status.ACCEPTED.label)])  # fmt: skip
    comment = models.TextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "number"], name="reporting_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission} — v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise VersionImmutable("a submitted version is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise VersionImmutable("a submitted version is never deleted")


def attachment_path(instance, filename: str) -> str:
    return f"reporting/{instance.submission.request_id}/{instance.submission_id}/{filename}"


class Attachment(models.Model):
    """A file attached to a submission (PDF, DOCX, XLSX). Until it is submitted it belongs to
    the draft (`version` empty) and may be removed; then to the version it went up with."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="attachments")
    version = models.ForeignKey(SubmissionVersion, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="attachments")  # fmt: skip
    file = models.FileField(upload_to=attachment_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")  # fmt: skip
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Reminder(models.Model):
    """A reminder sent to a unit about a request on a day: at most one per unit, request
    and day, whatever how often the command runs."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "day"], name="reporting_reminder_unique")
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.day}"
