"""Demo campaign: Đề án 06's "Cao điểm 90 ngày đêm" drive, under way in the demo province.

The province launched it about 40 days before the demo's today for 90 days, on two
indicators: members with a level-2 VNeID account (computed from the member records; each
commune's target spread in proportion to its members) and the guidance sessions held
(entered by the communes, a few days in three). Forty days of snapshots rise from about
85% of each commune's figure today to exactly today's figure, so the chart has a curve at
once (the daily `campaigns_snapshot` carries it on). Written with bulk inserts: a few
thousand rows, well under a second.
"""

from __future__ import annotations

import datetime

from hoiso.campaigns import services
from hoiso.campaigns.models import Campaign, Entry, Snapshot
from hoiso.members.models import MemberTally
from hoiso.reporting.models import Indicator

NAME = "Cao điểm 90 ngày đêm thực hiện Đề án 06 — định danh điện tử mức 2 cho hội viên"
DESCRIPTION = (
    "Hưởng ứng đợt cao điểm “90 ngày đêm” làm sạch dữ liệu dân cư và phát triển tài khoản "
    "định danh điện tử mức 2 (Đề án 06/CP): mỗi hội viên có tài khoản VNeID mức 2; các cơ sở "
    "Hội tổ chức buổi hướng dẫn cài đặt, kích hoạt tại chi hội, tổ phụ nữ."
)
DAYS, ELAPSED = 90, 40
VNEID, SESSIONS = "CDS_VNEID2", "TT_BUOI"


def build(ctx) -> None:
    province = ctx.refs["province"]
    admin = ctx.refs["users"]["tinh_admin"]
    start = ctx.today - datetime.timedelta(days=ELAPSED)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=[VNEID, SESSIONS])}
    campaign = services.campaign_create(actor=admin, unit=province, data={
        "name": NAME, "description": DESCRIPTION, "start": start,
        "end": start + datetime.timedelta(days=DAYS - 1), "target_kind": "commune",
        "indicators": [indicators[VNEID], indicators[SESSIONS]],
    })  # fmt: skip
    communes = list(services.target_units(campaign))
    counts: dict[int, dict[str, int]] = {}
    rows = MemberTally.objects.filter(unit__in=communes, key__in=["total", "vneid:2"])
    for unit_id, key, n in rows.values_list("unit_id", "key", "count"):
        counts.setdefault(unit_id, {})[key] = n
    members = sum(counts.get(c.pk, {}).get("total", 0) for c in communes)
    services.targets_spread(actor=admin, campaign=campaign, indicator=indicators[VNEID],
                            total=round(members * 0.95), rule=services.Rule.MEMBERS)  # fmt: skip
    services.targets_spread(actor=admin, campaign=campaign, indicator=indicators[SESSIONS],
                            total=len(communes) * 12, rule=services.Rule.EQUAL)  # fmt: skip
    # Started without announcing: the demo's officials need no notification of the past.
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.RUNNING)
    snapshots, entries = [], []
    for commune in communes:
        now = counts.get(commune.pk, {}).get("vneid:2", 0)
        snapshots += _curve(ctx, campaign, indicators[VNEID], commune, now, start)
        entries += _sessions(ctx, campaign, indicators[SESSIONS], commune, start, admin)
    Snapshot.objects.bulk_create(snapshots, batch_size=2000)
    Entry.objects.bulk_create(entries, batch_size=2000)
    ctx.refs["campaign"] = campaign
    ctx.log(f"campaigns: “90 ngày đêm” for {len(communes)} communes, "
            f"{len(snapshots):,} snapshots, {len(entries):,} daily figures")  # fmt: skip


def _curve(ctx, campaign, indicator, unit, now: int, start: datetime.date) -> list[Snapshot]:
    """ELAPSED + 1 daily values rising (never falling) from ~85% of `now` to `now`."""
    first = round(now * ctx.rng.uniform(0.80, 0.90))
    steps = [ctx.rng.random() ** 1.5 for _ in range(ELAPSED)]
    whole = sum(steps) or 1
    rows, value, gained = [], first, 0.0
    for day in range(ELAPSED + 1):
        if day:
            gained += steps[day - 1] / whole * (now - first)
            value = first + round(gained)
        rows.append(Snapshot(campaign=campaign, indicator=indicator, unit=unit,
                             unit_path=unit.path, day=start + datetime.timedelta(days=day),
                             value=value if day < ELAPSED else now))  # fmt: skip
    return rows


def _sessions(ctx, campaign, indicator, unit, start, actor) -> list[Entry]:
    """A session or two on about one day in three (some communes lag behind)."""
    keen = ctx.rng.uniform(0.15, 0.45)
    return [Entry(campaign=campaign, indicator=indicator, unit=unit, unit_path=unit.path,
                  day=start + datetime.timedelta(days=day), value=ctx.rng.randint(1, 2),
                  entered_by=actor)
            for day in range(ELAPSED + 1) if ctx.rng.random() < keen]  # fmt: skip
