"""Signing in: password, then the authenticator code; lockout; two-factor required by role."""

import time

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.helpers import PASSWORD, make_user, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TWO_FACTOR = "/accounts/2fa/authenticate/"


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def post_login(client, login, password, **extra):
    return client.post(LOGIN, {"login": login, "password": password}, **extra)


class TestSignIn:
    def test_urls(self):
        assert reverse("account_login") == LOGIN
        assert reverse("mfa_authenticate") == TWO_FACTOR

    def test_login_page(self, client, db):
        response = client.get(LOGIN)
        assert response.status_code == 200
        assert 'name="login"' in response.content.decode()

    def test_password_then_code(self, client, xa_officer):
        response = post_login(client, "xa_officer", PASSWORD)
        assert response.status_code == 302 and response["Location"] == TWO_FACTOR
        assert signed_in_as(client) is None  # not yet: the second factor is missing
        response = client.post(TWO_FACTOR, {"code": totp_code()})
        assert response.status_code == 302
        assert response["Location"] == reverse("core:home")
        assert signed_in_as(client) == str(xa_officer.pk)

    def test_by_email(self, client, xa_officer):
        response = post_login(client, "xa_officer@hoiso.test", PASSWORD)
        assert response.status_code == 302 and response["Location"] == TWO_FACTOR

    def test_wrong_code(self, client, xa_officer):
        post_login(client, "xa_officer", PASSWORD)
        stale = totp_code(at=time.time() - 3600)
        response = client.post(TWO_FACTOR, {"code": stale if stale != totp_code() else "000000"})
        assert response.status_code == 200
        assert signed_in_as(client) is None

    def test_wrong_password(self, client, xa_officer):
        response = post_login(client, "xa_officer", "sai-mat-khau")
        assert response.status_code == 200
        assert signed_in_as(client) is None
        assert response.context["form"].errors

    def test_user_without_authenticator_signs_in_with_password(self, client, member):
        response = post_login(client, "member", PASSWORD)
        assert response.status_code == 302 and response["Location"] == reverse("core:home")
        assert signed_in_as(client) == str(member.pk)

    def test_locked_account_cannot_sign_in(self, client, xa_officer):
        xa_officer.is_active = False
        xa_officer.save()
        post_login(client, "xa_officer", PASSWORD)
        client.post(TWO_FACTOR, {"code": totp_code()})
        assert signed_in_as(client) is None

    def test_no_public_sign_up(self, client, db):
        client.post(reverse("account_signup"), {"username": "moi", "password1": PASSWORD})
        from hoiso.accounts.models import User

        assert not User.objects.filter(username="moi").exists()


class TestLockout:
    """django-axes: the failure that reaches AXES_FAILURE_LIMIT gets the locked-out page, and
    then even the right password is refused."""

    def fail(self, client, username, times):
        return [post_login(client, username, "sai-mat-khau") for _ in range(times)]

    def test_locked_out_after_the_limit(self, client, xa_officer, settings):
        responses = self.fail(client, "xa_officer", settings.AXES_FAILURE_LIMIT)
        assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
        locked = responses[-1]
        assert locked.status_code == 429
        assert "accounts/locked_out.html" in [t.name for t in locked.templates]
        response = post_login(client, "xa_officer", PASSWORD)
        assert response.status_code != 302  # not on to the second factor
        assert signed_in_as(client) is None
        client.post(TWO_FACTOR, {"code": totp_code()})  # no pending sign-in to complete
        assert signed_in_as(client) is None

    def test_below_the_limit_the_right_password_works(self, client, xa_officer, settings):
        self.fail(client, "xa_officer", settings.AXES_FAILURE_LIMIT - 1)
        response = post_login(client, "xa_officer", PASSWORD)
        assert response.status_code == 302 and response["Location"] == TWO_FACTOR

    def test_a_colleague_can_still_sign_in(self, client, xa_officer, xa_officer_other, settings):
        """Someone guessing one official's password does not lock out her colleagues."""
        self.fail(client, "xa_officer", settings.AXES_FAILURE_LIMIT)
        response = post_login(client, "xa_officer_other", PASSWORD)
        assert response.status_code == 302 and response["Location"] == TWO_FACTOR

    def test_failures_are_counted_per_account(self, client, xa_officer, xa_officer_other, settings):
        """Officials sharing the commune office's connection do not lock each other out."""
        self.fail(client, "xa_officer", settings.AXES_FAILURE_LIMIT - 2)
        responses = self.fail(client, "xa_officer_other", 2)
        assert [r.status_code for r in responses] == [200, 200]
        assert set(AccessAttempt.objects.values_list("username", flat=True)) == {
            "xa_officer",
            "xa_officer_other",
        }


class TestTwoFactorRequired:
    def test_commune_officer_without_authenticator_is_sent_to_security(self, client, tree):
        officer = make_user("new_officer", role="commune_officer", unit=tree.a, totp=False)
        client.force_login(officer)
        for url in (
            reverse("org:tree"),
            reverse("org:unit_detail", args=[tree.a.pk]),
            reverse("core:audit_list"),
        ):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"] == reverse("accounts:security")
        assert client.get(reverse("accounts:security")).status_code == 200  # no loop

    def test_viewer_is_not_redirected(self, client, tree):
        viewer = make_user("viewer", role="viewer", unit=tree.a, totp=False)
        client.force_login(viewer)
        assert client.get(reverse("org:unit_detail", args=[tree.a.pk])).status_code == 200

    def test_member_is_not_redirected(self, client, member):
        client.force_login(member)
        response = client.get(reverse("org:tree"))
        assert response.status_code == 200

    def test_superuser_without_authenticator_is_redirected(self, client, db):
        from hoiso.accounts.models import User

        root = User.objects.create_superuser("root2", "root2@hoiso.test", PASSWORD)
        client.force_login(root)
        assert client.get(reverse("org:tree"))["Location"] == reverse("accounts:security")

    def test_official_with_authenticator_passes(self, client, xa_officer, tree):
        client.force_login(xa_officer)
        assert client.get(reverse("org:unit_detail", args=[tree.a.pk])).status_code == 200

    def test_setting_off(self, client, tree, settings):
        settings.HOISO_MFA_REQUIRED = False
        officer = make_user("new_officer", role="commune_officer", unit=tree.a, totp=False)
        client.force_login(officer)
        assert client.get(reverse("org:unit_detail", args=[tree.a.pk])).status_code == 200
