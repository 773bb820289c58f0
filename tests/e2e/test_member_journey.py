"""The member registry's whole journey, as a commune official lives it in one sitting.

She uploads the list her branches kept in Excel — their own headers in their own order, dates
typed as text or stored as Excel serials, a phone that lost its leading zero, names typed on a
keyboard that writes decomposed (NFD) accents, and three rows with mistakes. She confirms the
columns, reads the dry run's problems, imports the good rows, downloads the error report, fixes
it in a spreadsheet, imports it again; then she finds one of the new members by typing her name
without accents, transfers her to the other branch, prints her card and reads the dashboard.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from pathlib import Path

import pytest
import xlsxwriter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_EPOCH = datetime.date(1899, 12, 30)
UNIT_LABEL = "Chi hội Khu vực 1 — Hội LHPN phường Ninh Kiều"

# The branch's own wording and order, not the template's. "Họ tên hội viên" is a wording the
# import does not know: the official picks the column herself when she confirms the mapping.
HEADERS = ["STT", "Họ tên hội viên", "Thuộc chi hội", "Ngày tháng năm sinh",
           "Số định danh cá nhân", "SĐT", "Ngày kết nạp", "Sử dụng Zalo", "Ghi chú"]  # fmt: skip
PROPOSED = ["", "", "branch", "date_of_birth", "cccd", "phone", "joined_on", "uses_zalo", ""]
NAME, BRANCH, BORN, CCCD, PHONE, JOINED = 1, 2, 3, 4, 5, 6

HOA = "Nguyễn Thị Hoà"  # NFC, as the record keeps it; the file has it decomposed


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: object) -> object:
    return unicodedata.normalize("NFC", text) if isinstance(text, str) else text


def serial(day: datetime.date) -> int:
    """The number Excel stores for a date."""
    return (day - EXCEL_EPOCH).days


class DateCell(datetime.date):
    """A cell Excel shows as a date (a serial with a date format)."""


def _rows(today: datetime.date) -> list[list[object]]:
    """The branches' list: six women, three of them with a mistake."""
    fifteen = datetime.date(today.year - 15, 1, 1)  # fifteen years old today, whatever the day
    return [
        HEADERS,
        # A CCCD whose 5th and 6th digits (85) contradict her year of birth (1988); her phone
        # was typed as a number, so Excel dropped its leading zero.
        [1, nfd(HOA), "Khu vực 1", "12/05/1988", "092185004567", 912345678,
         serial(datetime.date(2015, 3, 8)), "x", ""],
        # Date of birth as a bare Excel serial (the cell lost its date format).
        [2, nfd("Trần Thị Bích Ngọc"), "Chi hội Khu vực 1", serial(datetime.date(1987, 9, 2)),
         "092187001122", "0987 654 321", DateCell(2019, 10, 20), "có", "tổ trưởng"],
        # Born fifteen years ago: the year was mistyped.
        [3, nfd("Lê Thị Thu"), "Khu vực 2", fifteen.strftime("%d/%m/%Y"), "", "", "", "", ""],
        # A branch the commune does not have.
        [4, nfd("Phạm Thị Mai"), "Khu vực 9", "01/06/1979", "", "0901234567", "", "", "mới chuyển về"],
        # d/m/yyyy, branch written in another case and without the prefix's accents.
        [5, nfd("Võ Thị Lan"), "chi hoi khu vuc 2", "3/7/1975", "", "", "15/10/2010", "", ""],
        [6, nfd("Đặng Thị Hồng Nhung"), "Khu vực 2", DateCell(1992, 11, 30), "092192008899",
         "+84 978 111 222", "", "x", ""],
    ]  # fmt: skip


def _xlsx(rows: list[list[object]]) -> bytes:
    """A workbook written as Excel would store the cells (XlsxWriter, no openpyxl)."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_numbers": False})
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet("DS hội viên")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), dates)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    book.close()
    return output.getvalue()


def _fix_report(report: bytes) -> tuple[bytes, list[str]]:
    """What the official does in her spreadsheet: read the error report (python-calamine), fix
    each row in place, save a new file (XlsxWriter). The report's extra column stays."""
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(report)).get_sheet_by_index(0)
    table = sheet.to_python(skip_empty_area=True)
    headers, rows = table[0], [list(r) for r in table[1:] if any(c not in ("", None) for c in r)]
    assert headers[: len(HEADERS)] == HEADERS, headers
    fixes = {
        HOA: (CCCD, "092188004567"),
        "Lê Thị Thu": (BORN, "01/01/1990"),
        "Phạm Thị Mai": (BRANCH, "Khu vực 2"),
    }
    names = []
    for row in rows:
        name = nfc(row[NAME])
        names.append(name)
        column, value = fixes[name]
        row[column] = value
    return _xlsx([headers, *rows]), names


def _upload(ep, name: str, data: bytes) -> None:
    page = ep.page
    ep.goto("/hoi-vien/nhap/tai-len/")
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    page.select_option("#id_unit", label=UNIT_LABEL)
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/hoi-vien/nhap/\d+/$"))


def _run_task(ep, e2e_worker, button) -> None:
    """Press a button that queues a background task, run the task, wait for the reload."""
    page = ep.page
    button.click()
    page.locator(".hs-progress").wait_for()
    e2e_worker()
    page.locator(".hs-progress").wait_for(state="detached", timeout=10_000)
    page.wait_for_load_state("load")


def _count(page, key: str) -> int:
    return int(page.locator(f'[data-count="{key}"]').inner_text())


def _problems_by_row(page) -> dict[int, str]:
    found = {}
    for tr in page.locator(".hs-import-rows tbody tr").all():
        cells = tr.locator("td")
        found[int(cells.nth(0).inner_text())] = cells.nth(1).inner_text()
    return found


def test_member_journey(e2e_page, e2e_org, e2e_make_user, e2e_sign_in, e2e_worker):
    from django.utils import timezone, translation
    from django.utils.text import capfirst
    from django.utils.translation import gettext as _

    from hoiso.members.models import ImportBatch, Member, MemberEvent

    ep, page = e2e_page, e2e_page.page
    today = timezone.localdate()
    nk1, nk2 = e2e_org.nk1, e2e_org.nk2
    officer = e2e_make_user("commune_officer", e2e_org.nk, full_name="Huỳnh Thị Kim Loan")
    e2e_sign_in(ep, officer)

    # 1. The list with mistakes; she confirms the columns, naming the one it did not know.
    _upload(ep, "DS hoi vien KV1-KV2 (2025).xlsx", _xlsx(_rows(today)))
    ep.assert_page_ok()
    selects = [page.locator(f"#id_col_{i}") for i in range(len(HEADERS))]
    proposed = [s.input_value() for s in selects]
    assert proposed[NAME] in ("", "full_name")  # "" today; a later wording list may know it
    assert proposed[:NAME] + proposed[NAME + 1 :] == PROPOSED[:NAME] + PROPOSED[NAME + 1 :]
    selects[NAME].select_option("full_name")
    ep.shoot("member_journey-01-mapping")
    _run_task(ep, e2e_worker, page.locator("form.hs-import-mapping button.btn-primary"))
    ep.assert_page_ok()
    ep.shoot("member_journey-02-dry-run")

    # 2. The dry run: three rows to create, three with problems, each said in her words.
    assert (_count(page, "create"), _count(page, "error")) == (3, 3)
    problems = _problems_by_row(page)
    with translation.override("vi"):
        assert page.locator(".hs-import-rows").is_visible()
        assert _("Rows to look at") in page.locator("main").inner_text()
        expected = {
            2: _("the citizen ID's fifth and sixth digits do not match the year of birth"),
            4: _("An ordinary member must be 18 or older on the day she joins."),
            5: _("the branch “%(name)s” is not one you manage in %(unit)s")
            % {"name": "Khu vực 9", "unit": e2e_org.nk.name},
        }
    for row, message in expected.items():  # each problem on its own line, capitalised
        assert capfirst(message) in problems.get(row, ""), (row, problems)
    assert Member.objects.count() == 0  # a dry run writes nothing

    # 3. She imports the good rows now and keeps the others for the report.
    page.locator('input[name=mode][value="valid"]').check()
    _run_task(ep, e2e_worker, page.locator("form.hs-import-apply button"))
    ep.assert_page_ok()
    ep.shoot("member_journey-03-imported-valid")
    assert _count(page, "create") == 3
    first = {m.full_name: m for m in Member.objects.select_related("unit")}
    assert set(first) == {"Trần Thị Bích Ngọc", "Võ Thị Lan", "Đặng Thị Hồng Nhung"}
    ngoc, lan = first["Trần Thị Bích Ngọc"], first["Võ Thị Lan"]
    assert (ngoc.date_of_birth, ngoc.phone, ngoc.joined_on, ngoc.uses_zalo, ngoc.unit_id) == (
        datetime.date(1987, 9, 2),
        "0987654321",
        datetime.date(2019, 10, 20),
        True,
        nk1.pk,
    )
    assert (lan.date_of_birth, lan.joined_on, lan.unit_id) == (
        datetime.date(1975, 7, 3), datetime.date(2010, 10, 15), nk2.pk)  # fmt: skip
    assert first["Đặng Thị Hồng Nhung"].phone == "0978111222"

    # 4. The error report, downloaded, fixed in a spreadsheet, imported again.
    with page.expect_download() as info:
        page.locator("a.hs-report").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    fixed, names = _fix_report(Path(download.path()).read_bytes())
    assert sorted(names) == sorted([HOA, "Lê Thị Thu", "Phạm Thị Mai"])
    _upload(ep, "loi-da-sua.xlsx", fixed)
    ep.assert_page_ok()
    # The unit remembers the column she named; the report's own extra column is ignored.
    assert page.locator(f"#id_col_{NAME}").input_value() == "full_name"
    assert page.locator(f"#id_col_{len(HEADERS)}").input_value() == ""
    _run_task(ep, e2e_worker, page.locator("form.hs-import-mapping button.btn-primary"))
    assert (_count(page, "create"), _count(page, "error")) == (3, 0)
    ep.shoot("member_journey-04-fixed-dry-run")
    _run_task(ep, e2e_worker, page.locator("form.hs-import-apply button"))  # all or nothing
    ep.assert_page_ok()
    assert _count(page, "create") == 3
    with translation.override("vi"):
        assert _("Created") in page.locator(".hs-import-counts").inner_text()
    ep.shoot("member_journey-05-fixed-imported")
    assert ImportBatch.objects.filter(status=ImportBatch.Status.DONE).count() == 2
    assert Member.objects.count() == 6
    hoa = Member.objects.get(full_name=HOA)  # stored composed (NFC), not as the file wrote it
    assert (hoa.cccd, hoa.phone, hoa.date_of_birth, hoa.joined_on, hoa.unit_id) == (
        "092188004567",
        "0912345678",
        datetime.date(1988, 5, 12),
        datetime.date(2015, 3, 8),
        nk1.pk,
    )
    assert Member.objects.get(full_name="Phạm Thị Mai").unit_id == nk2.pk

    # 5. She finds Hoà by typing her name without accents, on the list's search box.
    page.locator("a", has_text=_see_members_label()).first.click()
    page.wait_for_url(re.compile(r"/hoi-vien/$"))
    search = page.locator('main input[name="q"]')
    search.fill("nguyen thi hoa")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/hoi-vien/\?.*q=nguyen\+thi\+hoa"))
    links = page.locator("main table tbody a")
    assert links.all_inner_texts() == [HOA]
    ep.assert_page_ok()
    page.set_viewport_size({"width": 360, "height": 740})
    assert links.first.is_visible()  # the name is the one column a phone always shows
    ep.shoot("member_journey-06-search")
    links.first.click()
    page.wait_for_url(re.compile(rf"/hoi-vien/{hoa.pk}/$"))
    page.set_viewport_size({"width": 360, "height": 740})
    for action in ("the", "chuyen"):  # her card and the transfer, within reach on a phone
        assert page.locator(f'main a[href="/hoi-vien/{hoa.pk}/{action}/"]').is_visible()
    record = page.locator(".hs-record").inner_text()
    assert "0912345678" in record and "092188004567" in record and "12/05/1988" in record
    ep.assert_page_ok()
    ep.shoot("member_journey-07-member")

    # 6. She transfers her to the other branch of the commune; her path shows it.
    page.locator(f'main a[href="/hoi-vien/{hoa.pk}/chuyen/"]').click()
    page.wait_for_url(re.compile(rf"/hoi-vien/{hoa.pk}/chuyen/$"))
    page.select_option("#id_to_unit", str(nk2.pk))
    page.fill("#id_reason", "Chuyển về ở với con gái")
    ep.shoot("member_journey-08-transfer")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(rf"/hoi-vien/{hoa.pk}/$"))
    hoa.refresh_from_db()
    assert hoa.unit_id == nk2.pk
    assert MemberEvent.objects.filter(
        member=hoa, kind="transferred", from_unit=nk1, to_unit=nk2
    ).exists()
    path = page.locator("main .list-group").first.inner_text()
    with translation.override("vi"):
        assert str(MemberEvent.Kind.TRANSFERRED.label) in path
        assert str(MemberEvent.Kind.ADMITTED.label) in path
    assert f"{nk1.name} → {nk2.name}" in path and "Chuyển về ở với con gái" in path
    ep.assert_page_ok()
    ep.shoot("member_journey-09-after-transfer")

    # 7. Her card: the link on her page opens the PDF in a new tab.
    card = page.locator(f'main a[href="/hoi-vien/{hoa.pk}/the/"]')
    assert card.count() == 1
    card_url = re.compile(rf"/hoi-vien/{hoa.pk}/the/$")
    with (
        page.context.expect_event("response", lambda r: card_url.search(r.url)) as answer,
        page.expect_popup() as popup,
    ):
        card.click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f"the-hoi-vien-{hoa.code}.pdf" in response.headers["content-disposition"]
    assert card_url.search(popup.value.url)
    popup.value.close()
    # Chromium shows the PDF in its viewer, whose page replaces the body the browser gives
    # back: fetch the same address again in her session for the file itself.
    pdf = page.request.get(response.url).body()
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]

    # 8. The commune's dashboard counts the imported members, and its charts draw.
    page.set_viewport_size({"width": 1366, "height": 800})
    ep.goto(f"/hoi-vien/thong-ke/?unit={e2e_org.nk.pk}")
    page.locator('[data-chart="digital"] canvas').first.wait_for()
    page.locator('[data-chart="age"] canvas').first.wait_for()
    assert page.locator("[data-chart] canvas").count() >= 4
    stats = page.locator(".hs-stat").all_inner_texts()
    assert stats[0] == "6"
    # Joined this year: the three rows without a date of joining (today); the others joined
    # in 2010, 2015 and 2019.
    assert stats[2] == "+3 / −0"
    with translation.override("vi"):
        assert e2e_org.nk.name in page.locator("h1").inner_text()
        assert _("members") in page.locator(".hs-stat-label").first.inner_text()
    by_branch = {}
    for tr in page.locator("main table.table-hover tbody tr").all():
        cells = tr.locator("td").all_inner_texts()
        by_branch[cells[0].strip()] = int(cells[1])
    # Khu vực 1: Ngọc (Hoà left for Khu vực 2); Khu vực 2: Lan, Nhung, Thu, Mai, Hoà.
    assert by_branch == {nk1.name: 1, nk2.name: 5}, by_branch
    ep.assert_page_ok()
    ep.shoot("member_journey-10-dashboard")
    ep.assert_clean()


def _see_members_label() -> str:
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override("vi"):
        return _("See the members")
