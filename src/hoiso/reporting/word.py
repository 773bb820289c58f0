"""A report as a Word document in the Vietnamese administrative layout (Decree 30/2020/NĐ-CP,
Appendix I): A4, Times New Roman; top left the body above and the issuing body with a short
rule under it, top right the national motto with its rule; the number and symbol, and the place
and date; the kind of document and its summary (trích yếu) centred; the body; the recipients
(Nơi nhận) bottom left and the signature block bottom right.

`render(ReportDocument(...))` takes plain values — the caller (a submission, a roll-up) supplies
every text — and returns the .docx bytes. The fixed words of the layout (Số, Nơi nhận, Lưu: VT,
the motto) are Vietnamese by law, not interface text, so they are not translated.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
MOTTO_COUNTRY = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Figure:
    """One line of the figures table: an indicator and its value, already written out as
    the reader reads it (259.940; 59,41%)."""

    code: str
    name: str
    value: str
    measure: str = ""


@dataclass
class ReportDocument:
    issuer: str  # "Hội LHPN xã Kế Sách": written in capitals, bold
    place: str  # "Kế Sách": before the date
    date: datetime.date
    title: str  # the summary: "Kết quả công tác Hội quý IV năm 2026"
    parent: str = ""  # the body above: "Hội LHPN tỉnh Sóc Trăng"
    number: str = ""  # "15/BC-HPN"; blank: "Số:      /BC-HPN" is left to be filled in
    symbol: str = "BC-HPN"
    kind: str = "BÁO CÁO"
    sections: list[tuple[str, str]] = field(default_factory=list)  # (heading, text)
    figures_heading: str = ""
    figures: list[Figure] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer_capacity: str = "TM. BAN THƯỜNG VỤ"
    signer_title: str = "CHỦ TỊCH"
    signer_name: str = ""


def vietnamese_date(place: str, day: datetime.date) -> str:
    """ "Kế Sách, ngày 05 tháng 11 năm 2026": days and months below 10 (and below 3 for the
    month) take a leading zero, as the Decree writes them."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def render(report: ReportDocument) -> bytes:
    document = Document()
    _page(document)
    _letterhead(document, report)
    _title(document, report)
    for heading, text in report.sections:
        _paragraph(document, heading, bold=True, size=14, first_line=Mm(10), before=6)
        for part in _paragraphs(text):
            _paragraph(document, part, size=14, first_line=Mm(10), justify=True)
    if report.figures:
        if report.figures_heading:
            _paragraph(document, report.figures_heading, bold=True, size=14, before=6)
        _figures(document, report.figures)
    _closing(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- the parts -------------------------------------------------------------------------------


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_after = Pt(0)


def _letterhead(document, report: ReportDocument) -> None:
    """Two columns without borders: the bodies on the left, the motto on the right; below,
    the number and symbol on the left, the place and date on the right."""
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Mm(70), Mm(95))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    left, right = table.rows[0].cells
    first = left.paragraphs[0]
    if report.parent:
        _run(first, report.parent.upper(), size=13)
        first = left.add_paragraph()
    _run(first, report.issuer.upper(), size=13, bold=True)
    _center(first)
    for paragraph in left.paragraphs:
        _center(paragraph)
    _rule(left.add_paragraph(), indent=Mm(22))
    motto = right.paragraphs[0]
    _run(motto, MOTTO_COUNTRY, size=12, bold=True)
    _center(motto)
    words = right.add_paragraph()
    _run(words, MOTTO, size=13, bold=True)
    _center(words)
    _rule(right.add_paragraph(), indent=Mm(24))
    number, date = table.rows[1].cells
    numbered = number.paragraphs[0]
    _run(numbered, f"Số: {report.number or ('      /' + report.symbol)}", size=13)
    _center(numbered)
    dated = date.paragraphs[0]
    _run(dated, vietnamese_date(report.place, report.date), size=14, italic=True)
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _title(document, report: ReportDocument) -> None:
    _paragraph(document, report.kind.upper(), bold=True, size=14, center=True, before=12)
    _paragraph(document, report.title, bold=True, size=14, center=True)
    _rule(document.add_paragraph(), indent=Mm(60))


def _figures(document, figures: list[Figure]) -> None:
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, ("TT", "Chỉ tiêu", "Kết quả", "Đơn vị tính"),
                          strict=True):  # fmt: skip
        _run(cell.paragraphs[0], text, size=12, bold=True)
        _center(cell.paragraphs[0])
    for number, figure in enumerate(figures, start=1):
        cells = table.add_row().cells
        _run(cells[0].paragraphs[0], str(number), size=12)
        _center(cells[0].paragraphs[0])
        _run(cells[1].paragraphs[0], figure.name, size=12)
        _run(cells[2].paragraphs[0], figure.value, size=12)
        cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(cells[3].paragraphs[0], figure.measure, size=12)
    for row in table.rows:
        for cell, width in zip(row.cells, (Mm(12), Mm(98), Mm(30), Mm(25)), strict=True):
            cell.width = width


def _closing(document, report: ReportDocument) -> None:
    """Nơi nhận on the left, the signature block on the right, side by side."""
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    heading = left.paragraphs[0]
    heading.paragraph_format.space_before = Pt(12)
    _run(heading, "Nơi nhận:", size=12, bold=True, italic=True)
    recipients = [*report.recipients, "Lưu: VT"]
    for index, name in enumerate(recipients):
        end = "." if index == len(recipients) - 1 else ";"
        _run(left.add_paragraph(), f"- {name}{end}", size=11)
    capacity = right.paragraphs[0]
    capacity.paragraph_format.space_before = Pt(12)
    _run(capacity, report.signer_capacity.upper(), size=14, bold=True)
    _center(capacity)
    title = right.add_paragraph()
    _run(title, report.signer_title.upper(), size=14, bold=True)
    _center(title)
    for _ in range(4):  # room for the signature and the seal
        right.add_paragraph()
    name = right.add_paragraph()
    _run(name, report.signer_name, size=14, bold=True)
    _center(name)


# --- small helpers ---------------------------------------------------------------------------


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of a typed text: blank lines separate them; single line breaks too."""
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _paragraph(document, text: str, *, bold=False, italic=False, size=14, center=False,
               justify=False, first_line=None, before=0):  # fmt: skip
    paragraph = document.add_paragraph()
    _run(paragraph, text, size=size, bold=bold, italic=italic)
    if center:
        _center(paragraph)
    elif justify:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    form = paragraph.paragraph_format
    form.space_before, form.space_after = Pt(before), Pt(3)
    if first_line is not None:
        form.first_line_indent = first_line
    return paragraph


def _run(paragraph, text: str, *, size: int, bold=False, italic=False):
    run = paragraph.add_run(text)
    run.font.name, run.font.size = FONT, Pt(size)
    run.bold, run.italic = bold, italic
    return run


def _center(paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _rule(paragraph, *, indent) -> None:
    """The short horizontal rule under a heading: an empty paragraph, narrowed by equal
    indents, with a single top border (Word draws it as a centred line)."""
    form = paragraph.paragraph_format
    form.left_indent = form.right_indent = indent
    form.space_before = form.space_after = Pt(0)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                        ("w:color", "000000")):  # fmt: skip
        top.set(qn(name), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().append(borders)
