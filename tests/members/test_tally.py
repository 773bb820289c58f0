"""The summary table stays equal to a recount from the records through every service that
changes members, restructurings and random sequences of them; dashboards read from it give
exactly the live figures; the command finds and repairs differences."""

import dataclasses
import datetime
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from hoiso.members import tally
from hoiso.members.duplicates import members_merge
from hoiso.members.models import Member, MemberTally
from hoiso.members.personal_data import member_anonymise
from hoiso.members.services import (
    member_death,
    member_leave,
    member_reinstate,
    member_transfer,
    member_update,
    transfer_decide,
)
from hoiso.members.stats import _live, unit_stats
from hoiso.org.models import Unit
from hoiso.org.services import units_merge
from tests.members.helpers import admit, make_cccd

pytestmark = pytest.mark.django_db


def assert_current():
    assert tally.rebuild(write=False) == []


def test_every_service_keeps_the_counts(tree, xa_officer, tinh_admin, q_officer):
    assert_current()
    lan = admit(xa_officer, tree.a1, full_name="Nguyễn Thị Lan", ethnicity="05", is_core=True,
                date_of_birth=datetime.date(1985, 3, 1), has_smartphone=True)  # fmt: skip
    mai = admit(xa_officer, tree.a2, full_name="Lê Thị Mai")
    twin = admit(xa_officer, tree.a2, full_name="Lê Thị Mai")
    assert tally.counts(tree.p)["total"] == 3 and tally.counts(tree.a)["eth:05"] == 1
    member_update(actor=xa_officer, member=lan, data={"education": "primary", "is_core": False})
    assert_current()
    member_transfer(actor=tinh_admin, member=lan, to_unit=tree.b1, on=timezone.localdate())
    assert tally.counts(tree.b)["total"] == 1 and tally.counts(tree.a)["total"] == 2
    assert_current()
    members_merge(actor=xa_officer, keep=mai, others=[twin])
    assert tally.counts(tree.a)["total"] == 1
    assert_current()
    member_leave(actor=tinh_admin, member=lan, on=timezone.localdate(), reason="moved")
    assert_current()
    member_reinstate(actor=tinh_admin, member=lan, on=timezone.localdate())
    assert_current()
    member_death(actor=xa_officer, member=mai, on=timezone.localdate())
    assert_current()
    # Across provinces: pending counts where she was; accepted, she counts in the other tree.
    request = member_transfer(actor=tinh_admin, member=lan, to_unit=tree.c1,
                              on=timezone.localdate())  # fmt: skip
    assert tally.counts(tree.p)["total"] == 1
    transfer_decide(actor=q_officer, request=request, accept=True)
    assert tally.counts(tree.q)["total"] == 1 and tally.counts(tree.p)["total"] == 0
    assert_current()
    member_anonymise(actor=q_officer, member=lan, reason="Đơn ngày 1/11")
    assert_current()


def test_a_restructuring_recounts_what_moved(tree, xa_officer, tinh_admin):
    for n in range(3):
        admit(xa_officer, tree.a1, full_name=f"Trần Thị Số {n}")
    admit(tinh_admin, tree.b1, full_name="Phạm Thị Bảy")
    units_merge(actor=tinh_admin, sources=[tree.a], target=tree.b,
                effective_on=timezone.localdate())  # fmt: skip
    assert_current()
    assert tally.counts(Unit.objects.get(pk=tree.b.pk))["total"] == 4


def test_the_dashboard_reads_the_same_figures_from_the_table(tree, xa_officer, tinh_admin):
    rng = random.Random(7)
    for n in range(40):
        unit = rng.choice([tree.a1, tree.a2, tree.b1])
        born = datetime.date(rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28))
        joined = timezone.localdate() - datetime.timedelta(days=rng.randint(0, 900))
        admit(tinh_admin, unit, full_name=f"Hồ Thị {n}", date_of_birth=born, joined_on=joined,
              education=rng.choice(["", "primary", "upper_secondary"]),
              ethnicity=rng.choice(["", "01", "05"]), religion=rng.choice(["", "buddhism"]),
              is_core=rng.random() < 0.3, has_phone=rng.random() < 0.9,
              vneid_level=rng.choice([0, 1, 2]))  # fmt: skip
    members = list(Member.objects.filter(unit=tree.a1)[:3])
    member_leave(actor=tinh_admin, member=members[0], on=timezone.localdate(), reason="moved")
    today = timezone.localdate()
    for start in (today.replace(month=1, day=1), today.replace(day=1)):
        for unit in (tree.p, tree.a):
            from_table = unit_stats(unit=unit, on=today, period_start=start, sensitive=True)
            live = _live(unit, today, start, True)
            for name in ("total", "honorary", "core", "party", "vneid_2", "digital",
                         "age_bands", "education", "ethnicity", "religion", "joined", "left"):  # fmt: skip
                assert getattr(from_table, name) == getattr(live, name), name
            assert from_table.total > 0
    # The province's communes come from the table too, and agree with a live count.
    stats = unit_stats(unit=tree.p, on=today, period_start=today.replace(day=1), sensitive=False)
    children = {row["unit"].pk: row["members"] for row in stats.children}
    assert children[tree.a.pk] == _live(tree.a, today, today, False).total


def test_the_dashboard_uses_the_table_for_large_units_today_only(tree, tinh_admin):
    admit(tinh_admin, tree.a1, full_name="Đỗ Thị Hạnh")
    MemberTally.objects.filter(unit=tree.p, key="total").update(count=99)
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    assert unit_stats(unit=tree.p, on=today, period_start=start, sensitive=False).total == 99
    yesterday = today - datetime.timedelta(days=1)
    assert unit_stats(unit=tree.p, on=yesterday, period_start=start, sensitive=False).total == 1
    # A branch is always counted live; a period not starting on the 1st too.
    assert unit_stats(unit=tree.a1, on=today, period_start=start, sensitive=False).total == 1
    odd = today.replace(day=2) if today.day >= 2 else today
    if odd.day == 2:
        assert unit_stats(unit=tree.p, on=today, period_start=odd, sensitive=False).total == 1


def test_the_command_reports_and_repairs_differences(tree, tinh_admin, capsys):
    admit(tinh_admin, tree.a1, full_name="Đỗ Thị Hạnh", cccd=make_cccd())
    MemberTally.objects.filter(unit=tree.a, key="total").update(count=5)
    MemberTally.objects.filter(unit=tree.p, key="core").delete()
    MemberTally.objects.create(unit=tree.b, key="edu:primary", count=2)
    with pytest.raises(SystemExit) as stopped:
        call_command("members_tally", "--check")
    assert stopped.value.code == 1
    out = capsys.readouterr().out
    assert "total stored 5, counted 1" in out and "2 difference(s) found." in out
    assert MemberTally.objects.get(unit=tree.a, key="total").count == 5  # nothing written
    call_command("members_tally")
    assert "2 difference(s) repaired." in capsys.readouterr().out
    call_command("members_tally", "--check")
    assert "0 difference(s) found." in capsys.readouterr().out


def test_one_subtree_can_be_recounted(tree, tinh_admin, capsys):
    admit(tinh_admin, tree.a1, full_name="Đỗ Thị Hạnh")
    MemberTally.objects.filter(unit=tree.a, key="total").update(count=3)
    MemberTally.objects.filter(unit=tree.p, key="total").update(count=3)
    call_command("members_tally", "--unit", "A")
    # The commune is recounted and its difference carried to the province above it.
    assert MemberTally.objects.get(unit=tree.a, key="total").count == 1
    assert MemberTally.objects.get(unit=tree.p, key="total").count == 1


@dataclasses.dataclass
class World:
    officer: object
    units: list
    members: list


@pytest.mark.parametrize("seed", range(4))
def test_random_sequences_keep_the_counts(tree, tinh_admin, seed):
    rng = random.Random(seed)
    units = [tree.a1, tree.a2, tree.b1]
    members = []
    today = timezone.localdate()
    for _step in range(25):
        choice = rng.random()
        active = [m for m in members if m.status == "active"]
        if choice < 0.35 or not active:
            members.append(admit(tinh_admin, rng.choice(units), full_name="Vũ Thị Thu",
                                 date_of_birth=datetime.date(rng.randint(1950, 2000), 1, 1),
                                 is_core=rng.random() < 0.5))  # fmt: skip
            continue
        member = rng.choice(active)
        if choice < 0.55:
            member_update(actor=tinh_admin, member=member,
                          data={"is_core": not member.is_core, "education": "primary"})  # fmt: skip
        elif choice < 0.75:
            target = rng.choice([u for u in units if u.pk != member.unit_id])
            member_transfer(actor=tinh_admin, member=member, to_unit=target, on=today)
        elif choice < 0.9:
            member_leave(actor=tinh_admin, member=member, on=today, reason="resigned")
        else:
            member_death(actor=tinh_admin, member=member, on=today)
        for m in members:
            m.refresh_from_db()
        assert_current()
