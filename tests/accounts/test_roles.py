"""Roles, the actions they grant, and what a user may hand out."""

import pytest

from hoiso.accounts.models import Role
from hoiso.accounts.roles import (
    ROLE_ACTIONS,
    RoleKind,
    grantable_roles,
    roles_granting,
    sees_personal_data,
)
from hoiso.core.permissions import Action
from tests.helpers import fresh, make_user

A = Action


class TestRoleActions:
    def test_every_role_has_actions(self):
        assert set(ROLE_ACTIONS) == set(RoleKind.values)
        assert all(A.VIEW in actions for actions in ROLE_ACTIONS.values())

    def test_province_admin_may_do_everything(self):
        assert ROLE_ACTIONS[RoleKind.PROVINCE_ADMIN] == frozenset(Action.values)

    @pytest.mark.parametrize(
        ("role", "may", "may_not"),
        [
            (
                "commune_officer",
                {A.RESTRUCTURE, A.MANAGE_USERS, A.MANAGE_UNITS, A.VIEW_AUDIT},
                set(),
            ),
            (
                "branch_leader",
                {A.MANAGE_UNITS, A.VIEW_PERSONAL},
                {A.RESTRUCTURE, A.MANAGE_USERS, A.VIEW_AUDIT},
            ),
            ("group_leader", {A.VIEW_PERSONAL}, {A.MANAGE_UNITS, A.RESTRUCTURE}),
            ("viewer", {A.VIEW}, {A.VIEW_PERSONAL, A.MANAGE_UNITS}),
            ("judge", {A.VIEW}, {A.VIEW_PERSONAL}),
        ],
    )
    def test_role(self, role, may, may_not):
        assert may <= ROLE_ACTIONS[role]
        assert not may_not & ROLE_ACTIONS[role]

    def test_roles_granting(self):
        assert set(roles_granting(A.RESTRUCTURE)) == {"province_admin", "commune_officer"}
        assert set(roles_granting(A.VIEW)) == set(RoleKind.values)

    def test_sees_personal_data(self):
        assert sees_personal_data("commune_officer") and sees_personal_data("group_leader")
        assert not sees_personal_data("viewer") and not sees_personal_data("judge")
        assert not sees_personal_data("no-such-role")


class TestGrantableRoles:
    def test_never_more_than_own(self):
        for granter in RoleKind.values:
            for role in grantable_roles({granter}):
                assert ROLE_ACTIONS[role] <= ROLE_ACTIONS[granter], (granter, role)

    def test_commune_officer(self):
        roles = set(grantable_roles({"commune_officer"}))
        assert "province_admin" not in roles
        assert {
            "commune_officer",
            "branch_leader",
            "group_leader",
            "viewer",
            "judge",
            "credit_officer",
        } == roles

    def test_branch_leader(self):
        # not the credit officer: she approves loans, which a branch leader may not
        assert set(grantable_roles({"branch_leader"})) == {
            "branch_leader",
            "group_leader",
            "viewer",
            "judge",
        }

    def test_viewer_and_nobody(self):
        assert set(grantable_roles({"viewer"})) == {"viewer", "judge"}
        assert grantable_roles(set()) == []

    def test_province_admin_grants_all(self):
        assert set(grantable_roles({"province_admin"})) == set(RoleKind.values)


@pytest.mark.django_db
@pytest.mark.portable
class TestUserScope:
    def test_scope_paths_per_action(self, tree, chi_hoi_leader, xa_officer):
        assert chi_hoi_leader.scope_paths(A.VIEW) == [tree.a1.path]
        assert chi_hoi_leader.scope_paths(A.RESTRUCTURE) == []
        assert xa_officer.scope_paths(A.MANAGE_USERS) == [tree.a.path]

    def test_roles_nested_and_inactive(self, tree):
        user = make_user("nested", role="commune_officer", unit=tree.a)
        Role.objects.create(user=user, unit=tree.a1, role="province_admin")
        Role.objects.create(user=user, unit=tree.b, role="commune_officer", is_active=False)
        user = fresh(user)
        assert user.scope_paths(A.VIEW) == [tree.a.path]  # a1 lies inside a
        assert user.scope_paths(A.VIEW_AUDIT) == [tree.a.path]
        assert user.role_kinds() == {"commune_officer", "province_admin"}

    def test_can_anywhere(self, chi_hoi_leader, member, superuser):
        assert chi_hoi_leader.can_anywhere(A.MANAGE_UNITS)
        assert not chi_hoi_leader.can_anywhere(A.MANAGE_USERS)
        assert not member.can_anywhere(A.VIEW)
        assert superuser.can_anywhere(A.MANAGE_USERS)

    def test_names_folded_for_search(self, db):
        user = make_user("lan.nt", full_name="  Nguyễn   Thị Lan ")
        assert user.full_name == "Nguyễn Thị Lan"
        assert user.name_folded == "nguyen thi lan lan.nt lan.nt@hoiso.test"
        assert str(user) == user.get_full_name() == "Nguyễn Thị Lan"
