"""Restructuring: merge, split, rename, move and revert — paths, records, lineage, refusals."""

import datetime

import pytest

from hoiso.accounts.models import Role
from hoiso.core import audit, progress
from hoiso.core.models import AuditEntry, TaskProgress
from hoiso.core.text import collation_key
from hoiso.org import selectors
from hoiso.org.models import Official, Population, Restructuring, Unit, UnitLink, path_segment
from hoiso.org.services import (
    OrgError,
    SplitPart,
    official_appoint,
    population_set,
    restructuring_revert,
    unit_create,
    unit_move,
    unit_rename,
    unit_split,
    units_merge,
)
from hoiso.org.services.paths import path_holders
from tests.helpers import assert_tree_consistent, fresh, nothing_changes, today, unit_rows

pytestmark = [pytest.mark.django_db, pytest.mark.portable, pytest.mark.usefixtures("english")]


@pytest.fixture
def staffed(tree, positions, tinh_admin, xa_officer, xa_officer_other, chi_hoi_leader):
    """Officials, population figures and a task record on the fixture tree."""

    def appoint(unit, name, position):
        return official_appoint(actor=None, unit=unit, full_name=name, position=positions[position],
                                term_start=2025, term_end=2030, started_on=datetime.date(2025, 1, 1),
                                check_scope=False)  # fmt: skip

    officials = {
        "a": appoint(tree.a, "Nguyễn Thị Lan", "chu-tich"),
        "a1": appoint(tree.a1, "Phạm Thị Cúc", "chi-hoi-truong"),
        "b": appoint(tree.b, "Lê Thị Mai", "chu-tich"),
        "b1": appoint(tree.b1, "Đỗ Thị Hương", "chi-hoi-truong"),
        "b1a": appoint(tree.b1a, "Võ Thị Thu", "to-truong"),
    }
    population_set(actor=tinh_admin, unit=tree.a, year=2025, women_18_plus=12000)
    population_set(actor=tinh_admin, unit=tree.b, year=2025, women_18_plus=9000)
    job = progress.start(
        kind="test", title="Xuất danh sách", owner=xa_officer_other, unit_path=tree.b1.path
    )
    return {"officials": officials, "job": job}


def official(staffed, key) -> Official:
    return Official.objects.get(pk=staffed["officials"][key].pk)


def role_of(user) -> Role:
    return Role.objects.get(user=user)


def no_stored_path_starts_with(old_paths: list[str]) -> None:
    """After a move, no record of any model that stores a unit path keeps an old one."""
    for model, field in [(Unit, "path"), *path_holders()]:
        for old in old_paths:
            assert not model._default_manager.filter(**{f"{field}__startswith": old}).exists(), (
                model,
                old,
            )


# ------------------------------------------------------------------ merge


class TestMerge:
    def test_children_move_with_their_subtrees(self, tree, staffed, tinh_admin):
        old = {k: tree[k].path for k in ("b1", "b1a", "b2")}
        depths = {k: tree[k].depth for k in ("b1", "b1a", "b2")}
        units_merge(actor=tinh_admin, sources=[tree.b], target=tree.a, effective_on=today())
        a = tree.a
        assert tree.b1.parent == a and tree.b2.parent == a
        assert tree.b1.path == a.path + path_segment(tree.b1.pk)
        assert tree.b2.path == a.path + path_segment(tree.b2.pk)
        assert tree.b1a.path == tree.b1.path + path_segment(tree.b1a.pk)
        assert {k: tree[k].depth for k in depths} == depths
        no_stored_path_starts_with(list(old.values()))
        assert_tree_consistent()

    def test_source_retires_and_keeps_its_records(self, tree, staffed, tinh_admin):
        b_path = tree.b.path
        units_merge(actor=tinh_admin, sources=[tree.b], target=tree.a, effective_on=today())
        b = tree.b
        assert b.active_to == today() and not b.is_active
        assert b.path == b_path  # a retired unit keeps its place
        assert not Unit.objects.active().filter(pk=b.pk).exists()
        assert Population.objects.get(area__code="31120").unit == b
        assert official(staffed, "b").unit == b

    def test_officials_of_the_source_end_others_follow(self, tree, staffed, tinh_admin):
        units_merge(actor=tinh_admin, sources=[tree.b], target=tree.a, effective_on=today())
        assert official(staffed, "b").ended_on == today()
        b1 = official(staffed, "b1")
        assert b1.ended_on is None and b1.unit_path == tree.b1.path
        assert official(staffed, "b1a").unit_path == tree.b1a.path
        assert official(staffed, "a").ended_on is None

    def test_roles_follow_to_the_target(self, tree, staffed, tinh_admin, xa_officer_other):
        units_merge(actor=tinh_admin, sources=[tree.b], target=tree.a, effective_on=today())
        role = role_of(xa_officer_other)
        assert role.unit == tree.a and role.unit_path == tree.a.path and role.is_active
        # The officer of the absorbed commune now works on the merged one.
        visible = set(
            Unit.objects.visible_to(fresh(xa_officer_other)).values_list("code", flat=True)
        )
        assert {"A", "A1", "B1", "B1A", "B2"} <= visible

    def test_audit_and_task_paths_follow(self, tree, staffed, tinh_admin):
        b1_created = AuditEntry.objects.get(action="unit.create", object_id=str(tree.b1.pk))
        units_merge(actor=tinh_admin, sources=[tree.b], target=tree.a, effective_on=today())
        b1_created.refresh_from_db()
        assert b1_created.unit_path == tree.b1.path
        assert TaskProgress.objects.get(pk=staffed["job"].pk).unit_path == tree.b1.path
        b_created = AuditEntry.objects.get(action="unit.create", object_id=str(tree.b.pk))
        assert b_created.unit_path == tree.b.path

    def test_lineage_and_record(self, tree, staffed, tinh_admin):
        r = units_merge(actor=tinh_admin, sources=[tree.b], target=tree.a, effective_on=today(),
                        decision="25/QĐ-HPN", note="Theo Nghị quyết")  # fmt: skip
        assert r.kind == Restructuring.Kind.MERGE
        assert r.decision == "25/QĐ-HPN" and r.actor == tinh_admin
        assert r.unit_path == tree.p.path
        assert {"A", "B", "B1", "B2"} <= set(r.units.values_list("code", flat=True))
        assert list(
            UnitLink.objects.values_list("predecessor__code", "successor__code", "restructuring")
        ) == [("B", "A", r.pk)]
        assert [
            link.predecessor.code for link in selectors.lineage(unit=tree.a)["predecessors"]
        ] == ["B"]
        assert [link.successor.code for link in selectors.lineage(unit=tree.b)["successors"]] == [
            "A"
        ]
        entry = AuditEntry.objects.get(action="restructuring.merge")
        assert entry.actor == tinh_admin and entry.unit_path == tree.p.path

    def test_several_sources_and_retired_children_stay(self, tree, staffed, xa_officer):
        units_merge(actor=xa_officer, sources=[tree.a2], target=tree.a1, effective_on=today())
        assert tree.a2a.parent == tree.a1
        # Merge again into a1 from a new branch: the retired a2 does not move along.
        a3 = unit_create(
            actor=xa_officer, parent=tree.a, name="Chi hội Khu vực 5", kind="branch", code="A3"
        )
        units_merge(actor=xa_officer, sources=[a3], target=tree.a1, effective_on=today())
        assert tree.a2.parent == tree.a  # retired units keep their place
        assert_tree_consistent()

    def test_future_merge_keeps_source_active_until_then(self, tree, staffed, tinh_admin):
        later = today() + datetime.timedelta(days=10)
        units_merge(actor=tinh_admin, sources=[tree.b], target=tree.a, effective_on=later)
        assert tree.b.active_to == later and tree.b.is_active
        assert official(staffed, "b").ended_on == later


# ------------------------------------------------------------------ split


class TestSplit:
    def split(self, tree, actor, **kw):
        options = {"parts": [SplitPart("Hội LHPN phường Ninh Kiều 1", "NK1"),
                             SplitPart("Hội LHPN phường Ninh Kiều 2", "NK2")],
                   "assignment": {tree.a1.pk: 0, tree.a2.pk: 1}, "effective_on": today()}  # fmt: skip
        options.update(kw)
        return unit_split(actor=actor, unit=tree.a, **options)

    def test_new_units_and_children(self, tree, staffed, tinh_admin):
        old = [tree.a1.path, tree.a2.path]
        self.split(tree, tinh_admin)
        nk1, nk2 = Unit.objects.get(code="NK1"), Unit.objects.get(code="NK2")
        for part in (nk1, nk2):
            assert part.parent == tree.p and part.kind == Unit.Kind.COMMUNE
            assert part.active_from == today() and part.is_active
        assert tree.a1.parent == nk1 and tree.a2.parent == nk2
        assert tree.a1b.path == nk1.path + path_segment(tree.a1.pk) + path_segment(tree.a1b.pk)
        assert tree.a2a.path.startswith(nk2.path)
        assert tree.a1a.depth == 3
        no_stored_path_starts_with(old)
        assert_tree_consistent()

    def test_old_unit_retires_roles_go_to_keeper(
        self, tree, staffed, tinh_admin, xa_officer, chi_hoi_leader
    ):
        self.split(tree, tinh_admin, keeper=1)
        nk2 = Unit.objects.get(code="NK2")
        assert not tree.a.is_active
        assert role_of(xa_officer).unit == nk2 and role_of(xa_officer).unit_path == nk2.path
        assert role_of(chi_hoi_leader).unit_path == tree.a1.path  # below: moved with its branch
        assert official(staffed, "a").ended_on == today()
        assert official(staffed, "a1").ended_on is None
        assert Population.objects.get(area__code="31135").unit == tree.a  # stays with the record

    def test_lineage(self, tree, staffed, tinh_admin):
        r = self.split(tree, tinh_admin)
        links = set(
            UnitLink.objects.filter(restructuring=r).values_list(
                "predecessor__code", "successor__code"
            )
        )
        assert links == {("A", "NK1"), ("A", "NK2")}
        assert r.kind == Restructuring.Kind.SPLIT

    def test_split_a_unit_without_children(self, tree, staffed, tinh_admin):
        r = unit_split(actor=tinh_admin, unit=tree.b2, parts=[SplitPart("Chi hội 4A", "B2A"),
                       SplitPart("Chi hội 4B", "B2B")], assignment={}, effective_on=today())  # fmt: skip
        assert set(Unit.objects.filter(parent=tree.b).active().values_list("code", flat=True)) == {
            "B1",
            "B2A",
            "B2B",
        }
        assert r.units.count() == 3


# ------------------------------------------------------------------ rename and move


class TestRename:
    def test_rename(self, tree, staffed, xa_officer):
        path = tree.a1.path
        r = unit_rename(
            actor=xa_officer,
            unit=tree.a1,
            new_name="  Chi hội   Khu vực Một ",
            effective_on=today(),
        )
        a1 = tree.a1
        assert a1.name == "Chi hội Khu vực Một"
        assert a1.name_folded == "chi hoi khu vuc mot"
        assert a1.name_sort == collation_key("Chi hội Khu vực Một")
        assert a1.path == path
        assert "Chi hội Khu vực 1" in r.summary and "Chi hội Khu vực Một" in r.summary
        assert list(a1.history.order_by("history_date").values_list("name", flat=True))[-2:] == [
            "Chi hội Khu vực 1", "Chi hội Khu vực Một"]  # fmt: skip
        assert not UnitLink.objects.exists()

    @pytest.mark.parametrize(
        ("name", "message"), [("Chi hội Khu vực 1", "same"), ("   ", "Enter the new name")]
    )
    def test_bad_names(self, tree, staffed, xa_officer, name, message):
        with nothing_changes(), pytest.raises(OrgError, match=message):
            unit_rename(actor=xa_officer, unit=tree.a1, new_name=name, effective_on=today())


class TestMove:
    def test_branch_to_sibling_commune(self, tree, staffed, tinh_admin, chi_hoi_leader, xa_officer,
                                       xa_officer_other):  # fmt: skip
        old = tree.a1.path
        r = unit_move(actor=tinh_admin, unit=tree.a1, new_parent=tree.b, effective_on=today())
        a1 = tree.a1
        assert (
            a1.parent == tree.b and a1.path == tree.b.path + path_segment(a1.pk) and a1.depth == 2
        )
        assert {tree.a1a.path, tree.a1b.path} == {
            a1.path + path_segment(tree[k].pk) for k in ("a1a", "a1b")
        }
        assert role_of(chi_hoi_leader).unit_path == a1.path
        assert official(staffed, "a1").unit_path == a1.path
        assert (
            AuditEntry.objects.get(action="unit.create", object_id=str(a1.pk)).unit_path == a1.path
        )
        no_stored_path_starts_with([old])
        assert r.unit_path == tree.p.path
        # Scope follows the tree: the branch is now the other commune's.
        assert Unit.objects.visible_to(fresh(xa_officer_other)).filter(pk=a1.pk).exists()
        assert not Unit.objects.visible_to(fresh(xa_officer)).filter(pk=a1.pk).exists()
        assert_tree_consistent()

    def test_earlier_restructurings_follow_the_unit(
        self, tree, staffed, tinh_admin, xa_officer, xa_officer_other
    ):
        """A restructuring is read by those above the units it touched: its stored path moves too."""
        rename = unit_rename(
            actor=xa_officer, unit=tree.a1, new_name="Chi hội Mới", effective_on=today()
        )
        assert rename.unit_path == tree.a1.path
        unit_move(actor=tinh_admin, unit=tree.a1, new_parent=tree.b, effective_on=today())
        rename.refresh_from_db()
        assert rename.unit_path == tree.a1.path
        assert (
            Restructuring.objects.visible_to(fresh(xa_officer_other)).filter(pk=rename.pk).exists()
        )

    def test_depth_changes_for_the_whole_subtree(self, tree, staffed, superuser):
        central = unit_create(actor=superuser, parent=None, name="Trung ương Hội LHPN Việt Nam",
                              kind="central", code="TW")  # fmt: skip
        depths = dict(Unit.objects.filter(path__startswith=tree.p.path).values_list("pk", "depth"))
        unit_move(actor=superuser, unit=tree.p, new_parent=central, effective_on=today())
        moved = dict(Unit.objects.filter(path__startswith=central.path).exclude(pk=central.pk)
                     .values_list("pk", "depth"))  # fmt: skip
        assert moved == {pk: depth + 1 for pk, depth in depths.items()}
        assert tree.a1a.path.startswith(central.path + path_segment(tree.p.pk))
        assert all(
            path.startswith(central.path)
            for path in Role.objects.values_list("unit_path", flat=True)
        )
        assert_tree_consistent()

    def test_move_across_provinces_needs_confirmation(self, tree, staffed, superuser):
        with nothing_changes(), pytest.raises(OrgError, match="different provinces"):
            unit_move(actor=superuser, unit=tree.a1, new_parent=tree.c, effective_on=today())
        unit_move(
            actor=superuser,
            unit=tree.a1,
            new_parent=tree.c,
            effective_on=today(),
            allow_cross_province=True,
        )
        assert tree.a1.path.startswith(tree.q.path)
        assert_tree_consistent()


# ------------------------------------------------------------------ revert


class TestRevert:
    def test_revert_merge_restores_everything(self, tree, staffed, tinh_admin, xa_officer_other):
        before = unit_rows()
        roles_before = list(Role.objects.order_by("pk").values_list("pk", "unit_id", "unit_path"))
        officials_before = list(
            Official.objects.order_by("pk").values_list("pk", "unit_path", "ended_on")
        )
        merge = units_merge(actor=tinh_admin, sources=[tree.b], target=tree.a, effective_on=today())
        revert = restructuring_revert(actor=tinh_admin, restructuring=merge, effective_on=today())
        assert unit_rows() == before
        assert (
            list(Role.objects.order_by("pk").values_list("pk", "unit_id", "unit_path"))
            == roles_before
        )
        assert (
            list(Official.objects.order_by("pk").values_list("pk", "unit_path", "ended_on"))
            == officials_before
        )
        assert revert.kind == Restructuring.Kind.REVERT and revert.reverts == merge
        merge.refresh_from_db()
        assert merge.reverted_by == revert
        assert UnitLink.objects.filter(restructuring=merge).count() == 1  # history stays
        assert tree.b.is_active
        assert_tree_consistent()

    def test_revert_split(self, tree, staffed, tinh_admin, xa_officer):
        before = unit_rows()
        split = unit_split(actor=tinh_admin, unit=tree.a, parts=[SplitPart("NK 1", "NK1"), SplitPart("NK 2", "NK2")],
                           assignment={tree.a1.pk: 0, tree.a2.pk: 1}, effective_on=today())  # fmt: skip
        restructuring_revert(actor=tinh_admin, restructuring=split, effective_on=today())
        parts = Unit.objects.filter(code__in=["NK1", "NK2"])
        assert parts.count() == 2 and all(p.active_to == today() for p in parts)  # kept, retired
        assert [row for row in unit_rows() if row[0] in {r[0] for r in before}] == before
        assert role_of(xa_officer).unit == tree.a
        assert official(staffed, "a").ended_on is None
        assert_tree_consistent()

    def test_revert_move_and_rename(self, tree, staffed, xa_officer, tinh_admin):
        before = unit_rows()
        move = unit_move(actor=tinh_admin, unit=tree.a2, new_parent=tree.b, effective_on=today())
        restructuring_revert(actor=tinh_admin, restructuring=move, effective_on=today())
        rename = unit_rename(
            actor=xa_officer, unit=tree.a1, new_name="Chi hội Mới", effective_on=today()
        )
        restructuring_revert(actor=xa_officer, restructuring=rename, effective_on=today())
        assert unit_rows() == before
        assert_tree_consistent()

    def test_revert_of_a_revert_applies_again(self, tree, staffed, xa_officer):
        rename = unit_rename(
            actor=xa_officer, unit=tree.a1, new_name="Chi hội Mới", effective_on=today()
        )
        undo = restructuring_revert(actor=xa_officer, restructuring=rename, effective_on=today())
        restructuring_revert(actor=xa_officer, restructuring=undo, effective_on=today())
        assert tree.a1.name == "Chi hội Mới"

    def test_cannot_revert_twice(self, tree, staffed, xa_officer):
        rename = unit_rename(
            actor=xa_officer, unit=tree.a1, new_name="Chi hội Mới", effective_on=today()
        )
        restructuring_revert(actor=xa_officer, restructuring=rename, effective_on=today())
        with nothing_changes(), pytest.raises(OrgError, match="already been reverted"):
            restructuring_revert(actor=xa_officer, restructuring=rename, effective_on=today())

    def test_later_restructuring_of_the_same_units_blocks(self, tree, staffed, tinh_admin):
        move = unit_move(actor=tinh_admin, unit=tree.a1, new_parent=tree.b, effective_on=today())
        unit_rename(actor=tinh_admin, unit=tree.a1, new_name="Chi hội Mới", effective_on=today())
        with (
            nothing_changes(),
            pytest.raises(OrgError, match="Later restructurings changed the same units"),
        ):
            restructuring_revert(actor=tinh_admin, restructuring=move, effective_on=today())

    def test_unrelated_later_restructuring_does_not_block(self, tree, staffed, tinh_admin):
        move = unit_move(actor=tinh_admin, unit=tree.a1, new_parent=tree.b, effective_on=today())
        unit_rename(actor=tinh_admin, unit=tree.c1, new_name="Chi hội Mới", effective_on=today(),
                    check_scope=False)  # fmt: skip
        restructuring_revert(actor=tinh_admin, restructuring=move, effective_on=today())
        assert tree.a1.parent == tree.a

    def test_new_units_below_created_units_block(self, tree, staffed, tinh_admin):
        split = unit_split(actor=tinh_admin, unit=tree.a, parts=[SplitPart("NK 1", "NK1"), SplitPart("NK 2", "NK2")],
                           assignment={tree.a1.pk: 0, tree.a2.pk: 1}, effective_on=today())  # fmt: skip
        unit_create(actor=tinh_admin, parent=Unit.objects.get(code="NK1"), name="Chi hội mới", kind="branch",
                    code="NEW")  # fmt: skip
        with nothing_changes(), pytest.raises(OrgError, match="new units below them"):
            restructuring_revert(actor=tinh_admin, restructuring=split, effective_on=today())


# ------------------------------------------------------------------ refusals: nothing changes


class TestRefusals:
    def test_move_into_own_subtree(self, tree, staffed, tinh_admin):
        with (
            nothing_changes(),
            pytest.raises(OrgError, match="into itself or into a unit below it"),
        ):
            unit_move(actor=tinh_admin, unit=tree.a, new_parent=tree.a1, effective_on=today())
        with nothing_changes(), pytest.raises(OrgError, match="into itself"):
            unit_move(actor=tinh_admin, unit=tree.a, new_parent=tree.a, effective_on=today())

    def test_move_under_a_retired_unit(self, tree, staffed, tinh_admin):
        units_merge(actor=tinh_admin, sources=[tree.b], target=tree.a, effective_on=today())
        with nothing_changes(), pytest.raises(OrgError, match="has been retired"):
            unit_move(actor=tinh_admin, unit=tree.a2, new_parent=tree.b, effective_on=today())

    def test_move_a_retired_unit(self, tree, staffed, tinh_admin):
        units_merge(actor=tinh_admin, sources=[tree.b2], target=tree.b1, effective_on=today())
        with nothing_changes(), pytest.raises(OrgError, match="already been retired"):
            unit_move(actor=tinh_admin, unit=tree.b2, new_parent=tree.a, effective_on=today())

    def test_move_under_a_wrong_kind(self, tree, staffed, tinh_admin):
        with nothing_changes(), pytest.raises(OrgError, match="cannot stand directly under"):
            unit_move(actor=tinh_admin, unit=tree.a1, new_parent=tree.p, effective_on=today())

    def test_move_to_the_same_parent(self, tree, staffed, tinh_admin):
        with nothing_changes(), pytest.raises(OrgError, match="already stands under"):
            unit_move(actor=tinh_admin, unit=tree.a1, new_parent=tree.a, effective_on=today())

    def test_merge_across_provinces_without_confirmation(self, tree, staffed, superuser):
        with nothing_changes(), pytest.raises(OrgError, match="different provinces"):
            units_merge(actor=superuser, sources=[tree.c], target=tree.a, effective_on=today())

    def test_merge_across_provinces_with_confirmation(self, tree, staffed, superuser):
        units_merge(
            actor=superuser,
            sources=[tree.c],
            target=tree.a,
            effective_on=today(),
            allow_cross_province=True,
        )
        assert tree.c1.parent == tree.a and not tree.c.is_active
        assert_tree_consistent()

    def test_merge_into_itself(self, tree, staffed, tinh_admin):
        with nothing_changes(), pytest.raises(OrgError, match="cannot be merged into itself"):
            units_merge(
                actor=tinh_admin, sources=[tree.a, tree.b], target=tree.a, effective_on=today()
            )

    def test_merge_nothing(self, tree, staffed, tinh_admin):
        with nothing_changes(), pytest.raises(OrgError, match="at least one unit"):
            units_merge(actor=tinh_admin, sources=[], target=tree.a, effective_on=today())

    def test_merge_different_kinds(self, tree, staffed, tinh_admin):
        with nothing_changes(), pytest.raises(OrgError, match="cannot be merged into"):
            units_merge(actor=tinh_admin, sources=[tree.a1], target=tree.b, effective_on=today())

    def test_merge_a_retired_unit(self, tree, staffed, tinh_admin):
        units_merge(actor=tinh_admin, sources=[tree.b2], target=tree.b1, effective_on=today())
        with nothing_changes(), pytest.raises(OrgError, match="already been retired"):
            units_merge(actor=tinh_admin, sources=[tree.b2], target=tree.a1, effective_on=today())

    def split(self, tree, actor, parts=None, assignment=None, **kw):
        parts = parts or [SplitPart("NK 1", "NK1"), SplitPart("NK 2", "NK2")]
        assignment = {tree.a1.pk: 0, tree.a2.pk: 1} if assignment is None else assignment
        return unit_split(actor=actor, unit=kw.pop("unit", tree.a), parts=parts, assignment=assignment,
                          effective_on=today(), **kw)  # fmt: skip

    def test_split_with_missing_assignment(self, tree, staffed, tinh_admin):
        with (
            nothing_changes(),
            pytest.raises(OrgError, match="Say where these units go: Chi hội Khu vực 2"),
        ):
            self.split(tree, tinh_admin, assignment={tree.a1.pk: 0})

    def test_split_with_duplicate_codes(self, tree, staffed, tinh_admin):
        with nothing_changes(), pytest.raises(OrgError, match="must be new and different"):
            self.split(tree, tinh_admin, parts=[SplitPart("NK 1", "NK"), SplitPart("NK 2", "NK")])

    def test_split_with_a_code_already_used(self, tree, staffed, tinh_admin):
        with nothing_changes(), pytest.raises(OrgError, match="must be new and different"):
            self.split(tree, tinh_admin, parts=[SplitPart("NK 1", "NK1"), SplitPart("NK 2", "B1")])

    def test_split_into_one(self, tree, staffed, tinh_admin):
        with nothing_changes(), pytest.raises(OrgError, match="at least two"):
            self.split(
                tree,
                tinh_admin,
                parts=[SplitPart("NK 1", "NK1")],
                assignment={tree.a1.pk: 0, tree.a2.pk: 0},
            )

    def test_split_part_without_name(self, tree, staffed, tinh_admin):
        with nothing_changes(), pytest.raises(OrgError, match="needs a name and a code"):
            self.split(tree, tinh_admin, parts=[SplitPart(" ", "NK1"), SplitPart("NK 2", "NK2")])

    def test_split_to_a_part_that_does_not_exist(self, tree, staffed, tinh_admin):
        with nothing_changes(), pytest.raises(OrgError, match="does not exist"):
            self.split(tree, tinh_admin, assignment={tree.a1.pk: 0, tree.a2.pk: 5})
        with nothing_changes(), pytest.raises(OrgError, match="does not exist"):
            self.split(tree, tinh_admin, keeper=2)

    def test_split_top_level(self, tree, staffed, superuser):
        with nothing_changes(), pytest.raises(OrgError, match="top-level unit cannot be split"):
            self.split(tree, superuser, unit=tree.p, assignment={tree.a.pk: 0, tree.b.pk: 1})

    def test_failure_half_way_writes_nothing(self, tree, staffed, tinh_admin, monkeypatch):
        """The audit row is written last; if it fails, the moves before it are undone."""

        def broken(**kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(audit, "record", broken)
        with nothing_changes(), pytest.raises(RuntimeError):
            units_merge(actor=tinh_admin, sources=[tree.b], target=tree.a, effective_on=today())


class TestOutOfScope:
    """A commune officer restructuring the sibling commune's branches: refused, nothing changed."""

    def test_rename(self, tree, staffed, xa_officer):
        with nothing_changes(), pytest.raises(OrgError, match="outside your own unit"):
            unit_rename(
                actor=xa_officer, unit=tree.b1, new_name="Chi hội Mới", effective_on=today()
            )

    def test_move_out_of_the_other_commune(self, tree, staffed, xa_officer):
        with nothing_changes(), pytest.raises(OrgError, match="outside your own unit"):
            unit_move(actor=xa_officer, unit=tree.b1, new_parent=tree.a, effective_on=today())

    def test_move_into_the_other_commune(self, tree, staffed, xa_officer):
        with nothing_changes(), pytest.raises(OrgError, match="outside your own unit"):
            unit_move(actor=xa_officer, unit=tree.a1, new_parent=tree.b, effective_on=today())

    def test_merge(self, tree, staffed, xa_officer):
        with nothing_changes(), pytest.raises(OrgError, match="outside your own unit"):
            units_merge(actor=xa_officer, sources=[tree.b2], target=tree.b1, effective_on=today())
        with nothing_changes(), pytest.raises(OrgError, match="outside your own unit"):
            units_merge(actor=xa_officer, sources=[tree.b2], target=tree.a1, effective_on=today())

    def test_split(self, tree, staffed, xa_officer):
        with nothing_changes(), pytest.raises(OrgError, match="outside your own unit"):
            unit_split(actor=xa_officer, unit=tree.b1, parts=[SplitPart("X", "X1"), SplitPart("Y", "Y1")],
                       assignment={}, effective_on=today())  # fmt: skip

    def test_her_own_commune_itself(self, tree, staffed, xa_officer):
        """Renaming or splitting the commune is for the level above (the province)."""
        with nothing_changes(), pytest.raises(OrgError, match="outside your own unit"):
            unit_rename(
                actor=xa_officer, unit=tree.a, new_name="Hội LHPN phường Mới", effective_on=today()
            )

    def test_revert(self, tree, staffed, xa_officer, tinh_admin):
        rename = unit_rename(
            actor=tinh_admin, unit=tree.b1, new_name="Chi hội Mới", effective_on=today()
        )
        with nothing_changes(), pytest.raises(OrgError, match="outside your own unit"):
            restructuring_revert(actor=xa_officer, restructuring=rename, effective_on=today())

    def test_branch_leader_cannot_restructure(self, tree, staffed, chi_hoi_leader):
        with nothing_changes(), pytest.raises(OrgError, match="outside your own unit"):
            unit_rename(
                actor=chi_hoi_leader, unit=tree.a1a, new_name="Tổ Mới", effective_on=today()
            )

    def test_member_and_anonymous(self, tree, staffed, member, anonymous):
        for actor in (member, anonymous, None):
            with nothing_changes(), pytest.raises(OrgError):
                unit_move(actor=actor, unit=tree.a1, new_parent=tree.b, effective_on=today())
