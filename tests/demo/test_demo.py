"""The demo province: built through the real merge, consistent paths, working personas."""

import pytest
from django.core.management import call_command

from hoiso.accounts.models import Role, User
from hoiso.org.models import Official, Population, Unit, UnitLink, path_segment


@pytest.mark.django_db
def test_demo():
    """One build (about 4 s), every check on it: the build is the expensive part."""
    call_command("demo", verbosity=0)
    _builds_a_province_after_the_2025_merge()
    _paths_are_consistent()
    _personas_see_their_subtrees()
    _if_missing_does_nothing_the_second_time()


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
