"""Official documents as officials meet them: the province drafts a plan with its Word file,
issues it to all communes, a commune official finds it in her unit's inbox, opens it (read
receipt) and the province sees who has read it — on a computer and on a 360 px phone."""

import re

import pytest

from tests.documents.conftest import docx_bytes
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_draft_issue_read_and_follow_up(e2e_page, e2e_org, e2e_make_user, e2e_sign_in, tmp_path):
    from hoiso.documents.models import Delivery, OutgoingDocument

    ep, page = e2e_page, e2e_page.page
    admin = e2e_make_user("province_admin", e2e_org.p, full_name="Trần Thị Hồng")
    officer = e2e_make_user("commune_officer", e2e_org.nk, full_name="Nguyễn Thị Lan")
    plan = tmp_path / "ke-hoach-20-10.docx"
    plan.write_bytes(docx_bytes("Tổ chức hội thi “Phụ nữ khéo tay” nhân ngày 20/10"))

    e2e_sign_in(ep, admin)
    ep.goto("/van-ban/di/")
    ep.assert_page_ok()
    page.locator("main a[href='/van-ban/di/soan/']").click()
    page.wait_for_url(re.compile(r"/van-ban/di/soan/$"))
    page.select_option("select[name=doc_type]", "KH")
    page.fill("textarea[name=summary]", "Kế hoạch tổ chức các hoạt động chào mừng ngày 20/10")
    page.fill("input[name=signer]", "Trần Thị Hồng")
    page.locator("input[name=recipients_mode][value=level]").check()
    page.select_option("select[name=recipients_kind]", "commune")
    page.set_input_files("input[name=files]", str(plan))
    ep.shoot("documents-draft")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/van-ban/di/\d+/$"))
    ep.assert_page_ok()
    page.locator("main form[action$='/ban-hanh/'] button").click()
    page.wait_for_url(re.compile(r"/van-ban/di/\d+/$"))
    document = OutgoingDocument.objects.get()
    assert document.symbol == "1/KH-HPN"
    assert page.locator("#recipients tbody tr").count() == 3  # the three communes
    assert page.locator("#recipients .badge.text-bg-warning").count() == 3  # none has read it
    ep.assert_page_ok()

    # The commune official: her unit's inbox, the new document first; opening it is the receipt.
    page.context.clear_cookies()
    e2e_sign_in(ep, officer)
    ep.goto("/van-ban/")
    first = page.locator("main .list-group-item").first
    assert "1/KH-HPN" in first.inner_text()
    ep.shoot("documents-inbox")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_navigation():
        first.locator("a").click()
    assert re.search(r"/van-ban/nhan/\d+/$", page.url)
    ep.assert_page_ok()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size({"width": 1366, "height": 800})
    assert Delivery.objects.get(unit=e2e_org.nk).read_by == officer

    # Search without diacritics finds it by the text of its Word file.
    ep.goto("/van-ban/?q=phu+nu+kheo+tay")
    assert page.locator("main .list-group-item").count() == 1

    # A colleague at the province follows up (a fresh account: allauth refuses a TOTP code
    # the same user already used in this 30-second window).
    page.context.clear_cookies()
    e2e_sign_in(ep, e2e_make_user("province_admin", e2e_org.p, full_name="Lê Thị Thu"))
    ep.goto(f"/van-ban/di/{document.pk}/")
    assert page.locator("#recipients .badge.text-bg-warning").count() == 2
    assert "Nguyễn Thị Lan" in page.locator("#recipients").inner_text()
    ep.shoot("documents-recipients")
    ep.assert_page_ok()
