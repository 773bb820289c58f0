"""An entry contest as people walk it on the Vietnamese UI: the province opens a call with a
rubric; two communes submit entries (a file lying about its type refused first); the province
closes entries, puts two judges on the jury and assigns the entries; the judges score blind
(a phone-sized screen for one of them) — one entry far apart; the province sees the ranking
with the disagreement flag, publishes the results and forwards the top 3, whose package's
score sheet is read back with python-calamine."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.e2e.conftest import PC, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ENTRANT = "Lâm Thị Bảo Mật"


def _docx() -> bytes:
    from tests.contests.entry_helpers import docx_bytes

    return docx_bytes(author=ENTRANT, unit="Hội LHPN phường Cái Khế")


def _pdf() -> bytes:
    from tests.contests.entry_helpers import pdf_bytes

    return pdf_bytes(author="Lam Thi Bao Mat")


def _submit(ep, contest_pk, *, unit_label, entrant, title, files=()):
    page = ep.page
    ep.goto(f"/cuoc-thi/bai-du-thi/{contest_pk}/nop-bai/")
    page.select_option("select[name=unit]", label=unit_label)
    page.fill("input[name=entrant]", entrant)
    page.fill("input[name=title]", title)
    page.select_option("select[name=category]", index=1)
    page.fill(
        "textarea[name=text]",
        "Chi hội lập nhóm Zalo, họp trực tuyến hằng tháng và gửi tài liệu cho hội viên.",
    )
    if files:
        page.set_input_files("input[name=files]", list(files))
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state("load")


def _score(ep, values: list[str]):
    page = ep.page
    for field, value in zip(
        page.locator("main form input[type=number]").all(), values, strict=True
    ):
        field.fill(value)
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state("load")


def test_entries_blind_jury_forward(e2e_page, e2e_org, e2e_make_user, e2e_sign_in, tmp_path):
    from python_calamine import CalamineWorkbook

    from hoiso.contests.models import Assignment, Entry, EntryContest

    ep, page = e2e_page, e2e_page.page
    admin = e2e_make_user("province_admin", e2e_org.p, full_name="Trần Thị Hồng")
    nk = e2e_make_user("commune_officer", e2e_org.nk, full_name="Nguyễn Thị Lan")
    ck = e2e_make_user("commune_officer", e2e_org.ck, full_name="Lê Thị Mai")
    judge_ks = e2e_make_user("commune_officer", e2e_org.ks, full_name="Phạm Thị Giám")
    judge_out = e2e_make_user("judge", e2e_org.p, full_name="Hồ Thị Chuyên Gia")

    # The province opens a call with a rubric.
    e2e_sign_in(ep, admin)
    ep.goto("/cuoc-thi/bai-du-thi/")
    ep.assert_page_ok()
    page.locator("main a[href='/cuoc-thi/bai-du-thi/moi/']").click()
    page.fill("input[name=title]", "Ứng dụng CNTT trong tổ chức sinh hoạt hội")
    page.fill("input[name=deadline]", "2031-06-30T17:00")
    page.fill("textarea[name=categories]", "Sinh hoạt trực tuyến\nTruyền thông")
    page.fill("input[name=judges_per_entry]", "2")
    page.fill("input[name=disagreement]", "20")
    page.fill("input[name=forward_count]", "3")
    ep.shoot("entries-create")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/tieu-chi/$"))
    contest = EntryContest.objects.get()
    for name, weight, top in (
        ("Tính sáng tạo", "3", "10"),
        ("Hiệu quả", "5", "10"),
        ("Trình bày", "2", "5"),
    ):
        page.fill("input[name=name]", name)
        page.fill("input[name=weight]", weight)
        page.fill("input[name=max_score]", top)
        page.locator("main form button.btn-primary").click()
        page.wait_for_load_state("load")
    ep.shoot("entries-rubric")
    ep.goto(f"/cuoc-thi/bai-du-thi/{contest.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"form[action='/cuoc-thi/bai-du-thi/{contest.pk}/mo/'] button").click()
    page.wait_for_load_state("load")
    assert EntryContest.objects.get().status == "open"

    # Two communes submit: Ninh Kiều two entries (one with a PDF), Cái Khế two (one with a
    # Word file carrying its author) after a file that lies about its type is refused.
    page.context.clear_cookies()
    e2e_sign_in(ep, nk)
    ep.goto("/cuoc-thi/bai-du-thi/")
    assert contest.title in page.content()
    pdf = {"name": "bai-cua-chi-lam.pdf", "mimeType": "application/pdf", "buffer": _pdf()}
    _submit(ep, contest.pk, unit_label="Hội LHPN phường Ninh Kiều", entrant="Nguyễn Thị Hoa",
            title="Nhóm Zalo chi hội", files=[pdf])  # fmt: skip
    assert page.locator(".alert-success").count() == 1
    _submit(
        ep,
        contest.pk,
        unit_label="Chi hội Khu vực 1",
        entrant="Trần Thị Cúc",
        title="Sổ tay hội viên điện tử",
    )
    page.context.clear_cookies()
    e2e_sign_in(ep, ck)
    lying = {"name": "bai.docx", "mimeType": "application/msword", "buffer": b"MZ not a word file"}
    _submit(
        ep,
        contest.pk,
        unit_label="Hội LHPN phường Cái Khế",
        entrant=ENTRANT,
        title="Bản đồ số",
        files=[lying],
    )
    assert "“bai.docx”" in page.locator("main .alert-danger").inner_text()
    ep.shoot("entries-submit-refused")
    assert Entry.objects.count() == 2
    word = {
        "name": "Bai du thi cua chi Bao Mat.docx",
        "mimeType": "application/octet-stream",
        "buffer": _docx(),
    }
    _submit(ep, contest.pk, unit_label="Hội LHPN phường Cái Khế", entrant=ENTRANT, title="Bản đồ số hộ hội viên",
            files=[word])  # fmt: skip
    _submit(
        ep,
        contest.pk,
        unit_label="Chi hội Khu vực 3",
        entrant="Võ Thị Sen",
        title="Livestream sản phẩm",
    )
    assert Entry.objects.count() == 4

    # The province closes entries, adds two judges and assigns the entries.
    page.context.clear_cookies()
    e2e_sign_in(ep, admin)
    ep.goto(f"/cuoc-thi/bai-du-thi/{contest.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"form[action='/cuoc-thi/bai-du-thi/{contest.pk}/cham-thi/'] button").click()
    page.wait_for_url(re.compile(r"/giam-khao/$"))
    for judge in (judge_ks, judge_out):
        page.select_option("select[name=user]", value=str(judge.pk))
        page.locator("main form:has(select[name=user]) button").click()
        page.wait_for_load_state("load")
    page.locator(f"form[action='/cuoc-thi/bai-du-thi/{contest.pk}/phan-cong/'] button").click()
    page.wait_for_load_state("load")
    ep.shoot("entries-jury")
    assert Assignment.objects.count() == 8

    # The judges score blind: nothing on their pages names the entrant or the unit.
    for judge, scores, size in (
        (judge_ks, ["9", "9", "4.5"], PHONE),
        (judge_out, ["4", "4", "2"], PC),
    ):
        page.context.clear_cookies()
        page.set_viewport_size(size)
        e2e_sign_in(ep, judge)
        ep.goto("/cuoc-thi/bai-du-thi/cham/")
        ep.assert_page_ok()
        for n, assignment in enumerate(
            Assignment.objects.filter(judge__user=judge).order_by("entry__code")
        ):
            ep.goto(f"/cuoc-thi/bai-du-thi/cham/{assignment.pk}/")
            html = page.locator(
                "main"
            ).inner_html()  # the shell's unit switcher lists units, not entries
            for secret in (ENTRANT, "Nguyễn Thị Hoa", "Hội LHPN phường", "Chi hội Khu vực", "bai-cua-chi-lam",
                           "Bai du thi cua chi"):  # fmt: skip
                assert secret not in html, secret
            if n == 0:
                ep.shoot(f"entries-judge-{judge.username}")
                # the first entry: this judge out of range first, then her real scores
                _score(ep, ["11", "5", "5"])
                assert page.locator("main .alert-danger").count() == 1
            _score(ep, scores if n == 0 else ["7", "7", "3.5"])
    page.set_viewport_size(PC)
    assert not Assignment.objects.filter(scored_at__isnull=True).exists()

    # The province sees the ranking with the disagreement flag, publishes, forwards the top 3.
    page.context.clear_cookies()
    e2e_sign_in(ep, admin)
    ep.goto(f"/cuoc-thi/bai-du-thi/{contest.pk}/xep-hang/")
    assert page.locator("main tr.table-warning").count() >= 1  # 90 against 40: flagged
    ep.shoot("entries-ranking")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"form[action='/cuoc-thi/bai-du-thi/{contest.pk}/cong-bo/'] button").click()
    page.wait_for_url(re.compile(r"/chuyen-cap-tren/$"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("main form button.btn-success").click()
    page.wait_for_load_state("load")
    ep.shoot("entries-forward")
    with page.expect_download() as download:
        page.locator("main a[href*='/goi/']").click()
    package = zipfile.ZipFile(download.value.path())
    sheet = CalamineWorkbook.from_filelike(
        io.BytesIO(package.read("bang-diem.xlsx"))
    ).get_sheet_by_index(0)
    rows = [r for r in sheet.to_python()[4:] if r and r[0] != ""]
    assert len(rows) == 3
    ranked = list(
        Entry.objects.filter(rank__isnull=False).order_by("rank", "submitted_at", "pk")[:3]
    )
    assert [r[1] for r in rows] == [e.code for e in ranked]
    assert [round(r[6], 2) for r in rows] == [float(e.score) for e in ranked]
    assert all(
        r[5].startswith(("Hội LHPN", "Chi hội")) for r in rows
    )  # the level above gets the units
    ep.goto(f"/cuoc-thi/bai-du-thi/{contest.pk}/ket-qua/")
    ep.shoot("entries-results")
    ep.assert_clean()
