"""Importing members from Excel as an official does: upload a list with mistakes, read every
row's problems, download the error report, fix it, import it again, see the members."""

import io
import re
from pathlib import Path

import pytest
import xlsxwriter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Số điện thoại", "Chi hội", "Dùng Zalo"]


def _xlsx(rows) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet("Hội viên")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return output.getvalue()


def _upload(ep, name: str, data: bytes, unit_label: str):
    page = ep.page
    ep.goto("/hoi-vien/nhap/tai-len/")
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    page.select_option("#id_unit", label=unit_label)
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/hoi-vien/nhap/\d+/$"))


def _check_and_wait(ep, e2e_worker):
    page = ep.page
    page.locator("form.hs-import-mapping button.btn-primary").click()
    page.locator(".hs-progress").wait_for()
    e2e_worker()
    page.locator(".hs-progress").wait_for(
        state="detached", timeout=8_000
    )  # the page reloads when done


def test_member_import(e2e_page, e2e_org, e2e_make_user, e2e_sign_in, e2e_worker, tmp_path):
    from hoiso.core.spreadsheets import read_table
    from hoiso.members.models import ImportBatch, Member

    ep, page = e2e_page, e2e_page.page
    officer = e2e_make_user("commune_officer", e2e_org.nk, full_name="Nguyễn Thị Lan")
    e2e_sign_in(ep, officer)
    unit_label = "Chi hội Khu vực 1 — Hội LHPN phường Ninh Kiều"

    data = _xlsx([
        HEADERS,
        [1, "Trần Thị Bích", "04/03/1985", 912345678, "Khu vực 1", "x"],
        [2, "Lê Thị Cúc", "31/02/1990", "", "Khu vực 2", ""],
        [3, "Đỗ Thị Nhỏ", "01/01/2015", "", "", ""],
        [4, "Phạm Thị Xa", "01/01/1980", "", "Khu vực 3", ""],
    ])  # fmt: skip
    _upload(ep, "hoi-vien-nk.xlsx", data, unit_label)
    ep.assert_page_ok()
    ep.shoot("member_import-mapping")
    assert page.locator("#id_col_1").input_value() == "full_name"
    assert page.locator("#id_col_0").input_value() == ""

    _check_and_wait(ep, e2e_worker)
    ep.assert_page_ok()
    ep.shoot("member_import-checked")
    assert page.locator('[data-count="create"]').inner_text() == "1"
    assert page.locator('[data-count="error"]').inner_text() == "3"
    assert page.locator(".hs-import-rows tbody tr").count() == 3
    assert Member.objects.count() == 0

    # Only the valid rows; the others go to the error report.
    page.locator('input[name=mode][value="valid"]').check()
    page.locator("form.hs-import-apply button").click()
    page.locator(".hs-progress").wait_for()
    e2e_worker()
    page.locator(".hs-progress").wait_for(state="detached", timeout=8_000)  # the page reloaded
    ep.assert_page_ok()
    ep.shoot("member_import-done")
    assert list(Member.objects.values_list("full_name", "phone", "uses_zalo")) == [
        ("Trần Thị Bích", "0912345678", True)
    ]

    with page.expect_download() as info:
        page.locator("a.hs-report").click()
    report = read_table(Path(info.value.path()).read_bytes(), "loi.xlsx")
    assert report.headers[: len(HEADERS)] == HEADERS and len(report.rows) == 3

    # Fix the rows in the report (a real date, a mistyped year of birth, a branch of the commune).
    fixes = {
        "Lê Thị Cúc": (2, "28/02/1990"),
        "Đỗ Thị Nhỏ": (2, "01/01/1995"),
        "Phạm Thị Xa": (4, "Khu vực 2"),
    }
    fixed = [HEADERS]
    for row in report.rows:
        row = list(row[: len(HEADERS)])
        if row[1] in fixes:
            col, value = fixes[row[1]]
            row[col] = value
            fixed.append(row)
    _upload(ep, "hoi-vien-nk-da-sua.xlsx", _xlsx(fixed), unit_label)
    _check_and_wait(ep, e2e_worker)
    assert page.locator('[data-count="create"]').inner_text() == "3"
    assert page.locator('[data-count="error"]').inner_text() == "0"
    page.locator("form.hs-import-apply button").click()  # all or nothing, the default
    page.locator(".hs-progress").wait_for()
    e2e_worker()
    page.locator(".hs-progress").wait_for(state="detached", timeout=8_000)
    ep.assert_page_ok()
    assert ImportBatch.objects.filter(status=ImportBatch.Status.DONE).count() == 2

    # The members are there, in their branches.
    ep.goto("/hoi-vien/")
    content = page.locator("main").inner_text()
    for name in ("Trần Thị Bích", "Lê Thị Cúc", "Đỗ Thị Nhỏ", "Phạm Thị Xa"):
        assert name in content
    ep.assert_page_ok()

    ep.goto("/hoi-vien/nhap/")
    assert page.locator("main table tbody tr").count() == 2
    ep.assert_page_ok()
    ep.shoot("member_import-list")
