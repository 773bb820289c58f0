"""Signing in with a password and a TOTP code, through the real allauth pages."""

import re

import pytest

from tests.e2e.conftest import E2E_PASSWORD, e2e_totp_code, e2e_wrong_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_in_two_factor(e2e_page, e2e_org, e2e_make_user):
    from django.contrib.sessions.models import Session

    from hoiso.core.models import AuditEntry  # noqa: F401  (the app is loaded)

    ep, page = e2e_page, e2e_page.page
    user = e2e_make_user("commune_officer", e2e_org.nk, full_name="Nguyễn Thị Lan")

    # Anonymous: the home page sends to the sign-in page.
    ep.goto("/")
    assert ep.path().startswith("/accounts/login/")
    ep.assert_page_ok()
    ep.shoot("login")

    # A wrong password: the form comes back with the error, no session is opened.
    page.fill("#id_login", user.username)
    page.fill("#id_password", "not-the-password")
    page.locator("form.hs-allauth-form button[type=submit]").click()
    page.wait_for_load_state("load")
    assert ep.path().startswith("/accounts/login/")
    error = page.locator("form.hs-allauth-form .alert-danger")
    assert error.is_visible() and error.inner_text().strip()
    assert page.input_value("#id_login") == user.username
    ep.assert_page_ok()
    ep.shoot("login-error")
    assert Session.objects.count() == 0

    # The right password: the two-factor step.
    page.fill("#id_password", E2E_PASSWORD)
    page.locator("form.hs-allauth-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
    assert page.locator("#id_code").is_visible()
    ep.assert_page_ok()
    ep.shoot("2fa")

    # A wrong code is refused: still on the two-factor page, with an error.
    page.fill("#id_code", e2e_wrong_code())
    page.locator("form.hs-allauth-form button[type=submit]").first.click()
    page.wait_for_load_state("load")
    assert ep.path() == "/accounts/2fa/authenticate/"
    assert (
        page.locator(
            "form.hs-allauth-form .invalid-feedback, form.hs-allauth-form .alert-danger"
        ).count()
        >= 1
    )
    ep.assert_page_ok()
    ep.shoot("2fa-error")
    # Not signed in yet: the home page would still ask to sign in.
    user.refresh_from_db()
    assert user.last_login is None

    # The right code: home, which redirects to the unit page of the user's unit.
    page.fill("#id_code", e2e_totp_code())
    page.locator("form.hs-allauth-form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/to-chuc/\d+/$"))
    assert ep.path() == f"/to-chuc/{e2e_org.pks['nk']}/"
    assert page.locator("h1.hs-page-title").inner_text().strip() == "Hội LHPN phường Ninh Kiều"
    ep.assert_page_ok()
    user.refresh_from_db()
    assert user.last_login is not None
    # The home page itself goes to the same unit page.
    ep.goto("/")
    assert ep.path() == f"/to-chuc/{e2e_org.pks['nk']}/"
    ep.assert_page_ok()
    ep.assert_clean()


def test_watch_catches_csp_violations(e2e_page, transactional_db):
    """The console watch every test relies on does see a blocked inline script and style."""
    ep, page = e2e_page, e2e_page.page
    ep.goto("/accounts/login/")
    ep.assert_clean()
    page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "document.title = 'x'";
        document.body.appendChild(s);
        const d = document.createElement("div");
        d.innerHTML = '<span style="color: red">x</span>';
        document.body.appendChild(d);
    }""")
    page.wait_for_timeout(300)
    assert page.title() != "x"  # the policy blocked the inline script
    assert any("CSP violation" in p or "Content Security Policy" in p for p in ep.problems), (
        ep.problems
    )
    ep.problems.clear()
