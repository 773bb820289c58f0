"""A quiz contest as people walk it on the Vietnamese UI: a commune official builds a public
contest from an Excel question bank (a broken file first: a clear message, nothing written),
adds an open round and publishes; a member (signed in, linked by her phone) and a member of
the public (no account) take the round on a 360 px phone; the round closes; the official
ranks it — the prediction closer to the actual number of all-right answers wins the tie on
right answers — and publishes the winners, whose public list shows masked phones."""

from __future__ import annotations

import datetime
import re

import pytest

from tests.e2e.conftest import PC, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _vi(message: str, **params) -> str:
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


def _bank() -> bytes:
    from tests.helpers import xlsx_bytes

    return xlsx_bytes([
        ["Câu hỏi", "Loại", "Chủ đề", "Mức độ", "Phương án A", "Phương án B", "Phương án C", "Đáp án đúng"],
        ["Hội LHPN Việt Nam thành lập ngày nào?", "Một đáp án", "Lịch sử", "Dễ", "20/10/1930", "8/3/1910", "", "A"],
        ["Ngày Quốc tế Phụ nữ?", "", "Lịch sử", "Dễ", "1/6", "8/3", "20/11", "B"],
        ["Ứng dụng định danh điện tử?", "", "Chuyển đổi số", "Trung bình", "Zalo", "VssID", "VNeID", "C"],
        ["“3 sạch” gồm những gì?", "Nhiều đáp án", "Phong trào", "Khó", "Sạch nhà", "Sạch bếp", "Sạch xe", "A, B"],
    ], sheet="Câu hỏi")  # fmt: skip


def _sign_in_to(ep, user, path: str) -> None:
    """Sign in through the real pages (password, then the code) and land on `path`."""
    from tests.e2e.conftest import E2E_PASSWORD, e2e_totp_code

    page = ep.page
    ep.goto(f"/accounts/login/?next={path}")
    page.fill("#id_login", user.username)
    page.fill("#id_password", E2E_PASSWORD)
    page.locator("form.hs-allauth-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill("#id_code", e2e_totp_code())
    page.locator("form.hs-allauth-form button[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))


def _answer(page, *, prediction: str, wrong: int = 0) -> None:
    """Tick the right options of every question shown (by option id), `wrong` of them wrongly."""
    from hoiso.contests.models import Option

    fieldsets = page.locator("#hs-quiz-form fieldset")
    for n in range(fieldsets.count()):
        inputs = fieldsets.nth(n).locator("input.form-check-input")
        values = [int(inputs.nth(i).get_attribute("value")) for i in range(inputs.count())]
        right = set(
            Option.objects.filter(pk__in=values, is_correct=True).values_list("pk", flat=True)
        )
        for i, value in enumerate(values):
            if (value in right) != (n < wrong):
                inputs.nth(i).check()
    page.fill("#prediction", prediction)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#hs-quiz-form button.btn-success").click()
    page.wait_for_url(re.compile(r"/ket-qua/$"))


def test_build_take_rank_and_publish(e2e_page, e2e_org, e2e_make_user, e2e_sign_in, e2e_browser, live_server,
                                     tmp_path):  # fmt: skip
    from hoiso.contests.models import Attempt, Contest, Question, Result
    from hoiso.members.services import member_admit

    ep, page = e2e_page, e2e_page.page
    officer = e2e_make_user("commune_officer", e2e_org.nk, full_name="Nguyễn Thị Lan")
    member_user = e2e_make_user(None, full_name="Võ Thị Sen")
    member_admit(actor=officer, unit=e2e_org.nk1a, data={"full_name": "Võ Thị Sen", "phone": "0987654321",
                                                         "date_of_birth": datetime.date(1990, 5, 12)})  # fmt: skip
    member_user.phone = "0987654321"
    member_user.save()

    # The official builds the contest.
    e2e_sign_in(ep, officer)
    ep.goto("/cuoc-thi/quan-ly/")
    ep.assert_page_ok()
    page.locator("main a[href='/cuoc-thi/quan-ly/moi/']").click()
    page.fill("input[name=title]", "Tìm hiểu 95 năm Hội LHPN Việt Nam")
    page.fill("input[name=questions_per_attempt]", "4")
    page.fill("input[name=prize_second]", "0")
    page.fill("input[name=prize_third]", "0")
    page.fill("input[name=prize_consolation]", "1")
    ep.shoot("contests-create")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/cuoc-thi/quan-ly/\d+/$"))
    contest = Contest.objects.get()
    ep.goto(f"/cuoc-thi/quan-ly/{contest.pk}/cau-hoi/nhap/")
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    page.set_input_files("input[name=file]", str(broken))
    page.locator("button[name=action][value=import]").click()
    page.wait_for_load_state()
    assert (
        _vi("The file is damaged and cannot be opened.")
        in page.locator("main .alert-danger").inner_text()
    )
    assert not Question.objects.exists()
    bank = tmp_path / "ngan-hang.xlsx"
    bank.write_bytes(_bank())
    page.set_input_files("input[name=file]", str(bank))
    page.locator("button[name=action][value=check]").click()
    page.wait_for_load_state()
    assert page.locator("main .alert-success").count() == 1 and not Question.objects.exists()
    ep.shoot("contests-import-check")
    page.set_input_files("input[name=file]", str(bank))
    page.locator("button[name=action][value=import]").click()
    page.wait_for_url(re.compile(r"/cau-hoi/$"))
    assert Question.objects.count() == 4
    ep.shoot("contests-questions")
    ep.goto(f"/cuoc-thi/quan-ly/{contest.pk}/vong/")
    now = datetime.datetime.now()
    page.fill(
        "input[name=one-starts_at]",
        (now - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
    )
    page.fill(
        "input[name=one-ends_at]", (now + datetime.timedelta(days=6)).strftime("%Y-%m-%dT%H:%M")
    )
    page.locator("form:has(input[value=one]) button.btn-primary").click()
    page.wait_for_url(re.compile(r"/vong/$"))
    assert contest.rounds.count() == 1
    ep.goto(f"/cuoc-thi/quan-ly/{contest.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/cong-bo/'] button").click()
    page.wait_for_load_state()
    contest.refresh_from_db()
    assert contest.status == "published"
    ep.assert_clean()

    # A member, signed in, on her phone.
    member_context = e2e_browser.new_context(
        locale="vi-VN", viewport=PHONE, timezone_id="Asia/Ho_Chi_Minh"
    )
    from tests.e2e.conftest import E2EPage

    mp = E2EPage(page=member_context.new_page(), base_url=live_server.url)
    mp.page.on("pageerror", lambda exc: mp.problems.append(str(exc)))
    _sign_in_to(mp, member_user, f"/cuoc-thi/{contest.pk}/")
    mp.page.locator(f"a[href='/cuoc-thi/{contest.pk}/tham-gia/']").click()
    mp.page.locator("form:has(input[value=member]) button").click()
    mp.page.wait_for_url(re.compile(r"/cuoc-thi/bai/[0-9a-f-]+/$"))
    assert mp.page.locator("#hs-remaining").count() == 1
    _answer(
        mp.page, prediction="2"
    )  # every answer right, and the right prediction: 2 will be all right
    assert "4/4" in mp.page.content()
    mp.assert_clean()
    member_context.close()

    # A member of the public, no account, on her phone.
    page.set_viewport_size(PHONE)
    public_context = e2e_browser.new_context(
        locale="vi-VN", viewport=PHONE, timezone_id="Asia/Ho_Chi_Minh"
    )
    pp = E2EPage(page=public_context.new_page(), base_url=live_server.url)
    pp.goto(f"/cuoc-thi/{contest.pk}/tham-gia/")
    pp.page.fill("#id_full_name", "Trần Thị Hoa")
    pp.page.fill("#id_date_of_birth", "1995-03-04")
    pp.page.fill("#id_phone", "0912 345 678")
    pp.page.select_option("#id_area", label="Phường Ninh Kiều")
    pp.page.locator("form:has(input[value=public]) button").click()
    pp.page.wait_for_url(re.compile(r"/cuoc-thi/bai/[0-9a-f-]+/$"))
    _answer(pp.page, prediction="40")  # every answer right, a far prediction
    assert "4/4" in pp.page.content()
    public_context.close()
    assert Attempt.objects.filter(status="submitted").count() == 2

    # The round closes; the official ranks it and publishes the winners.
    round_ = contest.rounds.get()
    round_.ends_at = round_.starts_at + datetime.timedelta(minutes=1)
    round_.save()
    page.set_viewport_size(PC)
    ep.goto(f"/cuoc-thi/quan-ly/vong/{round_.pk}/ket-qua/")
    page.locator("form[action$='/xep-hang/'] button").click()
    page.wait_for_load_state()
    results = list(
        Result.objects.filter(round=round_).order_by("position").select_related("participant")
    )
    assert [r.participant.full_name for r in results] == ["Võ Thị Sen", "Trần Thị Hoa"]
    assert [(r.correct, r.distance, r.prize) for r in results] == [
        (4, 0, "first"),
        (4, 38, "consolation"),
    ]
    ep.shoot("contests-results")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/cong-bo-giai/'] button").click()
    page.wait_for_load_state()
    ep.goto(f"/cuoc-thi/{contest.pk}/giai-thuong/")
    text = page.locator("main").inner_text()
    assert (
        "Võ Thị Sen" in text
        and "Trần Thị Hoa" in text
        and "09xx xxx 678" in text
        and "0912345678" not in text
    )
    ep.shoot("contests-winners")
    ep.assert_clean()
