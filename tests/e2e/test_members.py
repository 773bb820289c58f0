"""The member registry as a commune officer uses it: admit a member through the form, find
her by typing her name without accents, open her record, transfer her to another branch."""

import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admit_find_and_transfer(e2e_page, e2e_org, e2e_make_user, e2e_sign_in):
    from hoiso.core.models import AuditEntry
    from hoiso.members.models import Member, MemberEvent

    ep, page = e2e_page, e2e_page.page
    officer = e2e_make_user("commune_officer", e2e_org.nk, full_name="Nguyễn Thị Lan")
    e2e_sign_in(ep, officer)
    nk1, nk2 = e2e_org.pks["nk1"], e2e_org.pks["nk2"]

    ep.goto("/hoi-vien/")
    ep.assert_page_ok()
    assert page.locator(".hs-empty").count() == 1  # nobody yet
    page.locator('main a[href="/hoi-vien/ket-nap/"]').click()
    page.wait_for_url(re.compile(r"/hoi-vien/ket-nap/$"))
    ep.shoot("member_admit")

    # A mistake first: a CCCD whose year digits contradict the date of birth.
    page.select_option("#id_unit", str(nk1))
    page.fill("#id_full_name", "Đặng Thị Mỹ Duyên")
    page.fill("#id_date_of_birth", "14/03/1990")
    page.fill("#id_cccd", "092185001234")
    page.fill("#id_phone", "+84 912 345 678")
    page.locator("main form button.btn-primary").click()
    page.locator(".alert-danger").wait_for()
    assert "CCCD" in page.locator(".alert-danger").inner_text()
    assert Member.objects.count() == 0
    ep.shoot("member_admit-error")

    page.fill("#id_cccd", "092190001234")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/hoi-vien/\d+/$"))
    member = Member.objects.get()
    assert member.phone == "0912345678" and member.cccd == "092190001234"
    assert member.unit_id == nk1 and member.code == f"HV{member.pk:010d}"
    assert MemberEvent.objects.filter(member=member, kind="admitted").exists()
    ep.assert_page_ok()
    ep.shoot("member_detail")
    # Her ethnicity and religion are on the page for a commune officer: reading them is logged.
    assert AuditEntry.objects.filter(action="member.admit", object_id=str(member.pk)).exists()

    # Found by typing her name without accents.
    ep.goto("/hoi-vien/?q=dang+thi+my+duyen")
    link = page.locator("main table tbody a", has_text="Đặng Thị Mỹ Duyên")
    assert link.count() == 1
    ep.shoot("member_list-search")
    link.click()
    page.wait_for_url(re.compile(rf"/hoi-vien/{member.pk}/$"))

    # Transfer to the other branch of her commune: at once, with the trace on her page.
    page.locator(f'main a[href="/hoi-vien/{member.pk}/chuyen/"]').click()
    page.select_option("#id_to_unit", str(nk2))
    page.fill("#id_reason", "Chuyển nơi ở")
    ep.shoot("member_transfer")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(rf"/hoi-vien/{member.pk}/$"))
    member.refresh_from_db()
    assert member.unit_id == nk2 and member.unit_path == member.unit.path
    assert MemberEvent.objects.filter(member=member, kind="transferred", to_unit_id=nk2).exists()
    assert "Chi hội Khu vực 2" in page.locator("main").inner_text()
    ep.assert_page_ok()
    ep.assert_clean()


def test_member_outside_scope_is_not_found(e2e_page, e2e_org, e2e_make_user, e2e_sign_in):
    from hoiso.members.services import member_admit

    ep = e2e_page
    officer = e2e_make_user("commune_officer", e2e_org.nk, full_name="Nguyễn Thị Lan")
    other = e2e_make_user("commune_officer", e2e_org.ck, full_name="Lê Thị Mai")
    member = member_admit(actor=other, unit=e2e_org.ck1, data={"full_name": "Võ Thị Hạnh", "gender": "F",
                          "date_of_birth": __import__("datetime").date(1980, 5, 1)})  # fmt: skip
    e2e_sign_in(ep, officer)
    ep.goto(f"/hoi-vien/{member.pk}/", expect_status=404)
    ep.goto("/hoi-vien/?q=vo+thi+hanh")
    assert "Võ Thị Hạnh" not in ep.page.locator("main").inner_text()


def test_dashboard_draws_its_charts(e2e_page, e2e_org, e2e_make_user, e2e_sign_in):
    """The charts render under the strict content security policy (no console error), and the
    table drills down to a unit below."""
    import datetime

    from hoiso.members.services import member_admit

    ep, page = e2e_page, e2e_page.page
    officer = e2e_make_user("commune_officer", e2e_org.nk, full_name="Nguyễn Thị Lan")
    for i, unit in enumerate([e2e_org.nk1, e2e_org.nk1, e2e_org.nk2]):
        member_admit(actor=officer, unit=unit, data={"full_name": f"Lý Thị Hoa {i}", "gender": "F",
                     "date_of_birth": datetime.date(1985, 1, 1 + i), "has_phone": True}, joined_on=datetime.date(2025, 1, 1))  # fmt: skip
    e2e_sign_in(ep, officer)
    ep.goto("/hoi-vien/thong-ke/")
    page.locator('[data-chart="digital"] canvas').first.wait_for()
    assert page.locator("[data-chart] canvas").count() >= 4
    ep.assert_page_ok()
    ep.shoot("member_dashboard")
    page.locator("main table a", has_text="Chi hội Khu vực 1").click()
    page.wait_for_url(re.compile(r"/hoi-vien/thong-ke/\?unit="))
    assert "Chi hội Khu vực 1" in page.locator("h1").inner_text()
    ep.assert_clean()
