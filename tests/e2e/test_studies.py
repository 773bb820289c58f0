"""Study and check as officials walk it on the Vietnamese UI: the province drafts a resolution
to study with a two-question check (one refused question first), assigns it to every commune
and publishes it; a commune official records her members in bulk (ticks and a score); an
official of another commune studies it and passes the check on a 360 px phone (a double
submit counts once); the province's progress page shows the completion per commune and
drills into one."""

import datetime
import re

import pytest

from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Nghị quyết Đại hội đại biểu Phụ nữ toàn quốc lần thứ XIII"


def _vi(message: str, **params) -> str:
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


def _members(org, actor):
    """Three members in Ninh Kiều (two in group Tổ 2, one in branch Khu vực 2), one in Cái Khế."""
    from hoiso.members.services import member_admit

    for name, unit in [("Nguyễn Thị Hoa", org.nk1a), ("Trần Thị Lý", org.nk1a),
                       ("Lê Thị Cúc", org.nk2), ("Võ Thị Mận", org.ck1)]:  # fmt: skip
        member_admit(actor=actor, unit=unit, data={"full_name": name,
                                                   "date_of_birth": datetime.date(1988, 4, 2)})  # fmt: skip


def _add_question(page, text, options, right):
    page.fill("textarea[name=text]", text)
    for n, option in enumerate(options, start=1):
        page.fill(f"input[name=option_{n}]", option)
    for n in right:
        page.locator(f"input[name=right_{n}]").check()
    page.locator("form[action$='/cau-hoi/'] button").click()
    page.wait_for_load_state("load")


def test_assign_record_study_and_follow(e2e_page, e2e_org, e2e_make_user, e2e_sign_in):
    from hoiso.studies.models import Attempt, Learner, Material

    ep, page = e2e_page, e2e_page.page
    admin = e2e_make_user("province_admin", e2e_org.p, full_name="Trần Thị Hồng")
    officer = e2e_make_user("commune_officer", e2e_org.nk, full_name="Nguyễn Thị Lan")
    student = e2e_make_user("commune_officer", e2e_org.ks, full_name="Phạm Thị Thu")
    _members(e2e_org, admin)

    # The province drafts, adds the check and publishes to every commune.
    e2e_sign_in(ep, admin)
    ep.goto("/hoc-tap/")
    ep.assert_page_ok()
    page.locator("main a[href='/hoc-tap/moi/']").click()
    page.wait_for_url(re.compile(r"/hoc-tap/moi/$"))
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=summary]", "Quán triệt mục tiêu, chỉ tiêu nhiệm kỳ 2022–2027.")
    page.fill("textarea[name=body]", "I. MỤC ĐÍCH, YÊU CẦU\nNắm vững nội dung Nghị quyết.")
    page.fill(
        "input[name=deadline]", (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    )
    page.locator("input[name=recipients_mode][value=level]").check()
    page.select_option("select[name=recipients_kind]", "commune")
    page.locator("input[name=members][value=all]").check()
    ep.shoot("studies-create")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/hoc-tap/\d+/$"))
    material = Material.objects.get(title=TITLE)
    _add_question(page, "Nhiệm kỳ của Đại hội XIII là?", ["2017–2022", "2022–2027"], [1, 2])
    assert _vi("Tick exactly one right option for a one-answer question.") in page.content()
    assert material.questions.count() == 0
    page.locator("textarea[name=text]").fill("")
    for n in (1, 2):
        page.locator(f"input[name=right_{n}]").uncheck()
    _add_question(page, "Nhiệm kỳ của Đại hội XIII là?", ["2017–2022", "2022–2027"], [2])
    page.locator("input[name=kind][value=multiple]").check()
    _add_question(
        page,
        "Những việc nào là chuyển đổi số?",
        ["Kích hoạt VNeID", "Thanh toán không tiền mặt", "Đọc báo giấy"],
        [1, 2],
    )
    assert material.questions.count() == 2
    ep.shoot("studies-draft")
    page.locator(f"form[action='/hoc-tap/{material.pk}/phat-hanh/'] button").click()
    page.wait_for_load_state("load")
    material.refresh_from_db()
    assert material.status == "published"
    assert Learner.objects.filter(material=material).count() == 6  # 2 officials + 4 members
    ep.assert_page_ok()

    # A commune official records her members in bulk.
    page.context.clear_cookies()
    e2e_sign_in(ep, officer)
    ep.goto(f"/hoc-tap/{material.pk}/ghi-nhan/")
    ep.assert_page_ok()
    assert page.locator("#record tbody tr").count() == 3  # Ninh Kiều's three members only
    page.locator("#tick-all").check()
    first = page.locator("#record tbody tr").first
    first.locator("input.hs-score").fill("90")
    ep.shoot("studies-record")
    page.locator("#record-form button.btn-primary").click()
    page.wait_for_load_state("load")
    assert _vi("Saved: %(n)d member(s) changed.", n=3) in page.content()
    recorded = Learner.objects.filter(
        material=material, kind="member", unit_path__startswith=e2e_org.nk.path
    )
    assert recorded.filter(studied_at__isnull=False).count() == 3
    assert recorded.filter(passed=True).count() == 1

    # Another official studies it and passes the check on a phone.
    page.context.clear_cookies()
    e2e_sign_in(ep, student)
    page.set_viewport_size(PHONE)
    ep.goto("/hoc-tap/cua-toi/")
    page.locator(f"a[href='/hoc-tap/{material.pk}/hoc/']").click()
    page.wait_for_url(re.compile(r"/hoc/$"))
    page.locator(f"form[action='/hoc-tap/{material.pk}/hoc/xac-nhan/'] button").click()
    page.wait_for_load_state("load")
    questions = list(material.questions.prefetch_related("options"))
    for question in questions:
        for option in question.options.all():
            if option.is_correct:
                page.locator(f"#o{option.pk}").check()
    ep.shoot("studies-study")
    page.set_viewport_size(PHONE)
    form = page.locator("#check-form")
    sent = form.evaluate("f => new URLSearchParams(new FormData(f)).toString()")
    form.locator("button").click()
    page.wait_for_load_state("load")
    assert (
        _vi(
            "You passed: %(correct)d of %(total)d right (%(score)d%%).",
            correct=2,
            total=2,
            score=100,
        )
        in page.content()
    )
    # The same answers posted again (a double tap, a resent form) count once.
    status = page.evaluate(
        "([url, body]) => fetch(url, {method: 'POST', body: body, credentials: 'same-origin',"
        " headers: {'Content-Type': 'application/x-www-form-urlencoded'}}).then(r => r.status)",
        [f"/hoc-tap/{material.pk}/hoc/kiem-tra/", sent],
    )  # fmt: skip
    assert status == 200
    learner = Learner.objects.get(material=material, user=student)
    assert learner.passed and learner.attempts == 1
    ep.assert_page_ok()
    page.set_viewport_size({"width": 1366, "height": 800})

    # The province follows: completion per commune, then inside Ninh Kiều.
    # (another province official: a TOTP code is taken once per user)
    page.context.clear_cookies()
    e2e_sign_in(ep, e2e_make_user("province_admin", e2e_org.p, full_name="Lê Thị Thanh"))
    ep.goto(f"/hoc-tap/{material.pk}/")
    rows = {
        r.locator("td").first.inner_text(): r.inner_text()
        for r in page.locator("#progress tbody tr").all()
    }
    assert "75,0%" in rows["Hội LHPN phường Ninh Kiều"]  # 3 of 4 (the official has not)
    assert "0,0%" in rows["Hội LHPN phường Cái Khế"]  # 0 of 1
    assert "100,0%" in rows["Hội LHPN xã Kế Sách"]  # her official studied and passed
    ep.shoot("studies-progress")
    page.locator("#progress a", has_text="Hội LHPN phường Ninh Kiều").click()
    page.wait_for_load_state("load")
    assert "Chi hội Khu vực 1" in page.locator("#progress").inner_text()
    ep.shoot("studies-progress-commune")
    ep.assert_page_ok()
    assert Attempt.objects.count() == 1
