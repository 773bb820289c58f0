"""Every write of the campaigns app: create, edit, start and close a campaign, set targets
(one by one or spread by a rule), enter a unit's daily figures and take the daily snapshots
of computed indicators. Each checks the actor's scope itself (views, commands and the demo
call the same functions) and raises ServiceError with a message for the user; each runs in
one transaction, so a refusal leaves nothing half-written."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.selectors import nearest_holders
from hoiso.campaigns import spreading
from hoiso.campaigns.models import Campaign, CampaignIndicator, Entry, Snapshot, Target
from hoiso.core import audit
from hoiso.core import indicators as registry
from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.members import tally
from hoiso.notifications.services import notify
from hoiso.org.models import Unit
from hoiso.reporting import values
from hoiso.reporting.models import Indicator, Measure, Rollup, Source

MAX_DAYS = 366 * 2
# How far down the tree each kind of unit stands: targets go to a level below the launcher.
LEVEL = {Unit.Kind.CENTRAL: 0, Unit.Kind.PROVINCE: 1, Unit.Kind.COMMUNE: 2,
         Unit.Kind.AFFILIATED: 2, Unit.Kind.BRANCH: 3, Unit.Kind.GROUP: 4}  # fmt: skip


class Rule:
    MEMBERS = "members"
    EQUAL = "equal"


def _require(actor, path: str) -> None:
    if not user_can(actor, Action.MANAGE_REPORTING, path):
        raise ServiceError(_("You cannot manage campaigns of this unit."))


def target_kinds(unit: Unit) -> list[str]:
    """The levels of unit below `unit` that targets may go to."""
    return [kind for kind in Unit.Kind.values if LEVEL[kind] > LEVEL[unit.kind]]


def usable_indicators(unit: Unit):
    """The indicators a campaign of `unit` may follow: those it reports that add up
    (a rate cannot be spread into targets), computed ones only when their app is installed."""
    keys = [c.key for c in registry.all_computed() if not c.ratio]
    return (Indicator.objects.for_unit(unit).active().filter(rollup=Rollup.SUM)
            .exclude(measure=Measure.PERCENT)
            .filter(Q(source=Source.ENTERED) | Q(source=Source.COMPUTED, computed_key__in=keys)))  # fmt: skip


def target_units(campaign: Campaign):
    """The active units of the campaign's level under its launching unit."""
    return (Unit.objects.subtree(campaign.unit).active().filter(kind=campaign.target_kind)
            .exclude(pk=campaign.unit_id).order_by("name_sort", "pk"))  # fmt: skip


def _check_data(unit: Unit, data: dict, campaign: Campaign | None = None) -> None:
    start, end = data["start"], data["end"]
    if end < start:
        raise ServiceError(_("The last day cannot come before the first day."))
    if (end - start).days + 1 > MAX_DAYS:
        raise ServiceError(_("A campaign lasts at most two years."))
    if data["target_kind"] not in target_kinds(unit):
        raise ServiceError(_("Targets go to units below the launching unit."))
    allowed = set(usable_indicators(unit).values_list("pk", flat=True))
    chosen = list(data["indicators"])
    if not chosen:
        raise ServiceError(_("Choose at least one indicator."))
    if any(i.pk not in allowed for i in chosen):
        raise ServiceError(_("This indicator cannot be followed by a campaign of this unit."))


@transaction.atomic
def campaign_create(*, actor, unit: Unit, data: dict) -> Campaign:
    """A draft campaign of `unit`: name, description, dates, the level of units that get
    targets and its indicators (in the order given)."""
    _require(actor, unit.path)
    _check_data(unit, data)
    campaign = Campaign.objects.create(
        unit=unit, name=data["name"].strip(), description=data.get("description", ""),
        start=data["start"], end=data["end"], target_kind=data["target_kind"], created_by=actor,
    )  # fmt: skip
    _set_indicators(campaign, data["indicators"])
    audit.record(actor=actor, action="campaign.create", obj=campaign)
    return campaign


def _set_indicators(campaign: Campaign, chosen: Iterable[Indicator]) -> None:
    chosen = list(chosen)
    CampaignIndicator.objects.filter(campaign=campaign).exclude(indicator__in=chosen).delete()
    for order, indicator in enumerate(chosen):
        CampaignIndicator.objects.update_or_create(
            campaign=campaign, indicator=indicator, defaults={"order": order}
        )


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, data: dict) -> Campaign:
    """Change a campaign not yet closed. Once it runs, its level and indicators stay (units
    have targets and figures on them); its dates and wording may still change."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require(actor, campaign.unit_path)
    if campaign.status == Campaign.Status.CLOSED:
        raise ServiceError(_("This campaign is closed: it can no longer be changed."))
    if campaign.status == Campaign.Status.RUNNING:
        data = {**data, "target_kind": campaign.target_kind,
                "indicators": campaign.ordered_indicators()}  # fmt: skip
    _check_data(campaign.unit, data, campaign)
    if data["target_kind"] != campaign.target_kind:
        campaign.targets.all().delete()
    campaign.name = data["name"].strip()
    campaign.description = data.get("description", "")
    campaign.start, campaign.end = data["start"], data["end"]
    campaign.target_kind = data["target_kind"]
    campaign.save()
    if campaign.status == Campaign.Status.DRAFT:
        _set_indicators(campaign, data["indicators"])
        campaign.targets.exclude(indicator__in=data["indicators"]).delete()
    audit.record(actor=actor, action="campaign.update", obj=campaign)
    return campaign


def _target_value(indicator: Indicator, raw) -> int:
    try:
        value = values.check(indicator, raw)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0]) from None
    if value is None:
        raise ServiceError(_("Enter a number."))
    return int(value)


def _open_for_targets(actor, campaign: Campaign) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require(actor, campaign.unit_path)
    if campaign.status == Campaign.Status.CLOSED:
        raise ServiceError(_("This campaign is closed: its targets can no longer change."))
    return campaign


def _campaign_indicator(campaign: Campaign, indicator: Indicator) -> Indicator:
    if not campaign.items.filter(indicator=indicator).exists():
        raise ServiceError(_("This indicator is not part of the campaign."))
    return indicator


@transaction.atomic
def target_set(*, actor, campaign: Campaign, indicator: Indicator, unit: Unit, value) -> Target:
    """Set one unit's target on one indicator (`value` as typed or a number)."""
    campaign = _open_for_targets(actor, campaign)
    _campaign_indicator(campaign, indicator)
    if not target_units(campaign).filter(pk=unit.pk).exists():
        raise ServiceError(_("This unit takes no part in the campaign."))
    number = _target_value(indicator, value)
    target, _created = Target.objects.update_or_create(
        campaign=campaign, indicator=indicator, unit=unit,
        defaults={"value": number, "updated_by": actor},
    )  # fmt: skip
    audit.record(actor=actor, action="campaign.targets", obj=campaign,
                 details={"indicator": indicator.code, "unit": unit.pk, "value": number})  # fmt: skip
    return target


def member_counts(units: list[Unit]) -> dict[int, int]:
    """Current members of each unit's subtree: the summary table for the units it keeps,
    the registry's members figure otherwise (branches and groups)."""
    counts = {u.pk: 0 for u in units}
    tallied = [u for u in units if u.kind in tally.TALLIED_KINDS]
    counts.update(tally.totals(tallied))
    today = timezone.localdate()
    for unit in units:
        if unit.kind not in tally.TALLIED_KINDS:
            figure = registry.evaluate(["members.total"], unit=unit, start=today, end=today)
            counts[unit.pk] = int(figure["members.total"] or 0)
    return counts


@transaction.atomic
def targets_spread(*, actor, campaign: Campaign, indicator: Indicator, total, rule: str
                   ) -> dict[int, int]:  # fmt: skip
    """Spread `total` over every unit of the campaign's level, in proportion to their
    current members or equally, the parts adding up to `total` exactly (largest remainder).
    Replaces the targets of that indicator. Returns {unit id: target}."""
    campaign = _open_for_targets(actor, campaign)
    _campaign_indicator(campaign, indicator)
    number = _target_value(indicator, total)
    units = list(target_units(campaign))
    if not units:
        raise ServiceError(_("No unit of this level stands under the launching unit."))
    if rule == Rule.MEMBERS:
        counts = member_counts(units)
        try:
            parts = spreading.spread(number, {u.pk: counts[u.pk] for u in units})
        except ValueError:
            raise ServiceError(
                _("These units have no members yet: spread the target equally instead.")
            ) from None
    elif rule == Rule.EQUAL:
        parts = spreading.spread_equally(number, [u.pk for u in units])
    else:
        raise ServiceError(_("Choose how to spread the target."))
    by_unit = {u.pk: u for u in units}
    existing = {t.unit_id: t for t in Target.objects.filter(campaign=campaign, indicator=indicator)}
    Target.objects.filter(campaign=campaign, indicator=indicator).exclude(
        unit_id__in=list(parts)
    ).delete()
    for unit_id, part in parts.items():
        target = existing.get(unit_id)
        if target is None:
            Target.objects.create(campaign=campaign, indicator=indicator, unit=by_unit[unit_id],
                                  value=part, updated_by=actor)  # fmt: skip
        elif target.value != part:
            target.value, target.updated_by = part, actor
            target.save(update_fields=["value", "updated_by", "updated_at"])
    audit.record(actor=actor, action="campaign.targets", obj=campaign,
                 details={"indicator": indicator.code, "total": number, "rule": rule})  # fmt: skip
    return parts


@transaction.atomic
def campaign_start(*, actor, campaign: Campaign) -> Campaign:
    """Open a draft campaign and tell the nearest officials of each unit with a target."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require(actor, campaign.unit_path)
    if campaign.status != Campaign.Status.DRAFT:
        raise ServiceError(_("Only a draft campaign can be started."))
    if not campaign.targets.exists():
        raise ServiceError(_("Set the units' targets before starting the campaign."))
    campaign.status = Campaign.Status.RUNNING
    campaign.started_at = timezone.now()
    campaign.save(update_fields=["status", "started_at"])
    audit.record(actor=actor, action="campaign.start", obj=campaign)
    announce(campaign)
    _snapshot_after_commit(campaign)
    return campaign


def _snapshot_after_commit(campaign: Campaign) -> None:
    """Queue today's snapshot of the campaign once it is committed (a worker must find it);
    if the queue cannot take it, the daily `campaigns_snapshot` takes it."""
    from hoiso.campaigns import tasks

    pk = campaign.pk
    transaction.on_commit(lambda: tasks.campaign_snapshot.enqueue(pk), robust=True)


def announce(campaign: Campaign) -> int:
    """notify() the nearest officials of every unit with a target; returns how many."""
    url = reverse("campaigns:detail", args=[campaign.pk])
    units = Unit.objects.filter(pk__in=campaign.targets.values("unit")).order_by("path")
    sent = 0
    for unit in units:
        recipients = nearest_holders(unit=unit, action=Action.MANAGE_REPORTING)
        title = _("Campaign “%(name)s” has started") % {"name": campaign.name}
        body = _("%(unit)s has targets in this campaign, from %(start)s to %(end)s.") % {
            "unit": unit.name, "start": campaign.start.strftime("%d/%m/%Y"),
            "end": campaign.end.strftime("%d/%m/%Y")}  # fmt: skip
        sent += len(notify(recipients=recipients, kind="campaign.started", title=title,
                           body=body, url=url, unit=unit))  # fmt: skip
    return sent


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    """Close a running campaign: its figures are final, no more entries or target changes."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require(actor, campaign.unit_path)
    if campaign.status != Campaign.Status.RUNNING:
        raise ServiceError(_("Only a campaign under way can be closed."))
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    audit.record(actor=actor, action="campaign.close", obj=campaign)
    return campaign


@transaction.atomic
def entry_set(*, actor, campaign: Campaign, indicator: Indicator, unit: Unit,
              day: datetime.date, value) -> Entry:  # fmt: skip
    """Record (or correct) what `unit` achieved on `day` on an entered indicator."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not user_can(actor, Action.MANAGE_REPORTING, unit.path):
        raise ServiceError(_("You cannot enter figures for this unit."))
    if campaign.status == Campaign.Status.CLOSED:
        raise ServiceError(_("This campaign is closed: figures can no longer be entered."))
    if campaign.status != Campaign.Status.RUNNING:
        raise ServiceError(_("This campaign has not started yet."))
    _campaign_indicator(campaign, indicator)
    if indicator.source != Source.ENTERED:
        raise ServiceError(_("This figure is computed from the platform's data."))
    if not Target.objects.filter(campaign=campaign, unit=unit).exists():
        raise ServiceError(_("This unit takes no part in the campaign."))
    if not isinstance(day, datetime.date):
        raise ServiceError(_("Enter a valid date."))
    if day < campaign.start or day > campaign.end:
        raise ServiceError(_("The day must fall within the campaign (%(start)s–%(end)s).") % {
            "start": campaign.start.strftime("%d/%m/%Y"), "end": campaign.end.strftime("%d/%m/%Y")})  # fmt: skip
    if day > timezone.localdate():
        raise ServiceError(_("Figures cannot be entered for a day still to come."))
    number = _target_value(indicator, value)
    entry, _created = Entry.objects.update_or_create(
        campaign=campaign, indicator=indicator, unit=unit, day=day,
        defaults={"value": number, "entered_by": actor},
    )  # fmt: skip
    audit.record(actor=actor, action="campaign.entry", obj=entry,
                 details={"indicator": indicator.code, "day": day.isoformat(), "value": number})  # fmt: skip
    return entry


@transaction.atomic
def snapshot_take(*, campaign: Campaign, day: datetime.date | None = None) -> int:
    """Store the computed indicators' values of every unit with a target on `day` (today):
    one row per campaign, indicator, unit and day — taking it again replaces them. Returns
    how many values were stored."""
    day = day or timezone.localdate()
    computed = [i for i in campaign.ordered_indicators() if i.computed is not None]
    if not computed:
        return 0
    units = Unit.objects.filter(pk__in=campaign.targets.values("unit")).order_by("path")
    keys = sorted({i.computed_key for i in computed})
    stored = 0
    for unit in units:
        figures = registry.evaluate(keys, unit=unit, start=campaign.start, end=day)
        for indicator in computed:
            value = figures[indicator.computed_key]
            if value is None:
                continue
            Snapshot.objects.update_or_create(
                campaign=campaign, indicator=indicator, unit=unit, day=day,
                defaults={"value": int(value)},
            )  # fmt: skip
            stored += 1
    return stored


def snapshot_all(*, day: datetime.date | None = None) -> dict[int, int]:
    """Take today's snapshot of every running campaign within its dates."""
    day = day or timezone.localdate()
    running = Campaign.objects.filter(status=Campaign.Status.RUNNING, start__lte=day)
    return {c.pk: snapshot_take(campaign=c, day=min(day, c.end)) for c in running}
