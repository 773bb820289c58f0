"""The campaign services: creation, targets, computed progress, snapshots, entries, start
and close — with Vietnamese-ready messages and nothing half-written on refusal."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import translation

from hoiso.campaigns import selectors, services
from hoiso.campaigns.models import Campaign, Entry, Snapshot, Target
from hoiso.core.errors import ServiceError
from hoiso.notifications.models import Notification
from tests.helpers import today
from tests.members.helpers import admit, nothing_changes

pytestmark = pytest.mark.django_db


def targets(campaign, indicator):
    rows = Target.objects.filter(campaign=campaign, indicator=indicator)
    return {t.unit.code: t.value for t in rows.select_related("unit")}


# ------------------------------------------------------------------ creation


def test_create_checks_dates_level_and_indicators(tree, xa_officer, data, english):
    with pytest.raises(ServiceError, match="cannot come before"):
        services.campaign_create(actor=xa_officer, unit=tree.a,
                                 data=data(end=today() - datetime.timedelta(days=30)))  # fmt: skip
    with pytest.raises(ServiceError, match="below the launching unit"):
        services.campaign_create(actor=xa_officer, unit=tree.a, data=data(target_kind="commune"))
    from hoiso.reporting.models import Indicator

    rate = Indicator.objects.get(code="CDS_VNEID2_TL")  # a rate cannot be spread
    with pytest.raises(ServiceError, match="cannot be followed"):
        services.campaign_create(actor=xa_officer, unit=tree.a, data=data(indicators=[rate]))
    assert not Campaign.objects.exists()


def test_create_outside_scope_is_refused(tree, xa_officer_other, data, english):
    with nothing_changes(), pytest.raises(ServiceError, match="cannot manage"):
        services.campaign_create(actor=xa_officer_other, unit=tree.a, data=data())


# ------------------------------------------------------------------ targets


def test_spread_in_proportion_to_members(tree, xa_officer, campaign, vneid):
    for n in range(3):
        admit(xa_officer, tree.a1a, full_name=f"Nguyễn Thị Hoa {n}")
    admit(xa_officer, tree.a2a, full_name="Trần Thị Đào")
    parts = services.targets_spread(actor=xa_officer, campaign=campaign, indicator=vneid,
                                    total=10, rule="members")  # fmt: skip
    assert sum(parts.values()) == 10
    assert targets(campaign, vneid) == {tree.a1.code: 8, tree.a2.code: 2}  # 7.5 / 2.5


def test_spread_with_no_members_is_refused_and_equal_works(tree, xa_officer, campaign, vneid,
                                                           english):  # fmt: skip
    with nothing_changes(), pytest.raises(ServiceError, match="no members yet"):
        services.targets_spread(actor=xa_officer, campaign=campaign, indicator=vneid, total=9,
                                rule="members")  # fmt: skip
    services.targets_spread(actor=xa_officer, campaign=campaign, indicator=vneid, total=9,
                            rule="equal")  # fmt: skip
    assert sorted(targets(campaign, vneid).values()) == [4, 5]


def test_spread_replaces_and_one_by_one(tree, xa_officer, campaign, vneid):
    services.targets_spread(actor=xa_officer, campaign=campaign, indicator=vneid, total=9,
                            rule="equal")  # fmt: skip
    services.target_set(actor=xa_officer, campaign=campaign, indicator=vneid, unit=tree.a2,
                        value="1.200")  # fmt: skip
    assert targets(campaign, vneid)[tree.a2.code] == 1200
    services.targets_spread(actor=xa_officer, campaign=campaign, indicator=vneid, total=4,
                            rule="equal")  # fmt: skip
    assert targets(campaign, vneid) == {tree.a1.code: 2, tree.a2.code: 2}
    assert Target.objects.count() == 2


@pytest.mark.parametrize(("value", "message"), [
    ("-5", "cannot be negative"), ("abc", "is not a number"), ("1,5", "whole number"),
    ("", "Enter a number"),
])  # fmt: skip
def test_bad_targets_are_refused(tree, xa_officer, campaign, vneid, value, message, english):
    with nothing_changes(), pytest.raises(ServiceError, match=message):
        services.target_set(actor=xa_officer, campaign=campaign, indicator=vneid, unit=tree.a1,
                            value=value)  # fmt: skip
    with nothing_changes(), pytest.raises(ServiceError, match=message):
        services.targets_spread(actor=xa_officer, campaign=campaign, indicator=vneid,
                                total=value, rule="equal")  # fmt: skip


def test_messages_read_in_vietnamese(tree, xa_officer, campaign, vneid):
    with translation.override("vi"), pytest.raises(ServiceError) as caught:
        services.target_set(actor=xa_officer, campaign=campaign, indicator=vneid, unit=tree.a1,
                            value="-5")  # fmt: skip
    assert vneid.name in str(caught.value)


def test_target_for_a_unit_outside_the_campaign_is_refused(tree, xa_officer, campaign, vneid,
                                                           english):  # fmt: skip
    with nothing_changes(), pytest.raises(ServiceError, match="takes no part"):
        services.target_set(actor=xa_officer, campaign=campaign, indicator=vneid, unit=tree.b1,
                            value=5)  # fmt: skip


# ------------------------------------------------------------------ start, computed progress


def test_start_needs_targets_and_tells_the_officials(tree, xa_officer, chi_hoi_leader, campaign,
                                                     vneid, english):  # fmt: skip
    with pytest.raises(ServiceError, match="targets before starting"):
        services.campaign_start(actor=xa_officer, campaign=campaign)
    services.targets_spread(actor=xa_officer, campaign=campaign, indicator=vneid, total=4,
                            rule="equal")  # fmt: skip
    services.campaign_start(actor=xa_officer, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RUNNING
    # the branches have no MANAGE_REPORTING holder of their own: the commune's officer is told
    told = Notification.objects.filter(kind="campaign.started")
    assert set(told.values_list("recipient__username", flat=True)) == {"xa_officer"}


def test_snapshot_is_the_computed_value_and_idempotent_per_day(tree, xa_officer, running, vneid):
    admit(xa_officer, tree.a1a, full_name="Lê Thị Hoa", vneid_level=2)
    admit(xa_officer, tree.a1b, full_name="Lê Thị Hồng", vneid_level=2)
    admit(xa_officer, tree.a1b, full_name="Lê Thị Huệ", vneid_level=1)
    admit(xa_officer, tree.a2a, full_name="Lê Thị Cúc", vneid_level=2)
    assert services.snapshot_take(campaign=running) == 2
    call_command("campaigns_snapshot", verbosity=0)  # the same day again: replaced, not added
    rows = Snapshot.objects.filter(campaign=running, indicator=vneid)
    assert rows.count() == 2
    assert dict(rows.values_list("unit__code", "value")) == {tree.a1.code: 2, tree.a2.code: 1}
    admit(xa_officer, tree.a2a, full_name="Lê Thị Mai", vneid_level=2)
    call_command("campaigns_snapshot", verbosity=0)
    assert rows.count() == 2 and rows.get(unit=tree.a2).value == 2
    yesterday = today() - datetime.timedelta(days=1)
    call_command("campaigns_snapshot", day=yesterday.isoformat(), verbosity=0)
    assert rows.count() == 4


# ------------------------------------------------------------------ entries


def test_entry_correction_replaces_and_keeps_history(tree, xa_officer, running, sessions):
    day = today() - datetime.timedelta(days=2)
    services.entry_set(actor=xa_officer, campaign=running, indicator=sessions, unit=tree.a1,
                       day=day, value="3")  # fmt: skip
    services.entry_set(actor=xa_officer, campaign=running, indicator=sessions, unit=tree.a1,
                       day=day, value=5)  # fmt: skip
    entry = Entry.objects.get()
    assert entry.value == 5
    assert [h.value for h in entry.history.order_by("history_date")] == [3, 5]


@pytest.mark.parametrize(("value", "message"), [
    ("-1", "cannot be negative"), ("ba", "is not a number"), ("2,5", "whole number"),
    ("1e9999", "is not a number"),
])  # fmt: skip
def test_bad_entries_are_refused(tree, xa_officer, running, sessions, value, message, english):
    with nothing_changes(), pytest.raises(ServiceError, match=message):
        services.entry_set(actor=xa_officer, campaign=running, indicator=sessions, unit=tree.a1,
                           day=today(), value=value)  # fmt: skip
    assert not Entry.objects.exists()


def test_entries_outside_the_days_or_for_computed_or_by_others_are_refused(
    tree, xa_officer, xa_officer_other, running, sessions, vneid, english
):
    def enter(**kw):
        args = {"actor": xa_officer, "campaign": running, "indicator": sessions,
                "unit": tree.a1, "day": today(), "value": 1, **kw}  # fmt: skip
        with nothing_changes(), pytest.raises(ServiceError, match=kw.pop("match")):
            services.entry_set(**{k: v for k, v in args.items() if k != "match"})

    enter(day=today() + datetime.timedelta(days=1), match="still to come")
    enter(day=running.start - datetime.timedelta(days=1), match="within the campaign")
    enter(indicator=vneid, match="computed")
    enter(actor=xa_officer_other, match="cannot enter figures")


def test_no_entry_after_close(tree, xa_officer, running, sessions, english):
    services.campaign_close(actor=xa_officer, campaign=running)
    with nothing_changes(), pytest.raises(ServiceError, match="closed"):
        services.entry_set(actor=xa_officer, campaign=running, indicator=sessions, unit=tree.a1,
                           day=today(), value=1)  # fmt: skip
    with nothing_changes(), pytest.raises(ServiceError, match="closed"):
        services.target_set(actor=xa_officer, campaign=running, indicator=sessions,
                            unit=tree.a1, value=1)  # fmt: skip


# ------------------------------------------------------------------ board: ranking, overdue, scope


def test_board_ranks_marks_overdue_and_keeps_to_the_readers_scope(
    tree, xa_officer, chi_hoi_leader, running, sessions
):
    # 10 days of 90 passed: the expected pace of a target of 10 is 10 × 10/90 ≈ 1.1
    services.entry_set(actor=xa_officer, campaign=running, indicator=sessions, unit=tree.a1,
                       day=today(), value=4)  # fmt: skip
    block = next(b for b in selectors.board(xa_officer, running) if b["indicator"] == sessions)
    rows = {r.name: r for r in block["rows"]}
    a1, a2 = rows[tree.a1.name], rows[tree.a2.name]
    assert (a1.reached, a1.target, a1.pct, a1.rank, a1.overdue) == (4, 10, 40, 1, False)
    assert (a2.reached, a2.rank, a2.overdue) == (None, 2, True)
    assert block["reached"] == 4 and block["target"] == 20 and block["overdue"] == 1
    # the branch leader of a1 sees only her branch, still ranked among both
    mine = next(b for b in selectors.board(chi_hoi_leader, running) if b["indicator"] == sessions)
    assert [(r.name, r.rank) for r in mine["rows"]] == [(tree.a1.name, 1)]
    assert mine["count"] == 2


def test_curve_adds_up_the_days(tree, xa_officer, running, sessions):
    for back, value in ((3, 2), (1, 5)):
        services.entry_set(actor=xa_officer, campaign=running, indicator=sessions,
                           unit=tree.a1, day=today() - datetime.timedelta(days=back),
                           value=value)  # fmt: skip
    series = next(s for s in selectors.curve(xa_officer, running)["series"]
                  if s["code"] == "TT_BUOI")  # fmt: skip
    assert series["values"][-5:] == [0, 2, 2, 7, 7]
    assert series["target"] == 20 and series["pace"][-1] == round(20 * 10 / 90)


def test_visibility(tree, xa_officer, xa_officer_other, chi_hoi_leader, tinh_admin, campaign,
                    running):  # fmt: skip
    assert list(selectors.campaign_list(xa_officer)) == [running]
    assert list(selectors.campaign_list(tinh_admin)) == [running]
    assert list(selectors.campaign_list(chi_hoi_leader)) == [running]  # her branch has a target
    assert list(selectors.campaign_list(xa_officer_other)) == []


@pytest.mark.django_db(transaction=True)
def test_start_queues_todays_snapshot_for_the_worker(tree, xa_officer, campaign, vneid):
    """As in production: the snapshot task is queued after the commit, the worker takes it."""
    from django_tasks_db.models import DBTaskResult

    admit(xa_officer, tree.a1a, full_name="Lê Thị Hoa", vneid_level=2)
    services.targets_spread(actor=xa_officer, campaign=campaign, indicator=vneid, total=4,
                            rule="equal")  # fmt: skip
    services.campaign_start(actor=xa_officer, campaign=campaign)
    assert DBTaskResult.objects.count() >= 1
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    rows = Snapshot.objects.filter(campaign=campaign, day=today())
    assert dict(rows.values_list("unit__code", "value")) == {tree.a1.code: 1, tree.a2.code: 0}
