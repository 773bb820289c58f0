"""The report as a Word document (Decree 30/2020 layout, read back with python-docx) and its
figures by unit as an Excel workbook (read back with the project's spreadsheet reader)."""

import datetime
import io
from decimal import Decimal

import pytest
from docx import Document
from python_calamine import CalamineWorkbook

from hoiso.reporting import word, workbook

REPORT = word.ReportDocument(
    parent="Hội LHPN tỉnh Sóc Trăng",
    issuer="Hội LHPN xã Kế Sách",
    place="Kế Sách",
    date=datetime.date(2026, 12, 5),
    number="15/BC-HPN",
    title="Kết quả công tác Hội quý IV năm 2026",
    sections=[
        ("I. KẾT QUẢ ĐẠT ĐƯỢC", "Tổ chức 12 buổi sinh hoạt.\n\nKết nạp 31 hội viên mới."),
        ("II. HẠN CHẾ, NGUYÊN NHÂN", "Một số chi hội nộp báo cáo chậm."),
    ],
    figures_heading="III. SỐ LIỆU",
    figures=[
        word.Figure("HV_TONG", "Tổng số hội viên (cuối kỳ)", "2.002", "người"),
        word.Figure(
            "HV_THU_HUT_TL", "Tỷ lệ thu hút phụ nữ từ 18 tuổi trở lên vào Hội", "48,98", "%"
        ),
    ],
    recipients=["Hội LHPN tỉnh (b/c)", "Đảng ủy xã (b/c)", "Các chi hội"],
    signer_name="Trương Thị Thu Bích",
)


def _read(report: word.ReportDocument):
    return Document(io.BytesIO(word.render(report)))


def _texts(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text]


def test_the_letterhead_follows_the_decree():
    document = _read(REPORT)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    head = document.tables[0]
    bodies, motto = head.rows[0].cells
    assert _texts(bodies) == ["HỘI LHPN TỈNH SÓC TRĂNG", "HỘI LHPN XÃ KẾ SÁCH"]
    assert [r.bold for p in bodies.paragraphs for r in p.runs] == [False, True]
    assert _texts(motto) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    number, dated = head.rows[1].cells
    assert _texts(number) == ["Số: 15/BC-HPN"]
    assert _texts(dated) == ["Kế Sách, ngày 05 tháng 12 năm 2026"]
    assert all(r.italic for r in dated.paragraphs[0].runs)
    # The rules under the issuer and under the motto are paragraph borders.
    assert sum(1 for p in bodies.paragraphs + motto.paragraphs if p._p.pPr is not None
               and p._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr") is not None) == 2  # fmt: skip


def test_title_body_figures_recipients_and_signature():
    document = _read(REPORT)
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[:2] == ["BÁO CÁO", "Kết quả công tác Hội quý IV năm 2026"]
    assert texts[2:5] == [
        "I. KẾT QUẢ ĐẠT ĐƯỢC",
        "Tổ chức 12 buổi sinh hoạt.",
        "Kết nạp 31 hội viên mới.",
    ]
    assert "III. SỐ LIỆU" in texts
    assert all(run.font.name == "Times New Roman" for p in document.paragraphs for run in p.runs)
    figures = document.tables[1]
    assert [c.text for c in figures.rows[0].cells] == ["TT", "Chỉ tiêu", "Kết quả", "Đơn vị tính"]
    assert [c.text for c in figures.rows[2].cells] == [
        "2", "Tỷ lệ thu hút phụ nữ từ 18 tuổi trở lên vào Hội", "48,98", "%"]  # fmt: skip
    recipients, signature = document.tables[2].rows[0].cells
    assert _texts(recipients) == ["Nơi nhận:", "- Hội LHPN tỉnh (b/c);", "- Đảng ủy xã (b/c);",
                                  "- Các chi hội;", "- Lưu: VT."]  # fmt: skip
    assert _texts(signature) == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Trương Thị Thu Bích"]


def test_an_unnumbered_report_leaves_the_number_to_be_written_in():
    document = _read(word.ReportDocument(issuer="Chi hội Ấp 3", place="Kế Sách",
                                         date=datetime.date(2026, 1, 9), title="Báo cáo tháng 1"))  # fmt: skip
    bodies, _motto = document.tables[0].rows[0].cells
    assert _texts(bodies) == ["CHI HỘI ẤP 3"]
    assert document.tables[0].rows[1].cells[0].text.strip() == "Số:       /BC-HPN".strip()
    assert document.tables[0].rows[1].cells[1].text == "Kế Sách, ngày 09 tháng 01 năm 2026"
    assert len(document.tables) == 2  # no figures table when there are no figures


@pytest.mark.parametrize("day, expected", [
    (datetime.date(2026, 2, 3), "X, ngày 03 tháng 02 năm 2026"),
    (datetime.date(2026, 3, 3), "X, ngày 03 tháng 3 năm 2026"),
    (datetime.date(2026, 11, 22), "X, ngày 22 tháng 11 năm 2026"),
])  # fmt: skip
def test_vietnamese_date(day, expected):
    assert word.vietnamese_date("X", day) == expected


def test_workbook_of_figures_by_unit(english):
    columns = [workbook.Column("HV_TONG", "Tổng số hội viên", "people", "người"),
               workbook.Column("HV_THU_HUT_TL", "Tỷ lệ thu hút", "percent", "%")]  # fmt: skip
    data = workbook.write(
        title="Báo cáo quý IV/2026 — Hội LHPN tỉnh Sóc Trăng",
        indicators=columns,
        rows=[("Hội LHPN xã Kế Sách", "Đã duyệt", [2002, Decimal("48.98")]),
              ("=HYPERLINK(\"x\")", "Chưa nộp", [None, None])],
        total=("Tổng hợp", [2002, Decimal("48.98")]),
    )  # fmt: skip
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "Báo cáo quý IV/2026 — Hội LHPN tỉnh Sóc Trăng"
    assert sheet[2][:2] == ["Unit", "Status"] and sheet[2][2].startswith("HV_TONG\n")
    assert sheet[3][:3] == ["Hội LHPN xã Kế Sách", "Đã duyệt", 2002]
    assert round(sheet[3][3], 4) == 0.4898  # a percentage cell holds the fraction
    assert sheet[4][:4] == ['=HYPERLINK("x")', "Chưa nộp", "", ""]  # text, never a formula
    assert sheet[5][:3] == ["Tổng hợp", "", 2002]
