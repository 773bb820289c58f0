"""Managing users and roles: only inside one's subtree, never granting more than one holds.
Every refusal leaves the database as it was."""

import pytest

from hoiso.accounts import selectors
from hoiso.accounts.models import Role, User
from hoiso.accounts.services import (
    AccountError,
    role_grant,
    role_revoke,
    user_create,
    user_set_active,
    user_set_password,
    user_update,
)
from hoiso.core.models import AuditEntry
from hoiso.org.services import OrgError, units_merge
from tests.helpers import PASSWORD, fresh, make_user, nothing_changes, today

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEW_PASSWORD = "Chi-hoi-Khu-vuc-1-2025"


def create(actor, unit, role="branch_leader", **kw):
    options = {"username": "Hoa.PT", "full_name": "Phan Thị Hoa", "email": "hoa@hoiso.test", "phone": "0912000111",
               "password": NEW_PASSWORD, "unit": unit, "role": role}  # fmt: skip
    options.update(kw)
    return user_create(actor=actor, **options)


class TestUserCreate:
    def test_commune_officer_creates_a_branch_leader(self, tree, xa_officer):
        user = create(xa_officer, tree.a1)
        assert user.username == "hoa.pt"  # user names are case-insensitive, kept lower case
        assert user.check_password(NEW_PASSWORD) and user.password != NEW_PASSWORD
        role = Role.objects.get(user=user)
        assert (role.unit, role.role, role.granted_by, role.unit_path) == (tree.a1, "branch_leader", xa_officer,
                                                                           tree.a1.path)  # fmt: skip
        entry = AuditEntry.objects.get(action="user.create")
        assert entry.actor == xa_officer and entry.unit_path == tree.a1.path

    def test_not_in_the_sibling_commune(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(AccountError, match="only in your own unit"):
            create(xa_officer, tree.b)
        with nothing_changes(), pytest.raises(AccountError, match="only in your own unit"):
            create(xa_officer, tree.b1)

    def test_not_above_herself(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(AccountError, match="only in your own unit"):
            create(xa_officer, tree.p, role="viewer")

    def test_cannot_grant_province_admin(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(AccountError, match="more rights than your own"):
            create(xa_officer, tree.a, role="province_admin")

    def test_province_admin_may(self, tree, tinh_admin):
        assert (
            Role.objects.get(user=create(tinh_admin, tree.a, role="province_admin")).role
            == "province_admin"
        )

    def test_branch_leader_manages_no_users(self, tree, chi_hoi_leader):
        with nothing_changes(), pytest.raises(AccountError):
            create(chi_hoi_leader, tree.a1a, role="group_leader")

    @pytest.mark.parametrize(
        ("kw", "message"),
        [
            ({"role": "emperor"}, "Unknown role"),
            ({"username": "XA_OFFICER"}, "already taken"),
            ({"email": "XA_OFFICER@hoiso.test"}, "already used"),
            ({"password": "123456"}, "too short|too common|entirely numeric"),
            ({"password": "phanthihoa", "username": "phanthihoa"}, "too similar|too common"),
        ],
    )
    def test_bad_input(self, tree, xa_officer, kw, message):
        with nothing_changes(), pytest.raises(AccountError, match=message):
            create(xa_officer, tree.a1, **kw)

    def test_retired_unit(self, tree, xa_officer):
        units_merge(actor=xa_officer, sources=[tree.a2], target=tree.a1, effective_on=today())
        with nothing_changes(), pytest.raises(AccountError, match="retired"):
            create(fresh(xa_officer), tree.a2)

    def test_account_error_is_an_org_error(self):
        assert issubclass(AccountError, OrgError)


class TestRoles:
    def test_grant_and_revoke(self, tree, xa_officer, member):
        role = role_grant(actor=xa_officer, target=member, unit=tree.a2, role="viewer")
        assert role.granted_by == xa_officer and role.unit_path == tree.a2.path
        with nothing_changes(), pytest.raises(AccountError, match="already has this role"):
            role_grant(actor=xa_officer, target=member, unit=tree.a2, role="viewer")
        role_revoke(actor=xa_officer, role=role)
        role.refresh_from_db()
        assert not role.is_active  # kept, with its history
        assert set(AuditEntry.objects.filter(action__startswith="role.").values_list("action", flat=True)) == {
            "role.grant", "role.revoke"}  # fmt: skip

    def test_grant_outside_scope_or_above_own(self, tree, xa_officer, member):
        with nothing_changes(), pytest.raises(AccountError, match="only in your own unit"):
            role_grant(actor=xa_officer, target=member, unit=tree.b, role="viewer")
        with nothing_changes(), pytest.raises(AccountError, match="more rights"):
            role_grant(actor=xa_officer, target=member, unit=tree.a, role="province_admin")

    def test_same_role_or_strictly_less(self, tree, xa_officer, member):
        """She hands out her own role (below her) and lesser ones, not another role with equal rights."""
        assert (
            role_grant(actor=xa_officer, target=member, unit=tree.a1, role="commune_officer").role
            == "commune_officer"
        )
        assert (
            role_grant(actor=xa_officer, target=member, unit=tree.a1, role="judge").role == "judge"
        )
        with nothing_changes(), pytest.raises(AccountError, match="more rights"):
            role_grant(actor=xa_officer, target=member, unit=tree.a1, role="province_admin")

    def test_revoke_outside_scope(self, tree, xa_officer, xa_officer_other, tinh_admin):
        for victim in (xa_officer_other, tinh_admin):
            with nothing_changes(), pytest.raises(AccountError, match="only in your own unit"):
                role_revoke(actor=xa_officer, role=Role.objects.get(user=victim))

    def test_cannot_revoke_own_role(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(AccountError, match="your own role"):
            role_revoke(actor=xa_officer, role=Role.objects.get(user=xa_officer))

    def test_revoked_role_ends_scope(self, tree, xa_officer, chi_hoi_leader):
        role_revoke(actor=xa_officer, role=Role.objects.get(user=chi_hoi_leader))
        assert fresh(chi_hoi_leader).scope_paths("view") == []


class TestLockAndEdit:
    def test_lock_and_unlock_a_user_of_her_commune(self, tree, xa_officer, chi_hoi_leader):
        user_set_active(actor=xa_officer, target=chi_hoi_leader, active=False)
        assert not fresh(chi_hoi_leader).is_active
        user_set_active(actor=xa_officer, target=fresh(chi_hoi_leader), active=True)
        assert fresh(chi_hoi_leader).is_active
        assert list(AuditEntry.objects.filter(action__startswith="user.").order_by("pk")
                    .values_list("action", "unit_path")) == [("user.lock", tree.a1.path),
                                                             ("user.unlock", tree.a1.path)]  # fmt: skip

    def test_cannot_lock_the_province_admin(self, tree, xa_officer, tinh_admin):
        with nothing_changes(), pytest.raises(AccountError, match="outside your scope"):
            user_set_active(actor=xa_officer, target=tinh_admin, active=False)

    def test_cannot_lock_the_sibling_officer(self, tree, xa_officer, xa_officer_other):
        with nothing_changes(), pytest.raises(AccountError, match="outside your scope"):
            user_set_active(actor=xa_officer, target=xa_officer_other, active=False)

    def test_cannot_lock_a_user_who_also_works_elsewhere(self, tree, xa_officer, chi_hoi_leader):
        Role.objects.create(user=chi_hoi_leader, unit=tree.b1, role="viewer")
        with nothing_changes(), pytest.raises(AccountError, match="outside your scope"):
            user_set_active(actor=xa_officer, target=fresh(chi_hoi_leader), active=False)

    def test_cannot_lock_herself_a_superuser_or_a_user_without_role(
        self, tree, xa_officer, member, superuser
    ):
        with nothing_changes(), pytest.raises(AccountError, match="your own account"):
            user_set_active(actor=xa_officer, target=xa_officer, active=False)
        with nothing_changes(), pytest.raises(AccountError):
            user_set_active(actor=xa_officer, target=superuser, active=False)
        with nothing_changes(), pytest.raises(AccountError):
            user_set_active(actor=xa_officer, target=member, active=False)

    def test_province_admin_locks_the_commune_officer(self, tree, tinh_admin, xa_officer):
        user_set_active(actor=tinh_admin, target=xa_officer, active=False)
        assert not fresh(xa_officer).is_active

    def test_update_and_password(self, tree, xa_officer, chi_hoi_leader, xa_officer_other):
        user_update(actor=xa_officer, target=chi_hoi_leader, full_name="Phạm Thị Cúc Mới", email="cuc@hoiso.test",
                    phone="0900")  # fmt: skip
        user_set_password(actor=xa_officer, target=chi_hoi_leader, password=NEW_PASSWORD)
        target = fresh(chi_hoi_leader)
        assert target.full_name == "Phạm Thị Cúc Mới" and target.check_password(NEW_PASSWORD)
        with nothing_changes(), pytest.raises(AccountError):
            user_set_password(actor=xa_officer_other, target=target, password=NEW_PASSWORD)
        with nothing_changes(), pytest.raises(AccountError):
            user_update(actor=xa_officer_other, target=target, full_name="x", email="", phone="")
        with nothing_changes(), pytest.raises(AccountError, match="already used"):
            user_update(
                actor=xa_officer,
                target=target,
                full_name="x",
                email="xa_officer@hoiso.test",
                phone="",
            )
        with nothing_changes(), pytest.raises(AccountError):
            user_set_password(actor=xa_officer, target=target, password="123")


@pytest.mark.portable
class TestSelectors:
    def test_users_visible(
        self, tree, xa_officer, tinh_admin, xa_officer_other, chi_hoi_leader, member, superuser
    ):
        usernames = lambda actor, q="": set(  # noqa: E731
            selectors.users_visible(user=actor, query=q).values_list("username", flat=True))  # fmt: skip
        assert usernames(xa_officer) == {"xa_officer", "chi_hoi_leader"}
        assert usernames(tinh_admin) == {
            "tinh_admin",
            "xa_officer",
            "xa_officer_other",
            "chi_hoi_leader",
        }
        assert usernames(chi_hoi_leader) == set()  # a branch leader manages no users
        assert usernames(member) == set()
        assert "member" in usernames(superuser)
        assert usernames(tinh_admin, "pham thi cuc") == {"chi_hoi_leader"}
        assert usernames(tinh_admin, "Phạm Thị") == {"chi_hoi_leader"}

    def test_user_and_role_get_out_of_scope(self, tree, xa_officer, xa_officer_other):
        from django.http import Http404

        with pytest.raises(Http404):
            selectors.user_get(user=xa_officer, pk=xa_officer_other.pk)
        with pytest.raises(Http404):
            selectors.role_get(user=xa_officer, pk=Role.objects.get(user=xa_officer_other).pk)

    def test_mfa_required_for(self, tree, xa_officer, member, superuser, settings):
        viewer = make_user("viewer", role="viewer", unit=tree.a)
        assert selectors.mfa_required_for(user=xa_officer)
        assert selectors.mfa_required_for(user=superuser)
        assert not selectors.mfa_required_for(user=viewer)
        assert not selectors.mfa_required_for(user=member)
        settings.HOISO_MFA_REQUIRED = False
        assert not selectors.mfa_required_for(user=xa_officer)

    def test_has_totp(self, tree, xa_officer, member):
        assert selectors.has_totp(user=xa_officer)
        assert not selectors.has_totp(user=User.objects.get(pk=member.pk))


def test_password_constant_is_strong_enough():
    """The personas' password passes the validators (the sign-in tests use it)."""
    from django.contrib.auth.password_validation import validate_password

    validate_password(PASSWORD)
