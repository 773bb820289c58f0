"""Importing the population of women 18+ from Excel: the background task and its progress card."""

import io
import re

import pytest
import xlsxwriter
from django.utils import timezone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(rows) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet("Dân số")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write(r, c, value)
    book.close()
    return output.getvalue()


def _upload(ep, name: str, data: bytes, mime: str = XLSX):
    page = ep.page
    ep.goto("/to-chuc/dan-so/nhap/")
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state("load")
    card = page.locator(".hs-progress")
    card.wait_for()
    return card


def _progress_for(name: str):
    from hoiso.core.models import TaskProgress

    return TaskProgress.objects.filter(title__contains=name).latest("created_at")


def test_population_import(e2e_page, e2e_org, e2e_make_user, e2e_sign_in, e2e_worker):
    from django.utils import translation
    from django.utils.translation import gettext

    from hoiso.core.models import TaskProgress
    from hoiso.org.models import Population

    ep, page = e2e_page, e2e_page.page
    admin = e2e_make_user("province_admin", e2e_org.p)
    e2e_sign_in(ep, admin)
    year = timezone.localdate().year

    # The list, empty; then the import page.
    ep.goto("/to-chuc/dan-so/")
    ep.assert_page_ok()
    page.locator('main a[href="/to-chuc/dan-so/nhap/"]').click()
    page.wait_for_url(re.compile(r"/to-chuc/dan-so/nhap/$"))
    ep.assert_page_ok()
    ep.shoot("population_import")

    # A real workbook, one row by code and one by name without diacritics.
    data = _xlsx([
        ["Mã xã", "Tên xã", "Năm", "Số phụ nữ từ 18 tuổi trở lên"],
        ["31135", "Phường Ninh Kiều", year, 12345],
        ["", "phuong cai khe", year, 6789],
    ])  # fmt: skip
    card = _upload(ep, "dan-so-2025.xlsx", data)
    # Queued: nobody has run it yet; the card polls.
    assert card.locator(".badge.text-bg-success").count() == 0
    assert card.get_attribute("hx-trigger") == "every 1s"
    assert Population.objects.count() == 0
    ep.assert_page_ok()
    ep.shoot("population_import-queued")

    e2e_worker()
    page.locator(".hs-progress .badge.text-bg-success").wait_for(timeout=8_000)
    progress = _progress_for("dan-so-2025.xlsx")
    assert progress.status == TaskProgress.Status.DONE
    assert page.locator(".hs-progress p").first.inner_text().strip() == progress.message
    assert page.locator(".hs-progress[hx-trigger]").count() == 0  # polling stopped
    ep.assert_page_ok()
    ep.shoot("population_import-done")

    rows = {(p.area.code, p.year): (p.women_18_plus, p.unit_id, p.source)
            for p in Population.objects.select_related("area")}  # fmt: skip
    assert rows == {
        ("31135", year): (12345, e2e_org.pks["nk"], Population.Source.IMPORTED),
        ("31120", year): (6789, e2e_org.pks["ck"], Population.Source.IMPORTED),
    }

    # The list shows them, with Vietnamese number formatting.
    page.locator('a[href="/to-chuc/dan-so/"]').first.click()
    page.wait_for_url(re.compile(r"/to-chuc/dan-so/$"))
    table = page.locator("main table")
    assert table.locator("tbody tr").count() == 2
    assert "12.345" in table.inner_text()
    ep.assert_page_ok()
    ep.shoot("population_list")

    # A broken file: an .xlsx that is really text. The card says why; nothing is written.
    card = _upload(ep, "hong.xlsx", b"Ma xa;Nam;So phu nu\n31135;2025;100\n")
    e2e_worker()
    page.locator(".hs-progress .badge.text-bg-danger").wait_for(timeout=8_000)
    progress = _progress_for("hong.xlsx")
    assert progress.status == TaskProgress.Status.FAILED
    with translation.override("vi"):
        expected = gettext("The file is damaged or is not really an Excel file.")
    assert progress.message == expected
    assert page.locator(".hs-progress p").first.inner_text().strip() == expected
    ep.assert_page_ok()
    ep.shoot("population_import-broken")
    assert Population.objects.count() == 2
    assert {p.women_18_plus for p in Population.objects.all()} == {12345, 6789}

    # A workbook with one bad row among good ones: every problem listed, nothing written.
    data = _xlsx([
        ["Mã xã", "Năm", "Số phụ nữ từ 18 tuổi trở lên"],
        ["31135", year, 1],
        ["99999", year, 2],
        ["31120", 1990, 3],
    ])  # fmt: skip
    _upload(ep, "sai-dong.xlsx", data)
    e2e_worker()
    page.locator(".hs-progress .badge.text-bg-danger").wait_for(timeout=8_000)
    errors = page.locator(".hs-progress .hs-errors li")
    assert errors.count() == 2
    assert errors.nth(0).inner_text().strip() == _progress_for("sai-dong.xlsx").result["errors"][0]
    ep.assert_page_ok()
    ep.shoot("population_import-row-errors")
    assert {p.women_18_plus for p in Population.objects.all()} == {12345, 6789}


def test_population_year_filter(e2e_page, e2e_org, e2e_make_user, e2e_sign_in):
    """Years are written without a thousands separator (not 2.025), so the filter works."""
    from hoiso.org.models import Population
    from hoiso.org.services import population_set

    ep, page = e2e_page, e2e_page.page
    admin = e2e_make_user("province_admin", e2e_org.p)
    population_set(actor=admin, unit=e2e_org.nk, year=2024, women_18_plus=100)
    population_set(actor=admin, unit=e2e_org.nk, year=2025, women_18_plus=200)
    e2e_sign_in(ep, admin)

    ep.goto("/to-chuc/dan-so/")
    page.select_option("select[name=year]", label="2025")
    page.locator("main form button").click()
    page.wait_for_url(re.compile(r"year=2025$"))
    assert page.locator("main table tbody td:nth-child(3)").all_inner_texts() == ["2025"]
    assert "200" in page.locator("main table tbody").inner_text()
    ep.assert_page_ok()
    assert Population.objects.count() == 2  # filtered on the page, both in the database
    assert set(Population.objects.values_list("year", flat=True)) == {2024, 2025}
