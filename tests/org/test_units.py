"""Creating and editing units, appointing officials, and the scoped reads of the tree."""

import datetime

import pytest

from hoiso.core.models import AuditEntry
from hoiso.core.text import collation_key
from hoiso.org import selectors
from hoiso.org.models import Official, ancestor_paths, common_path, path_segment
from hoiso.org.services import (
    OrgError,
    official_appoint,
    official_end,
    official_update,
    unit_create,
    unit_update,
    units_merge,
)
from tests.helpers import assert_tree_consistent, nothing_changes, today

pytestmark = [pytest.mark.django_db, pytest.mark.portable, pytest.mark.usefixtures("english")]


class TestPaths:
    def test_path_segment(self):
        assert path_segment(42) == "00000042."

    def test_ancestor_paths(self):
        assert ancestor_paths("00000001.00000002.00000003.") == [
            "00000001.", "00000001.00000002.", "00000001.00000002.00000003."]  # fmt: skip

    def test_common_path(self):
        assert common_path(["00000001.00000002.", "00000001.00000003.00000004."]) == "00000001."
        assert (
            common_path(["00000001.00000002.", "00000001.00000002.00000005."])
            == "00000001.00000002."
        )
        assert common_path(["00000001.", "00000009."]) == ""
        assert common_path([]) == ""

    def test_fixture_tree_is_consistent(self, tree):
        assert tree.a1a.path == tree.p.path + path_segment(tree.a.pk) + path_segment(tree.a1.pk) + path_segment(
            tree.a1a.pk)  # fmt: skip
        assert [tree[k].depth for k in ("p", "a", "a1", "a1a")] == [0, 1, 2, 3]
        assert_tree_consistent()


class TestUnitCreate:
    def test_by_a_commune_officer(self, tree, xa_officer):
        unit = unit_create(
            actor=xa_officer, parent=tree.a, name="  Chi hội   Khu vực 5 ", kind="branch", code="A5"
        )
        assert unit.name == "Chi hội Khu vực 5"
        assert unit.name_folded == "chi hoi khu vuc 5"
        assert unit.name_sort == collation_key("Chi hội Khu vực 5")
        assert unit.path == tree.a.path + path_segment(unit.pk) and unit.depth == 2
        entry = AuditEntry.objects.get(action="unit.create", object_id=str(unit.pk))
        assert entry.actor == xa_officer and entry.unit_path == unit.path

    def test_outside_scope(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(OrgError, match="outside your own unit"):
            unit_create(actor=xa_officer, parent=tree.b, name="Chi hội X", kind="branch", code="X")

    def test_top_level_only_for_superuser(self, tree, tinh_admin, superuser):
        with nothing_changes(), pytest.raises(OrgError):
            unit_create(
                actor=tinh_admin,
                parent=None,
                name="Hội LHPN tỉnh Mới",
                kind="province",
                code="NEWP",
            )
        assert unit_create(actor=superuser, parent=None, name="Hội LHPN tỉnh Mới", kind="province",
                           code="NEWP").depth == 0  # fmt: skip

    def test_wrong_kind(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(OrgError, match="cannot stand directly under"):
            unit_create(actor=xa_officer, parent=tree.a, name="Tổ lạc", kind="group", code="X")

    def test_duplicate_code(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(OrgError, match="already used"):
            unit_create(actor=xa_officer, parent=tree.a, name="Chi hội X", kind="branch", code="B1")

    def test_under_a_retired_unit(self, tree, tinh_admin):
        units_merge(actor=tinh_admin, sources=[tree.a2], target=tree.a1, effective_on=today())
        with nothing_changes(), pytest.raises(OrgError, match="has been retired"):
            unit_create(actor=tinh_admin, parent=tree.a2, name="Tổ X", kind="group", code="X")


class TestUnitUpdate:
    def test_update(self, tree, xa_officer, areas):
        unit = unit_update(
            actor=xa_officer, unit=tree.a, code="NK", area=areas["31147"], address="2 Hòa Bình"
        )
        unit.refresh_from_db()
        assert (unit.code, unit.area.code, unit.address) == ("NK", "31147", "2 Hòa Bình")
        entry = AuditEntry.objects.get(action="unit.update")
        assert entry.details["before"]["code"] == "A"

    def test_outside_scope_and_duplicate_code(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(OrgError, match="outside your own unit"):
            unit_update(actor=xa_officer, unit=tree.b, code="B", area=None, address="")
        with nothing_changes(), pytest.raises(OrgError, match="already used"):
            unit_update(actor=xa_officer, unit=tree.a, code="B", area=None, address="")


class TestOfficials:
    def appoint(self, actor, unit, positions, **kw):
        options = {"full_name": "Nguyễn Thị Lan", "position": positions["chu-tich"], "term_start": 2025,
                   "term_end": 2030, "started_on": datetime.date(2025, 3, 1)}  # fmt: skip
        options.update(kw)
        return official_appoint(actor=actor, unit=unit, **options)

    def test_appoint(self, tree, positions, xa_officer):
        official = self.appoint(xa_officer, tree.a, positions, full_name=" Nguyễn  Thị Lan ")
        assert official.full_name == "Nguyễn Thị Lan" and official.unit_path == tree.a.path
        assert official.term == "2025–2030"
        assert list(selectors.officials_of(user=xa_officer, unit=tree.a)) == [official]

    @pytest.mark.parametrize(
        ("kw", "message"),
        [
            ({"term_start": 2030, "term_end": 2025}, "term runs"),
            ({"term_start": 2020, "term_end": 2035}, "term runs"),
            ({"full_name": "   "}, "full name"),
        ],
    )
    def test_bad_input(self, tree, positions, xa_officer, kw, message):
        with nothing_changes(), pytest.raises(OrgError, match=message):
            self.appoint(xa_officer, tree.a, positions, **kw)

    def test_position_must_fit_the_unit(self, tree, positions, xa_officer):
        with nothing_changes(), pytest.raises(OrgError, match="does not exist at a"):
            self.appoint(xa_officer, tree.a, positions, position=positions["to-truong"])

    def test_outside_scope(self, tree, positions, xa_officer):
        with nothing_changes(), pytest.raises(OrgError, match="outside your own unit"):
            self.appoint(xa_officer, tree.b, positions)

    def test_retired_unit(self, tree, positions, tinh_admin):
        units_merge(actor=tinh_admin, sources=[tree.b], target=tree.a, effective_on=today())
        with nothing_changes(), pytest.raises(OrgError, match="has been retired"):
            self.appoint(tinh_admin, tree.b, positions)

    def test_end_and_update(self, tree, positions, xa_officer, xa_officer_other):
        official = self.appoint(xa_officer, tree.a, positions)
        with nothing_changes(), pytest.raises(OrgError, match="outside your own unit"):
            official_end(actor=xa_officer_other, official=official, ended_on=today())
        with nothing_changes(), pytest.raises(OrgError, match="before it started"):
            official_end(actor=xa_officer, official=official, ended_on=datetime.date(2025, 2, 1))
        official_update(actor=xa_officer, official=official, phone="0912345678")
        official_end(actor=xa_officer, official=official, ended_on=today())
        official.refresh_from_db()
        assert official.ended_on == today() and official.phone == "0912345678"
        assert not selectors.officials_of(user=xa_officer, unit=tree.a).exists()
        assert list(selectors.officials_of(user=xa_officer, unit=tree.a, include_ended=True)) == [
            official
        ]
        with pytest.raises(OrgError, match="already ended"):
            official_end(actor=xa_officer, official=official, ended_on=today())

    def test_officials_sorted_by_position_then_given_name(self, tree, positions, xa_officer):
        for name, position in [("Trần Thị Yến", "uy-vien-bch"), ("Lê Thị Ánh", "pho-chu-tich"),
                               ("Nguyễn Văn Anh", "pho-chu-tich"), ("Phạm Thị Bình", "chu-tich")]:  # fmt: skip
            self.appoint(
                xa_officer, tree.a, positions, full_name=name, position=positions[position]
            )
        names = list(Official.objects.filter(unit=tree.a).values_list("full_name", flat=True))
        assert names == ["Phạm Thị Bình", "Nguyễn Văn Anh", "Lê Thị Ánh", "Trần Thị Yến"]


class TestSelectors:
    def test_search_with_or_without_diacritics(self, tree, xa_officer, tinh_admin):
        for query in ("khu vuc", "Khu Vực", "KHU VỰC"):
            found = set(
                selectors.units_search(user=xa_officer, query=query).values_list("code", flat=True)
            )
            assert found == {"A1", "A2"}
        assert set(selectors.units_search(user=tinh_admin, query="khu vực").values_list("code", flat=True)) == {
            "A1", "A2", "B1", "B2"}  # fmt: skip
        assert not selectors.units_search(user=xa_officer, query="cái khế").exists()
        assert not selectors.units_search(user=xa_officer, query="   ").exists()

    def test_search_d_with_stroke(self, tree, superuser):
        unit_create(
            actor=superuser, parent=tree.a, name="Chi hội Đông Thạnh", kind="branch", code="DT"
        )
        assert list(selectors.units_search(user=superuser, query="dong thanh").values_list("code", flat=True)) == [
            "DT"]  # fmt: skip

    def test_children_with_counts(self, tree, xa_officer, tinh_admin):
        rows = {u.code: (u.child_count, u.descendants) for u in selectors.children_with_counts(user=tinh_admin,
                                                                                              unit=tree.p)}  # fmt: skip
        assert rows == {"A": (2, 5), "B": (2, 3)}
        roots = list(selectors.children_with_counts(user=xa_officer, unit=None))
        assert [(u.code, u.child_count, u.descendants) for u in roots] == [("A", 2, 5)]

    def test_children_in_vietnamese_order_and_retired_hidden(self, tree, tinh_admin):
        for name, code in [
            ("Chi hội Ấp Đông", "X1"),
            ("Chi hội Ấp An", "X2"),
            ("Chi hội Ấp Bắc", "X3"),
        ]:
            unit_create(actor=tinh_admin, parent=tree.b, name=name, kind="branch", code=code)
        units_merge(actor=tinh_admin, sources=[tree.b2], target=tree.b1, effective_on=today())
        names = [u.name for u in selectors.children_with_counts(user=tinh_admin, unit=tree.b)]
        assert names == ["Chi hội Ấp An", "Chi hội Ấp Bắc", "Chi hội Ấp Đông", "Chi hội Khu vực 3"]
        with_retired = selectors.children_with_counts(
            user=tinh_admin, unit=tree.b, include_retired=True
        )
        assert "Chi hội Khu vực 4" in [u.name for u in with_retired]

    def test_breadcrumb_marks_what_the_user_may_open(self, tree, xa_officer):
        crumbs = [(u.code, ok) for u, ok in selectors.breadcrumb(user=xa_officer, unit=tree.a1a)]
        assert crumbs == [("P", False), ("A", True), ("A1", True), ("A1A", True)]

    def test_top_and_default_unit(self, tree, xa_officer, tinh_admin, member):
        assert [u.code for u in selectors.top_units(user=xa_officer)] == ["A"]
        assert selectors.default_unit_for(user=tinh_admin).code == "P"
        assert selectors.default_unit_for(user=member) is None

    def test_areas_for_units(self, tree, xa_officer):
        codes = set(selectors.areas_for_units(user=xa_officer).values_list("code", flat=True))
        assert {"92", "31135", "31120", "31147"} <= codes
        assert "26740" not in codes and "79" not in codes
