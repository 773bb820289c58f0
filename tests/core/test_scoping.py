"""The one scoping mechanism: visible_to, get_object_for_user, minimal_paths, user_can."""

import uuid

import pytest
from django.http import Http404

from hoiso.accounts.models import Role
from hoiso.core import progress
from hoiso.core.models import TaskProgress
from hoiso.core.permissions import Action
from hoiso.core.scoping import get_object_for_user, minimal_paths, path_q, scope_paths, user_can
from hoiso.org.models import Official, Population, Unit
from hoiso.org.services import official_appoint
from tests.helpers import fresh, make_user, today

pytestmark = [pytest.mark.django_db, pytest.mark.portable]


def names(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


SUBTREE_A = {"A", "A1", "A1A", "A1B", "A2", "A2A"}
SUBTREE_P = SUBTREE_A | {"P", "B", "B1", "B1A", "B2"}
EVERYTHING = SUBTREE_P | {"Q", "C", "C1"}


class TestMinimalPaths:
    def test_drops_paths_below_others(self):
        paths = ["00000001.00000002.", "00000001.", "00000003.", "00000003.00000004.00000005."]
        assert minimal_paths(paths) == ["00000001.", "00000003."]

    def test_duplicates_and_order(self):
        assert minimal_paths(["00000009.", "00000002.", "00000009."]) == ["00000002.", "00000009."]

    def test_siblings_both_kept(self):
        assert minimal_paths(["00000001.00000002.", "00000001.00000003."]) == [
            "00000001.00000002.",
            "00000001.00000003.",
        ]

    def test_empty(self):
        assert minimal_paths([]) == []


class TestVisibleTo:
    def test_commune_officer_sees_her_subtree_only(self, xa_officer):
        assert names(Unit.objects.visible_to(xa_officer)) == SUBTREE_A

    def test_sibling_commune_officer(self, xa_officer_other):
        assert names(Unit.objects.visible_to(xa_officer_other)) == {"B", "B1", "B1A", "B2"}

    def test_province_admin_sees_her_province_not_the_other(self, tinh_admin):
        assert names(Unit.objects.visible_to(tinh_admin)) == SUBTREE_P

    def test_superuser_sees_all(self, tree, superuser):
        assert names(Unit.objects.visible_to(superuser)) == EVERYTHING
        assert scope_paths(superuser) is None

    def test_member_without_role_sees_nothing(self, member):
        assert not Unit.objects.visible_to(member).exists()

    def test_anonymous_and_none_see_nothing(self, tree, anonymous):
        assert not Unit.objects.visible_to(anonymous).exists()
        assert not Unit.objects.visible_to(None).exists()

    def test_inactive_user_sees_nothing(self, xa_officer):
        xa_officer.is_active = False
        xa_officer.save()
        assert not Unit.objects.visible_to(fresh(xa_officer)).exists()

    def test_inactive_superuser_sees_nothing(self, superuser, tree):
        superuser.is_active = False
        superuser.save()
        assert not Unit.objects.visible_to(fresh(superuser)).exists()

    def test_revoked_role_grants_nothing(self, xa_officer):
        Role.objects.filter(user=xa_officer).update(is_active=False)
        assert not Unit.objects.visible_to(fresh(xa_officer)).exists()

    def test_action_limits_scope(self, chi_hoi_leader):
        assert names(Unit.objects.visible_to(chi_hoi_leader, Action.MANAGE_UNITS)) == {
            "A1",
            "A1A",
            "A1B",
        }
        assert not Unit.objects.visible_to(chi_hoi_leader, Action.RESTRUCTURE).exists()
        assert not Unit.objects.visible_to(chi_hoi_leader, Action.MANAGE_USERS).exists()

    def test_viewer_sees_but_cannot_manage(self, tree):
        viewer = make_user("viewer", role="viewer", unit=tree.b)
        assert names(Unit.objects.visible_to(viewer)) == {"B", "B1", "B1A", "B2"}
        assert not Unit.objects.visible_to(viewer, Action.MANAGE_UNITS).exists()
        assert not Unit.objects.visible_to(viewer, Action.VIEW_PERSONAL).exists()

    def test_several_roles_union_without_duplicates(self, tree):
        user = make_user("two_roles", role="commune_officer", unit=tree.a)
        Role.objects.create(user=user, unit=tree.a1, role="branch_leader")
        Role.objects.create(user=user, unit=tree.b1, role="branch_leader")
        user = fresh(user)
        assert user.scope_paths(Action.VIEW) == sorted([tree.a.path, tree.b1.path])
        assert names(Unit.objects.visible_to(user)) == SUBTREE_A | {"B1", "B1A"}
        assert Unit.objects.visible_to(user).count() == len(SUBTREE_A) + 2

    def test_records_scoped_by_their_stored_path(
        self, tree, xa_officer, xa_officer_other, positions
    ):
        official = official_appoint(actor=None, unit=tree.a1, full_name="Phạm Thị Cúc",
                                    position=positions["chi-hoi-truong"], term_start=2025,
                                    term_end=2030, started_on=today(), check_scope=False)  # fmt: skip
        assert list(Official.objects.visible_to(xa_officer)) == [official]
        assert not Official.objects.visible_to(xa_officer_other).exists()

    def test_path_q_everything_and_nothing(self, tree):
        assert Unit.objects.filter(path_q("path", None)).count() == len(EVERYTHING)
        assert not Unit.objects.filter(path_q("path", [])).exists()

    def test_prefix_does_not_leak_to_a_sibling_with_a_longer_id(self, tree):
        """Paths end with a dot, so the subtree of unit 1 does not include unit 12."""
        a = tree.a
        lookalike = a.path[:-1] + "9."
        assert not Unit.objects.filter(path_q("path", [lookalike])).exists()
        assert Unit.objects.filter(path_q("path", [a.path])).count() == len(SUBTREE_A)


class TestUserCan:
    def test_inside_and_outside(self, tree, xa_officer):
        assert user_can(xa_officer, Action.RESTRUCTURE, tree.a2a.path)
        assert user_can(xa_officer, Action.VIEW, tree.a.path)
        assert not user_can(xa_officer, Action.VIEW, tree.p.path)
        assert not user_can(xa_officer, Action.VIEW, tree.b.path)

    def test_superuser_anywhere(self, tree, superuser):
        assert user_can(superuser, Action.RESTRUCTURE, tree.q.path)
        assert user_can(superuser, Action.MANAGE_USERS, "")

    def test_anonymous_nowhere(self, tree, anonymous):
        assert not user_can(anonymous, Action.VIEW, tree.a.path)


class TestGetObjectForUser:
    def test_in_scope(self, tree, xa_officer):
        assert get_object_for_user(Unit, xa_officer, pk=tree.a2.pk) == tree.a2

    def test_out_of_scope_is_404(self, tree, xa_officer):
        with pytest.raises(Http404):
            get_object_for_user(Unit, xa_officer, pk=tree.b.pk)
        with pytest.raises(Http404):
            get_object_for_user(Unit, xa_officer, pk=tree.p.pk)

    def test_missing_and_malformed_are_404(self, tree, xa_officer):
        with pytest.raises(Http404):
            get_object_for_user(Unit, xa_officer, pk=10**9)
        with pytest.raises(Http404):
            get_object_for_user(Unit, xa_officer, pk="not-a-number")

    def test_action_matters(self, tree, chi_hoi_leader):
        assert get_object_for_user(Unit, chi_hoi_leader, Action.VIEW, pk=tree.a1.pk) == tree.a1
        with pytest.raises(Http404):
            get_object_for_user(Unit, chi_hoi_leader, Action.RESTRUCTURE, pk=tree.a1.pk)

    def test_accepts_a_queryset(self, tree, xa_officer):
        qs = Unit.objects.select_related("parent")
        assert get_object_for_user(qs, xa_officer, pk=tree.a1.pk).parent == tree.a

    def test_superuser(self, tree, superuser):
        assert get_object_for_user(Unit, superuser, pk=tree.c1.pk) == tree.c1

    def test_inactive_user(self, tree, xa_officer):
        xa_officer.is_active = False
        with pytest.raises(Http404):
            get_object_for_user(Unit, xa_officer, pk=tree.a.pk)

    def test_population_record(self, tree, xa_officer, xa_officer_other, areas):
        record = Population.objects.create(
            unit=tree.a, area=areas["31135"], year=2025, women_18_plus=10
        )
        assert record.unit_path == tree.a.path
        assert get_object_for_user(Population, xa_officer, pk=record.pk) == record
        with pytest.raises(Http404):
            get_object_for_user(Population, xa_officer_other, pk=record.pk)


class TestTaskProgressScope:
    def test_owner_and_unit_officials_see_it(
        self, tree, xa_officer, xa_officer_other, tinh_admin, member
    ):
        job = progress.start(
            kind="test", title="Nhập dân số", owner=xa_officer, unit_path=tree.a.path
        )
        assert list(TaskProgress.objects.visible_to(xa_officer)) == [job]
        assert list(TaskProgress.objects.visible_to(tinh_admin)) == [job]
        assert not TaskProgress.objects.visible_to(xa_officer_other).exists()
        assert not TaskProgress.objects.visible_to(member).exists()

    def test_owner_without_role_sees_her_own(self, member):
        job = progress.start(kind="test", title="x", owner=member)
        assert list(TaskProgress.objects.visible_to(member)) == [job]

    def test_anonymous_sees_none(self, tree, xa_officer, anonymous):
        progress.start(kind="test", title="x", owner=xa_officer, unit_path=tree.a.path)
        assert not TaskProgress.objects.visible_to(anonymous).exists()

    def test_get_unknown_uuid(self, xa_officer):
        with pytest.raises(Http404):
            get_object_for_user(TaskProgress, xa_officer, pk=uuid.uuid4())
