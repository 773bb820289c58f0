"""Issue 4's journey on the Vietnamese UI: the province asks its communes for the quarterly
report; a commune opens it with its figures computed, writes and submits (a rate above 100%
refused first); the province returns it with a comment; the commune fixes and resubmits; the
province accepts and reads its roll-up. Every page also at 360 px (no sideways scrolling)."""

import datetime
import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _shipped():
    """The shipped library and templates (a transactional test empties what migrations filled)."""
    import importlib

    from django.apps import apps

    for name in ("0002_standard_indicators", "0004_standard_templates"):
        importlib.import_module(f"hoiso.reporting.migrations.{name}").ship(apps, None)


def _vi(message: str, **params) -> str:
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


def _fits_a_phone(ep) -> None:
    page = ep.page
    page.set_viewport_size({"width": 360, "height": 740})
    page.wait_for_timeout(120)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1366, "height": 800})
    assert width <= 360, f"{ep.path()} scrolls sideways on a phone ({width}px)"


@pytest.fixture
def second_page(e2e_browser, live_server):
    """A second browser, for the commune's official (a TOTP code is used once: the two
    people stay signed in, each in her own browser)."""
    from tests.e2e.conftest import _CSP_LISTENER, PC, E2EPage

    context = e2e_browser.new_context(locale="vi-VN", viewport=PC, timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(10_000)
    context.add_init_script(_CSP_LISTENER)
    page = context.new_page()
    wrapper = E2EPage(page=page, base_url=live_server.url)
    page.on("pageerror", lambda exc: wrapper.problems.append(f"page error on {page.url}: {exc}"))
    page.on(
        "response",
        lambda r: r.status >= 500 and wrapper.problems.append(f"HTTP {r.status} {r.url}"),
    )
    yield wrapper
    context.close()


def test_a_quarterly_report_from_request_to_roll_up(
    e2e_page, second_page, e2e_org, e2e_make_user, e2e_sign_in
):
    from hoiso.members.services import member_admit
    from hoiso.reporting.models import ReportRequest, Submission

    _shipped()
    ep, page = e2e_page, e2e_page.page
    admin = e2e_make_user("province_admin", e2e_org.p)
    officer = e2e_make_user("commune_officer", e2e_org.nk, full_name="Nguyễn Thị Lan")
    for name in ("Lê Thị Một", "Lê Thị Hai"):
        member_admit(actor=admin, unit=e2e_org.nk1,
                     data={"full_name": name, "date_of_birth": datetime.date(1990, 5, 12)})  # fmt: skip
    today = datetime.date.today()

    # The province issues the request to its communes.
    e2e_sign_in(ep, admin)
    e2e_sign_in(second_page, officer)
    ep.goto("/bao-cao/yeu-cau/gui/")
    ep.assert_page_ok()
    page.select_option("#id_unit", str(e2e_org.p.pk))
    page.select_option("#id_template", label="Báo cáo kết quả công tác Hội quý (mẫu chung)")
    page.select_option("#id_kind", "quarter")
    page.fill("#id_number", str((today.month - 1) // 3 + 1))
    page.fill("#id_year", str(today.year))
    page.select_option("#id_recipient_kind", "commune")
    page.fill("#id_deadline", (today + datetime.timedelta(days=7)).strftime("%d/%m/%Y"))
    ep.shoot("submissions_issue")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/bao-cao/yeu-cau/\d+/$"))
    request = ReportRequest.objects.get()
    assert request.submissions.count() == 3
    ep.assert_page_ok()
    _fits_a_phone(ep)

    # The commune opens its report: members computed (2); a rate above 100% is refused.
    sub = Submission.objects.get(request=request, unit=e2e_org.nk)
    ep, page = second_page, second_page.page  # the commune's official
    ep.goto("/bao-cao/yeu-cau/")
    page.locator(f'main a[href="/bao-cao/nop/{sub.pk}/"]').click()
    page.wait_for_url(re.compile(rf"/bao-cao/nop/{sub.pk}/$"))
    ep.assert_page_ok()
    total = page.locator("main .list-group-item", has_text="HV_TONG")
    assert total.locator(".fw-semibold").first.inner_text().strip() == "2"
    page.fill("#n_TD_NO_QUA_HAN_TL", "5")
    page.fill("#d_TD_NO_QUA_HAN_TL", "4")
    page.fill("#v_TC_MO_HINH", "3")
    page.fill("#s_results", "Kết nạp 2 hội viên mới.")
    page.locator('main button[value="submit"]').click()
    page.wait_for_load_state("load")
    assert page.locator("main .alert-danger").count() == 1
    sub.refresh_from_db()
    assert sub.status == "draft" and sub.values == {}
    ep.shoot("submissions_form_refused")
    _fits_a_phone(ep)
    page.fill("#n_TD_NO_QUA_HAN_TL", "1")
    page.locator('main button[value="submit"]').click()
    page.wait_for_url(re.compile(rf"/bao-cao/nop/{sub.pk}/$"))
    sub.refresh_from_db()
    assert sub.status == "submitted"

    # The province returns it with a comment.
    ep, page = e2e_page, e2e_page.page  # the province's administrator
    ep.goto(f"/bao-cao/nop/{sub.pk}/")
    page.fill("#id_comment", "Bổ sung số mô hình mới trong quý.")
    page.locator('main button[value="return"]').click()
    page.wait_for_url(re.compile(rf"/bao-cao/yeu-cau/{request.pk}/$"))
    sub.refresh_from_db()
    assert sub.status == "returned"

    # The commune reads the comment, fixes and resubmits.
    ep, page = second_page, second_page.page  # the commune's official
    ep.goto(f"/bao-cao/nop/{sub.pk}/")
    assert page.locator("main .alert-warning", has_text="Bổ sung số mô hình mới").count() == 1
    ep.shoot("submissions_returned")
    page.fill("#v_TC_MO_HINH", "5")
    page.locator('main button[value="submit"]').click()
    page.wait_for_url(re.compile(rf"/bao-cao/nop/{sub.pk}/$"))
    ep.goto(f"/bao-cao/nop/{sub.pk}/lich-su/")
    ep.assert_page_ok()
    assert page.locator("main .card-header").count() == 2
    ep.shoot("submissions_history")
    _fits_a_phone(ep)

    # The province accepts and reads its roll-up; the other communes are still missing.
    ep, page = e2e_page, e2e_page.page  # the province's administrator
    ep.goto(f"/bao-cao/nop/{sub.pk}/")
    page.locator('main button[value="accept"]').click()
    page.wait_for_url(re.compile(rf"/bao-cao/yeu-cau/{request.pk}/$"))
    ep.assert_page_ok()
    assert (
        page.locator("main tr", has_text="TC_MO_HINH").locator(".fw-semibold").inner_text().strip()
        == "5"
    )
    assert (
        page.locator("main tr", has_text="HV_TONG").locator(".fw-semibold").inner_text().strip()
        == "2"
    )
    assert page.locator("main .badge", has_text=_vi("Accepted")).count() >= 1
    ep.shoot("submissions_overview")

    # Its own report, rolled up, downloaded as Word: the Decree 30 letterhead, the figures.
    from docx import Document

    with page.expect_download() as info:
        page.locator(f'main a[href="/bao-cao/yeu-cau/{request.pk}/word/"]').click()
    assert info.value.suggested_filename.endswith(".docx")
    document = Document(str(info.value.path()))
    issuer, motto = document.tables[0].rows[0].cells
    assert [p.text for p in issuer.paragraphs if p.text] == ["HỘI LHPN THÀNH PHỐ CẦN THƠ"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in motto.text
    assert document.tables[0].rows[1].cells[1].text.startswith("Cần Thơ, ngày ")
    figures = {row.cells[1].text: row.cells[2].text for row in document.tables[1].rows[1:]}
    assert figures["Tổng số hội viên (cuối kỳ)"] == "2"
    assert figures["Số câu lạc bộ, tổ, nhóm, mô hình của phụ nữ"] == "5"
    _fits_a_phone(ep)
    e2e_page.assert_clean()
    second_page.assert_clean()
