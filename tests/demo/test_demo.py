"""The demo province: built through the real merge, consistent paths, working personas."""

import pytest
from django.core.management import call_command
from django.db.models import Q

from hoiso.accounts.models import Role, User
from hoiso.core.scoping import path_q
from hoiso.members import tally
from hoiso.members.models import Member, MemberEvent
from hoiso.members.services import member_code
from hoiso.org.models import Official, Population, Restructuring, Unit, UnitLink, path_segment


@pytest.mark.django_db
def test_demo():
    """One small build (about 5 s), every check on it: the build is the expensive part."""
    call_command("demo", sample=True, verbosity=0)
    _builds_a_province_after_the_2025_merge()
    _paths_are_consistent()
    _personas_see_their_subtrees()
    _members_are_consistent()
    _if_missing_does_nothing_the_second_time()


@pytest.mark.django_db
def test_full_demo_reproduces_the_seed_figures(capsys):
    """The whole demo, as `make run` builds it: the former Sóc Trăng part has the seed's
    259,940 members at 59.41% of its women 18+, phones 100%, smartphones >95%, ~70% social."""
    call_command("demo")
    soc_trang = Unit.objects.get(code="HPN-94")
    moved = {op["unit"] for r in Restructuring.objects.filter(units=soc_trang)
             for op in r.operations if op["op"] == "move" and op["from"] == soc_trang.pk}  # fmt: skip
    units = Unit.objects.filter(pk__in=moved)
    current = Member.objects.filter(path_q("unit_path", [u.path for u in units])).exclude(
        status__in=tally.CLOSED
    )
    n = current.count()
    assert n == 259_940
    population = Population.objects.filter(unit__in=units)
    year = max(population.values_list("year", flat=True))
    women = sum(population.filter(year=year).values_list("women_18_plus", flat=True))
    assert round(100 * n / women, 2) == 59.41
    assert current.filter(has_phone=True).count() == n
    assert current.filter(has_smartphone=True).count() / n > 0.95
    social = current.filter(Q(uses_zalo=True) | Q(uses_facebook=True) | Q(uses_tiktok=True))
    assert 0.68 < social.count() / n < 0.72
    assert tally.rebuild(write=False) == []
    assert "259,940 members, participation 59.41%" in capsys.readouterr().out


def _members_are_consistent():
    """Every member's stored path, code and summary counts are what the services write."""
    assert Member.objects.count() > 20_000
    for member in Member.objects.select_related("unit")[:2000]:
        assert member.unit_path == member.unit.path
        assert member.code == member_code(member.pk)
        assert member.history.filter(history_type="+").exists()
    assert tally.rebuild(write=False) == []
    assert (
        MemberEvent.objects.filter(kind=MemberEvent.Kind.ADMITTED).count() == Member.objects.count()
    )


def _builds_a_province_after_the_2025_merge():
    province = Unit.objects.get(code="HPN-92")
    assert province.is_active and province.area.code == "92"
    communes = Unit.objects.subtree(province).active().filter(kind=Unit.Kind.COMMUNE)
    assert 95 <= communes.count() <= 110
    assert Unit.objects.subtree(province).active().filter(kind=Unit.Kind.BRANCH).count() >= 775
    assert Unit.objects.subtree(province).active().filter(kind=Unit.Kind.GROUP).count() > 1500
    soc_trang = Unit.objects.get(code="HPN-94")
    assert not soc_trang.is_active
    assert UnitLink.objects.filter(predecessor=soc_trang, successor=province).exists()
    assert Official.objects.count() > 3000
    assert Population.objects.values("year").distinct().count() >= 2


def _paths_are_consistent():
    units = {u.pk: u for u in Unit.objects.all()}
    for unit in units.values():
        parent = units.get(unit.parent_id)
        assert unit.path == (parent.path if parent else "") + path_segment(unit.pk)
        assert unit.depth == (parent.depth + 1 if parent else 0)
    for model in (Official, Population, Role):
        for record in model.objects.select_related("unit"):
            assert record.unit_path == record.unit.path


def _personas_see_their_subtrees():
    seen = {
        name: Unit.objects.visible_to(User.objects.get(username=name)).count()
        for name in ("tinh_admin", "xa_officer", "xa_officer_other", "chi_hoi_leader", "member")
    }
    assert seen["tinh_admin"] > 3000
    assert 10 < seen["xa_officer"] < 100
    assert 10 < seen["xa_officer_other"] < 100
    assert 1 < seen["chi_hoi_leader"] < 10
    assert seen["member"] == 0
    officer = User.objects.get(username="xa_officer")
    other = User.objects.get(username="xa_officer_other")
    assert not set(Unit.objects.visible_to(officer).values_list("pk", flat=True)) & set(
        Unit.objects.visible_to(other).values_list("pk", flat=True)
    )


def _if_missing_does_nothing_the_second_time():
    before = Unit.objects.count()
    call_command("demo", if_missing=True, verbosity=0)
    assert Unit.objects.count() == before
