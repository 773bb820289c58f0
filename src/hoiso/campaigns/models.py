"""Campaigns (phong trào thi đua, đợt cao điểm): a unit sets its units below targets on a few
indicators over a period and follows their progress.

Progress of a computed indicator is read from the registry (core.indicators) and stored once
a day as a Snapshot, so the chart can draw the curve; an entered indicator is reported by
the units themselves, one Entry per unit, indicator and day (a correction replaces the
figure; simple-history keeps the earlier one). Figures here are whole numbers: only
indicators that add up (roll-up "sum", not a rate) can be spread into targets.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoiso.org.models import Unit, UnitOwnedModel
from hoiso.reporting.models import Indicator


def _path_index(name: str) -> models.Index:
    return models.Index(fields=["unit_path"], name=name, opclasses=["varchar_pattern_ops"])


class Campaign(UnitOwnedModel):
    """A campaign launched by `unit` for its units of one level (`target_kind`) below it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        RUNNING = "running", _("Under way")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    target_kind = models.CharField(_("units with targets"), max_length=12,
                                   choices=Unit.Kind.choices)  # fmt: skip
    indicators = models.ManyToManyField(Indicator, through="CampaignIndicator", related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start", "-pk"]
        indexes = [_path_index("campaigns_campaign_path_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def ordered_indicators(self) -> list[Indicator]:
        items = self.items.select_related("indicator").order_by("order", "pk")
        return [item.indicator for item in items]


class CampaignIndicator(models.Model):
    """One indicator of a campaign, at its place."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "indicator"], name="campaigns_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.indicator_id}"


class Target(UnitOwnedModel):
    """What one unit is to reach on one indicator by the campaign's last day."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveBigIntegerField(_("target"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["unit_path", "updated_at"])

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "indicator", "unit"], name="campaigns_target_unique"
            )  # fmt: skip
        ]
        indexes = [_path_index("campaigns_target_path_idx")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.indicator_id}/{self.unit_id}: {self.value}"


class Snapshot(UnitOwnedModel):
    """The computed value of an indicator for a unit on a day (one per day: taking it again
    the same day replaces it)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="snapshots")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    value = models.BigIntegerField()
    taken_at = models.DateTimeField(auto_now=True)

    class Meta(UnitOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "indicator", "unit", "day"], name="campaigns_snapshot_unique"
            )  # fmt: skip
        ]
        indexes = [_path_index("campaigns_snapshot_path_idx")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.indicator_id}/{self.unit_id} {self.day}: {self.value}"


class Entry(UnitOwnedModel):
    """What a unit achieved on an entered indicator on one day (the day's own figure; the
    progress is the sum of the days). A correction replaces `value`; history keeps the old."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    value = models.PositiveBigIntegerField(_("figure of the day"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    entered_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["unit_path"])

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        ordering = ["-day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "indicator", "unit", "day"], name="campaigns_entry_unique"
            )  # fmt: skip
        ]
        indexes = [_path_index("campaigns_entry_path_idx")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.indicator_id}/{self.unit_id} {self.day}: {self.value}"
