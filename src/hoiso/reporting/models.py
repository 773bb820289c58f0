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
from hoiso.org.models import Unit, ancestor_paths

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
