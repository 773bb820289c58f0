"""Every read of the campaigns app, scoped to the acting user.

A campaign is seen by those who see its launching unit and — once it runs — by those who see
one of the units with a target in it (a commune official follows the province's campaign).
Figures by unit are shown only for the units the reader sees; her rank is still counted
among all the campaign's units."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q, Sum
from django.utils import timezone

from hoiso.campaigns import progress
from hoiso.campaigns.models import Campaign, Entry, Snapshot, Target
from hoiso.core.permissions import Action
from hoiso.core.scoping import get_object_for_user, path_q, scope_paths
from hoiso.reporting.models import Source


def campaigns_visible(user, action: str = Action.VIEW):
    paths = scope_paths(user, action)
    if paths is None:
        return Campaign.objects.all()
    joined = Target.objects.filter(path_q("unit_path", paths)).values("campaign")
    return Campaign.objects.filter(
        path_q("unit_path", paths) | (Q(pk__in=joined) & ~Q(status=Campaign.Status.DRAFT))
    )


def campaign_for(user, pk, action: str = Action.VIEW) -> Campaign:
    """The campaign, if `user` may see it (VIEW) or manage it (any other action: only within
    her scope of the launching unit); else 404."""
    if action == Action.VIEW:
        return _get(campaigns_visible(user).select_related("unit"), pk)
    return get_object_for_user(Campaign.objects.select_related("unit"), user, action, pk=pk)


def _get(qs, pk) -> Campaign:
    from django.http import Http404

    try:
        return qs.get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def campaign_list(user):
    return campaigns_visible(user).select_related("unit").order_by("-start", "-pk")


def visible_unit_ids(user, campaign: Campaign) -> set[int]:
    """The units with a target in `campaign` that the user sees."""
    return set(
        Target.objects.filter(campaign=campaign)
        .visible_to(user)
        .values_list("unit_id", flat=True)
        .distinct()
    )


def reached(campaign: Campaign, on: datetime.date) -> dict[tuple[int, int], int]:
    """{(indicator id, unit id): what the unit has reached by `on`} — the latest snapshot
    of a computed indicator, the sum of the daily figures of an entered one."""
    result: dict[tuple[int, int], int] = {}
    latest = (Snapshot.objects.filter(campaign=campaign, day__lte=on)
              .order_by("indicator_id", "unit_id", "day")
              .values_list("indicator_id", "unit_id", "value"))  # fmt: skip
    for indicator_id, unit_id, value in latest.iterator():
        result[(indicator_id, unit_id)] = value  # the last day wins
    sums = (Entry.objects.filter(campaign=campaign, day__lte=on)
            .values_list("indicator_id", "unit_id").annotate(total=Sum("value")))  # fmt: skip
    for indicator_id, unit_id, total in sums:
        result[(indicator_id, unit_id)] = total
    return result


def as_of(campaign: Campaign) -> datetime.date:
    """The day the figures are read at: today while it runs, its last day once over."""
    today = timezone.localdate()
    if campaign.status == Campaign.Status.CLOSED:
        return (
            campaign.end
            if campaign.closed_at is None
            else min(campaign.end, timezone.localdate(campaign.closed_at))
        )
    return min(today, campaign.end)


def board(user, campaign: Campaign, on: datetime.date | None = None) -> list[dict]:
    """Per indicator: its rows (progress.Row) ranked among all the campaign's units, only
    the user's visible units kept, and the totals of those rows."""
    on = on or as_of(campaign)
    share = progress.elapsed_share(campaign.start, campaign.end, on)
    visible = visible_unit_ids(user, campaign)
    figures = reached(campaign, on)
    targets = defaultdict(dict)
    names = {}
    for t in Target.objects.filter(campaign=campaign).select_related("unit"):
        targets[t.indicator_id][t.unit_id] = t.value
        names[t.unit_id] = t.unit.name
    result = []
    for indicator in campaign.ordered_indicators():
        rows = [progress.Row(unit_id=u, name=names[u], target=value,
                             reached=figures.get((indicator.pk, u)))
                for u, value in targets[indicator.pk].items()]  # fmt: skip
        ranked = progress.assess(rows, share)
        shown = [r for r in ranked if r.unit_id in visible]
        total_target = sum(r.target or 0 for r in shown)
        total_reached = sum(r.reached or 0 for r in shown)
        result.append({
            "indicator": indicator, "rows": shown, "count": len(ranked),
            "computed": indicator.source == Source.COMPUTED,
            "target": total_target, "reached": total_reached,
            "pct": progress.percent(total_reached, total_target),
            "overdue": sum(1 for r in shown if r.overdue),
        })  # fmt: skip
    return result


def curve(user, campaign: Campaign, on: datetime.date | None = None) -> dict:
    """The chart's series: per indicator, what the visible units reached in total on each
    day from the first day to `on`, beside the expected pace of their total target."""
    on = on or as_of(campaign)
    visible = visible_unit_ids(user, campaign)
    days = [
        campaign.start + datetime.timedelta(n)
        for n in range(max(0, (on - campaign.start).days + 1))
    ]
    series = []
    for indicator in campaign.ordered_indicators():
        target = (Target.objects.filter(campaign=campaign, indicator=indicator, unit_id__in=visible)
                  .aggregate(s=Sum("value"))["s"] or 0)  # fmt: skip
        if indicator.source == Source.COMPUTED:
            rows = (Snapshot.objects.filter(campaign=campaign, indicator=indicator,
                                            unit_id__in=visible, day__lte=on)
                    .values_list("day").annotate(total=Sum("value")))  # fmt: skip
            by_day = dict(rows)
            values, last = [], None
            for day in days:
                last = by_day.get(day, last)
                values.append(last)
        else:
            rows = (Entry.objects.filter(campaign=campaign, indicator=indicator,
                                         unit_id__in=visible, day__lte=on)
                    .values_list("day").annotate(total=Sum("value")))  # fmt: skip
            by_day, running, values = dict(rows), 0, []
            for day in days:
                running += by_day.get(day, 0)
                values.append(running)
        pace = [round(target * float(progress.elapsed_share(campaign.start, campaign.end, d)))
                for d in days]  # fmt: skip
        series.append({"code": indicator.code, "name": indicator.name, "target": target,
                       "values": values, "pace": pace})  # fmt: skip
    return {"days": [d.strftime("%d/%m") for d in days], "series": series}


def entries_of(campaign: Campaign, unit_id: int) -> list[Entry]:
    return list(Entry.objects.filter(campaign=campaign, unit_id=unit_id)
                .select_related("indicator", "entered_by").order_by("-day", "indicator__order"))  # fmt: skip
