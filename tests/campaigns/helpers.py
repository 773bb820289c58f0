"""The campaigns world of the authorisation matrix (targets in commune A) and the snapshot of
the campaigns tables."""

from __future__ import annotations

import datetime

RUNNING_OF_A = "Cao điểm VNeID của phường Ninh Kiều"
DRAFT_OF_A = "Tháng hành động vì phụ nữ của phường Ninh Kiều"


def campaigns_world(w) -> dict:
    """Built once per test: commune A's running campaign over its branches (targets set,
    a daily figure of a1 entered) and a draft one with targets, ready to start."""
    cached = getattr(w, "_campaigns", None)
    if cached is not None:
        return cached
    from hoiso.campaigns import services
    from hoiso.reporting.models import Indicator

    actor = w.users["xa_officer"]
    vneid, sessions = (Indicator.objects.get(code=c) for c in ("CDS_VNEID2", "TT_BUOI"))
    today = datetime.date.today()
    made = {}
    for key, name in (("running", RUNNING_OF_A), ("draft", DRAFT_OF_A)):
        campaign = services.campaign_create(actor=actor, unit=w.tree.a, data={
            "name": name, "description": "", "start": today - datetime.timedelta(days=5),
            "end": today + datetime.timedelta(days=30), "target_kind": "branch",
            "indicators": [vneid, sessions]})  # fmt: skip
        for indicator in (vneid, sessions):
            services.targets_spread(actor=actor, campaign=campaign, indicator=indicator,
                                    total=10, rule="equal")  # fmt: skip
        made[key] = campaign
    services.campaign_start(actor=actor, campaign=made["running"])
    services.entry_set(actor=actor, campaign=made["running"], indicator=sessions, unit=w.tree.a1,
                       day=today, value=2)  # fmt: skip
    made.update(vneid=vneid, sessions=sessions)
    w._campaigns = made
    return made


def campaign_form(w, name="Ngày hội chuyển đổi số") -> dict:
    world = campaigns_world(w)
    today = datetime.date.today()
    return {"name": name, "description": "", "start": today.isoformat(),
            "end": (today + datetime.timedelta(days=20)).isoformat(), "target_kind": "group",
            "indicators": [world["vneid"].pk, world["sessions"].pk]}  # fmt: skip


def campaigns_snapshot() -> dict[str, list]:
    from hoiso.campaigns.models import Campaign, CampaignIndicator, Entry, Snapshot, Target

    def rows(model, *fields):
        return list(model.objects.order_by("pk").values_list("pk", *fields))

    return {
        "campaigns": rows(Campaign, "unit_id", "name", "status", "start", "end", "target_kind"),
        "campaign_items": rows(CampaignIndicator, "campaign_id", "indicator_id", "order"),
        "campaign_targets": rows(Target, "campaign_id", "indicator_id", "unit_id", "value"),
        "campaign_snapshots": rows(Snapshot, "campaign_id", "unit_id", "day", "value"),
        "campaign_entries": rows(Entry, "campaign_id", "unit_id", "day", "value"),
    }


def with_campaigns(snapshot):
    return lambda: {**snapshot(), **campaigns_snapshot()}
