"""User management by a commune officer, inside her commune only; the 404 page outside it."""

import re

import pytest

from tests.e2e.conftest import E2E_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_user_management_scope(e2e_page, e2e_org, e2e_make_user, e2e_sign_in):
    from hoiso.accounts.models import Role, User
    from hoiso.core.models import AuditEntry

    ep, page = e2e_page, e2e_page.page
    officer = e2e_make_user("commune_officer", e2e_org.nk, full_name="Nguyễn Thị Lan")
    other = e2e_make_user("commune_officer", e2e_org.ck, full_name="Lê Thị Mai")
    e2e_sign_in(ep, officer)
    nk, nk1, nk2, ck = (e2e_org.pks[k] for k in ("nk", "nk1", "nk2", "ck"))

    # The user list: her own account, not the sibling commune's officer.
    ep.goto("/tai-khoan/nguoi-dung/")
    names = page.locator("main table tbody tr td:first-child a").all_inner_texts()
    assert "Nguyễn Thị Lan" in names and "Lê Thị Mai" not in names
    ep.assert_page_ok()

    # New account: the unit list is her commune and the units directly below it.
    page.locator('main a[href="/tai-khoan/nguoi-dung/them/"]').click()
    page.wait_for_url(re.compile(r"/tai-khoan/nguoi-dung/them/$"))
    options = page.locator("#id_unit option").evaluate_all(
        "os => os.map(o => o.value).filter(Boolean)"
    )
    assert sorted(map(int, options)) == sorted([nk, nk1, nk2])
    assert str(ck) not in options
    ep.assert_page_ok()
    ep.shoot("user_create")

    page.fill("#id_username", "chihoi.kv1")
    page.fill("#id_full_name", "Phạm Thị Cúc")
    page.fill("#id_email", "cuc.kv1@hoiso.test")
    page.fill("#id_phone", "0912 345 678")
    page.fill("#id_password", E2E_PASSWORD)
    page.select_option("#id_unit", value=str(nk1))
    page.select_option("#id_role", value="branch_leader")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/tai-khoan/nguoi-dung/\d+/$"))

    created = User.objects.get(username="chihoi.kv1")
    assert ep.path() == f"/tai-khoan/nguoi-dung/{created.pk}/"
    assert created.full_name == "Phạm Thị Cúc" and created.check_password(E2E_PASSWORD)
    role = Role.objects.get(user=created)
    assert (role.unit_id, role.role, role.is_active, role.granted_by_id) == (
        nk1,
        "branch_leader",
        True,
        officer.pk,
    )
    assert AuditEntry.objects.filter(action="user.create", object_id=str(created.pk)).exists()
    assert page.locator("h1.hs-page-title").inner_text().strip() == "Phạm Thị Cúc"
    assert page.locator(".alert-success").count() == 1
    assert "Chi hội Khu vực 1" in page.locator("main .list-group").first.inner_text()
    ep.assert_page_ok()
    ep.shoot("user_detail")

    # It is in the list, and the search finds it without diacritics.
    ep.goto("/tai-khoan/nguoi-dung/?q=pham%20thi%20cuc")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("a").inner_text().strip() == "Phạm Thị Cúc"
    ep.assert_page_ok()
    ep.goto("/tai-khoan/nguoi-dung/")
    assert page.locator("main table a", has_text="Phạm Thị Cúc").count() == 1
    ep.assert_page_ok()
    ep.shoot("user_list")

    # Her security page and the audit log of her commune.
    ep.goto("/tai-khoan/bao-mat/")
    ep.assert_page_ok()
    ep.shoot("security")
    ep.goto("/nhat-ky/")
    assert (
        page.locator("main", has_text="chihoi.kv1").count()
        + page.locator("main", has_text="Phạm Thị Cúc").count()
        >= 1
    )
    ep.assert_page_ok()
    ep.shoot("audit_log")

    # Outside her commune: the sibling commune's page and its officer are "not found".
    for path in (
        f"/to-chuc/{ck}/",
        f"/tai-khoan/nguoi-dung/{other.pk}/",
        f"/to-chuc/{e2e_org.pks['ck1']}/",
    ):
        ep.allowed_404.add(path)
        ep.goto(path, expect_status=404)
        assert page.locator("main .hs-empty h1").count() == 1
        assert "Hội LHPN phường Cái Khế" not in page.content()
        assert "Lê Thị Mai" not in page.content()
        ep.assert_page_ok()
    ep.shoot("404")
    # Nothing was written by those visits.
    assert Role.objects.filter(user=officer).count() == 1
    assert User.objects.count() == 3
