"""The meeting's collection sheet as a printable PDF (A4 landscape, Noto Sans for Vietnamese,
drawn with ReportLab as the member cards and certificates are) and as XLSX, and the lists
groups keep as XLSX workbooks (one sheet per group): the loan-use check list, the savings list
and the reconciliation of each member's principal, interest and savings.

Everything here takes what the selectors read (a `CollectionSheet`, `GroupBook`s) and returns
bytes; the views check the reader's scope and audit the download.
"""

from __future__ import annotations

import datetime
import io
import re
from xml.sax.saxutils import escape

import xlsxwriter
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from hoiso.credit.collection import CollectionSheet
from hoiso.credit.selectors import GroupBook
from hoiso.members.cards import _fonts

ROSE = colors.HexColor("#a3285f")


def money(amount: int) -> str:
    """1.250.000 — the Vietnamese thousands separator; blank for zero."""
    return f"{amount:,}".replace(",", ".") if amount else ""


def _day(on: datetime.date) -> str:
    return on.strftime("%d/%m/%Y")


# --- the collection sheet ------------------------------------------------------------------


def sheet_columns() -> list[str]:
    return [_("No."), _("Member"), _("Loan or account"), _("Principal outstanding"), _("Principal due"),
            _("Interest due"), _("Penalty"), _("Of which overdue"), _("Savings"),
            _("Total due"), _("Collected"), _("Signature")]  # fmt: skip


def sheet_rows(sheet: CollectionSheet) -> list[list]:
    """One row per loan or savings account of each member (the member's name and number on
    her first row), as plain values: [no, name, what, outstanding, principal, interest,
    penalty, overdue, savings, total]."""
    rows = []
    for number, line in enumerate(sheet.lines, start=1):
        items = [("loan", x) for x in line.loans] + [("savings", s) for s in line.savings]
        if not items:
            rows.append([number, line.member.full_name, _("(nothing due)"), 0, 0, 0, 0, 0, 0, 0])
            continue
        for index, (kind, item) in enumerate(items):
            head = [number, line.member.full_name] if index == 0 else ["", ""]
            if kind == "loan":
                rows.append(head + [
                    f"{item.loan.number} · {item.loan.programme.code}", item.outstanding,
                    item.principal_due, item.interest_due, item.penalty,
                    item.overdue_principal + item.overdue_interest, 0, item.total_due])  # fmt: skip
            else:
                rows.append(head + [item.account.get_kind_display(),
                                    0, 0, 0, 0, 0, item.expected, item.expected])  # fmt: skip
    return rows


def sheet_totals(sheet: CollectionSheet) -> list[int]:
    overdue = sheet.total("overdue_principal") + sheet.total("overdue_interest")
    return [sheet.total("outstanding"), sheet.total("principal_due"), sheet.total("interest_due"),
            sheet.total("penalty"), overdue, sheet.total("savings"),
            sum(line.total_due for line in sheet.lines)]  # fmt: skip


def sheet_pdf(sheet: CollectionSheet, *, officer: str) -> bytes:
    """The sheet to print before the meeting: what each member owes, a blank column for what
    she pays and for her signature, the totals, and signature lines for the group leader and
    the officer. Raises members.cards.CardError without the font."""
    regular, bold = _fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=10 * mm,
                            rightMargin=10 * mm, topMargin=10 * mm, bottomMargin=12 * mm,
                            title=_("Collection sheet"), author="HộiSố")  # fmt: skip
    small = ParagraphStyle("small", fontName=regular, fontSize=8, leading=10)
    cell = ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=10.5)
    head = ParagraphStyle("head", fontName=bold, fontSize=8, leading=10, alignment=1)
    title = ParagraphStyle("title", fontName=bold, fontSize=14, leading=18, alignment=1,
                           textColor=ROSE)  # fmt: skip
    centre = ParagraphStyle("centre", fontName=regular, fontSize=10, leading=13, alignment=1)
    group = sheet.group
    story = [
        Table([[Paragraph(f"<b>{_('VIETNAM WOMEN’S UNION')}</b><br/>{escape(group.unit.name)}", cell),
                Paragraph(f"<b>{_('SOCIALIST REPUBLIC OF VIETNAM')}</b><br/>"
                          f"{_('Independence – Freedom – Happiness')}", head)]],
              colWidths=[120 * mm, 157 * mm]),
        Spacer(1, 4 * mm),
        Paragraph(_("COLLECTION SHEET OF THE GROUP MEETING"), title),
        Paragraph(_("%(group)s — meeting of %(day)s") % {"group": escape(group.name), "day": _day(sheet.on)},
                  centre),
        Spacer(1, 4 * mm),
    ]  # fmt: skip
    header = [Paragraph(text, head) for text in sheet_columns()]
    body, firsts = [], []
    for row in sheet_rows(sheet):
        if row[0] != "":
            firsts.append(len(body) + 1)
        body.append([str(row[0]), Paragraph(escape(row[1]), cell), Paragraph(escape(row[2]), small)]
                    + [money(v) for v in row[3:]] + ["", ""])  # fmt: skip
    totals = sheet_totals(sheet)
    body.append(["", Paragraph(f"<b>{_('Total')}</b>", cell), ""] + [money(v) for v in totals]
                + ["", ""])  # fmt: skip
    widths = [8, 42, 40, 23, 21, 20, 16, 20, 17, 23, 24, 23]
    table = Table([header, *body], colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), regular, 8.5),
        ("FONT", (3, -1), (-1, -1), bold, 8.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f6e3ec")),
        ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f4f4f4")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("TOPPADDING", (0, 1), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 4),
        *(("LINEABOVE", (0, n), (-1, n), 0.9, colors.HexColor("#444444")) for n in firsts),
        ("LINEABOVE", (0, -1), (-1, -1), 0.9, colors.HexColor("#444444")),
    ]))  # fmt: skip
    story.append(table)
    story.append(Spacer(1, 6 * mm))
    if sheet.submission is not None:
        story.append(Paragraph(_("Collections of this meeting were entered on %(day)s: %(total)s đ.")
                               % {"day": _day(sheet.submission.submitted_at.date()),
                                  "total": money(sheet.submission.result.get("total", 0)) or "0"},
                               small))  # fmt: skip
        story.append(Spacer(1, 3 * mm))
    story.append(_signatures(sheet, officer, head, centre))
    doc.build(story, onFirstPage=_footer(regular, sheet), onLaterPages=_footer(regular, sheet))
    return buffer.getvalue()


def _signatures(sheet: CollectionSheet, officer: str, head, centre) -> Table:
    leader = sheet.group.leader.full_name if sheet.group.leader_id else ""
    blank = Spacer(1, 18 * mm)
    note = ParagraphStyle("note", parent=centre, fontSize=8.5, leading=11,
                          textColor=colors.HexColor("#555555"))  # fmt: skip
    table = Table([
        [Paragraph(_("GROUP LEADER"), head), Paragraph(_("CREDIT OFFICER"), head)],
        [Paragraph(_("(signature and full name)"), note), Paragraph(_("(signature and full name)"), note)],
        [blank, blank],
        [Paragraph(escape(leader), centre), Paragraph(escape(officer), centre)],
    ], colWidths=[130 * mm, 130 * mm])  # fmt: skip
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _footer(font: str, sheet: CollectionSheet):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        text = f"{sheet.group.name} · {_day(sheet.on)} · " + _("page %(n)d") % {"n": doc.page}
        canvas.drawRightString(doc.pagesize[0] - 10 * mm, 6 * mm, text)
        canvas.restoreState()

    return draw


def sheet_xlsx(sheet: CollectionSheet) -> bytes:
    book, f, output = _book()
    ws = book.add_worksheet(_sheet_name(sheet.group.name, set()))
    columns = sheet_columns()
    _title(ws, f, [sheet.group.unit.name,
                   _("Collection sheet of the group meeting"),
                   _("%(group)s — meeting of %(day)s") % {"group": sheet.group.name,
                                                           "day": _day(sheet.on)}],
           len(columns))  # fmt: skip
    top = 4
    _header(ws, f, top, columns, [6, 28, 26, 16, 14, 14, 12, 14, 12, 16, 14, 16])
    row = top + 1
    for values in sheet_rows(sheet):
        ws.write(row, 0, values[0], f["text"])
        ws.write_string(row, 1, values[1], f["text"])
        ws.write_string(row, 2, values[2], f["text"])
        for col, value in enumerate(values[3:], start=3):
            ws.write_number(row, col, value, f["number"])
        ws.write_blank(row, 10, None, f["text"])
        ws.write_blank(row, 11, None, f["text"])
        row += 1
    ws.write_string(row, 1, _("Total"), f["bold_text"])
    ws.write_blank(row, 0, None, f["bold_text"])
    ws.write_blank(row, 2, None, f["bold_text"])
    for col, value in enumerate(sheet_totals(sheet), start=3):
        ws.write_number(row, col, value, f["bold_number"])
    ws.write_blank(row, 10, None, f["bold_text"])
    ws.write_blank(row, 11, None, f["bold_text"])
    leader = sheet.group.leader.full_name if sheet.group.leader_id else ""
    _sign(ws, f, row + 2, [(1, _("Group leader"), leader), (8, _("Credit officer"), "")])
    ws.freeze_panes(top + 1, 2)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(top)
    book.close()
    return output.getvalue()


# --- the lists groups keep -----------------------------------------------------------------


def loan_use_xlsx(books: list[GroupBook], *, unit_name: str, on: datetime.date) -> bytes:
    """The loan-use check list (danh sách kiểm tra sử dụng vốn vay): each running loan with
    its declared use, and blank columns for what the check found."""
    columns = [_("No."), _("Member"), _("Loan number"), _("Programme"), _("Disbursed on"),
               _("Amount"), _("Declared use"), _("Principal outstanding"),
               _("Used as declared (yes/no)"), _("Notes"), _("Signature")]  # fmt: skip
    widths = [6, 28, 14, 30, 13, 14, 28, 16, 16, 22, 14]
    title = _("Loan-use check list at %(day)s") % {"day": _day(on)}

    def rows(book: GroupBook):
        n = 0
        for member in book.members:
            for x in member.loans:
                if not x.principal:
                    continue
                n += 1
                loan = x.loan
                yield [n, member.member.full_name, loan.number, loan.programme.name,
                       _day(loan.disbursed_on), loan.amount, loan.purpose, x.principal, "", "", ""]  # fmt: skip

    return _lists(books, unit_name, title, columns, widths, rows, money_cols={5, 7})


def savings_xlsx(books: list[GroupBook], *, unit_name: str, start: datetime.date,
                 end: datetime.date) -> bytes:  # fmt: skip
    """The savings list (danh sách tiết kiệm): each account with its balance at the start,
    deposits and withdrawals over the period and its balance at the end."""
    columns = [_("No."), _("Member"), _("Account"), _("Kind"), _("Balance at the start"),
               _("Deposits"), _("Withdrawals"), _("Balance at the end")]  # fmt: skip
    widths = [6, 28, 16, 22, 16, 14, 14, 16]
    title = _("Savings list from %(start)s to %(end)s") % {"start": _day(start), "end": _day(end)}

    def rows(book: GroupBook):
        n = 0
        for member in book.members:
            for s in member.savings:
                n += 1
                yield [n, member.member.full_name, s.account.number, s.account.get_kind_display(),
                       s.opening, s.deposits, s.withdrawals, s.closing]  # fmt: skip

    return _lists(books, unit_name, title, columns, widths, rows, money_cols={4, 5, 6, 7})


def reconciliation_xlsx(books: list[GroupBook], *, unit_name: str, start: datetime.date,
                        end: datetime.date) -> bytes:  # fmt: skip
    """The reconciliation (đối chiếu) of each member's principal, interest and savings at the
    end of the period, with a column for her confirmation."""
    columns = [_("No."), _("Member"), _("Loans"), _("Principal outstanding"),
               _("Of which overdue"), _("Principal repaid in the period"),
               _("Interest paid in the period"), _("Interest due, unpaid"), _("Penalty due"),
               _("Savings balance"), _("Member's confirmation")]  # fmt: skip
    widths = [6, 28, 8, 16, 14, 16, 16, 15, 12, 16, 18]
    title = _("Reconciliation of principal, interest and savings at %(end)s (period from %(start)s)") % {
        "start": _day(start), "end": _day(end)}  # fmt: skip

    def rows(book: GroupBook):
        for n, m in enumerate(book.members, start=1):
            yield [n, m.member.full_name, len([x for x in m.loans if x.principal]),
                   m.total("principal"), m.total("overdue_principal"), m.total("principal_paid"),
                   m.total("interest_paid"), m.total("interest_due"), m.total("penalty_due"),
                   m.total("closing"), ""]  # fmt: skip

    return _lists(books, unit_name, title, columns, widths, rows,
                  money_cols={3, 4, 5, 6, 7, 8, 9})  # fmt: skip


def _lists(books, unit_name, title, columns, widths, rows, *, money_cols: set[int]) -> bytes:
    book, f, output = _book()
    used: set[str] = set()
    if not books:
        ws = book.add_worksheet(_sheet_name(unit_name, used))
        _title(ws, f, [unit_name, title, _("No savings group.")], len(columns))
    for group_book in books:
        group = group_book.group
        ws = book.add_worksheet(_sheet_name(group.name, used))
        _title(ws, f, [f"{unit_name} — {group.name}", title], len(columns))
        top = 3
        _header(ws, f, top, columns, widths)
        row, totals = top + 1, dict.fromkeys(money_cols, 0)
        for values in rows(group_book):
            for col, value in enumerate(values):
                if col in money_cols:
                    ws.write_number(row, col, value or 0, f["number"])
                    totals[col] += value or 0
                elif isinstance(value, int):
                    ws.write_number(row, col, value, f["text"])
                else:
                    ws.write_string(row, col, str(value), f["text"])
            row += 1
        ws.write_string(row, 1, _("Total"), f["bold_text"])
        for col in range(len(columns)):
            if col in money_cols:
                ws.write_number(row, col, totals[col], f["bold_number"])
            elif col != 1:
                ws.write_blank(row, col, None, f["bold_text"])
        leader = group.leader.full_name if group.leader_id else ""
        _sign(ws, f, row + 2, [(1, _("Group leader"), leader),
                               (max(len(columns) - 3, 3), _("Prepared by"), "")])  # fmt: skip
        ws.freeze_panes(top + 1, 2)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(top)
    book.close()
    return output.getvalue()


# --- workbook helpers -----------------------------------------------------------------------


def _book():
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})  # fmt: skip
    border = {"border": 1, "valign": "vcenter"}
    formats = {
        "heading": book.add_format({"bold": True, "font_size": 13}),
        "subheading": book.add_format({"italic": True}),
        "header": book.add_format({**border, "bold": True, "bg_color": "#F2DCDB", "text_wrap": True,
                                   "align": "center"}),
        "text": book.add_format({**border, "text_wrap": True}),
        "number": book.add_format({**border, "num_format": "#,##0"}),
        "bold_text": book.add_format({**border, "bold": True, "bg_color": "#F7F7F7"}),
        "bold_number": book.add_format({**border, "bold": True, "bg_color": "#F7F7F7",
                                        "num_format": "#,##0"}),
        "sign": book.add_format({"bold": True, "align": "center"}),
        "sign_note": book.add_format({"italic": True, "align": "center", "font_color": "#666666"}),
    }  # fmt: skip
    return book, formats, output


def _title(ws, f, lines: list[str], width: int) -> None:
    for index, text in enumerate(lines):
        ws.write_string(index, 0, text, f["heading"] if index == 1 else f["subheading"])


def _header(ws, f, row: int, columns: list[str], widths: list[int]) -> None:
    for col, (text, width) in enumerate(zip(columns, widths, strict=True)):
        ws.write_string(row, col, text, f["header"])
        ws.set_column(col, col, width)
    ws.set_row(row, 36)


def _sign(ws, f, row: int, places: list[tuple[int, str, str]]) -> None:
    for col, label, name in places:
        ws.write_string(row, col, label, f["sign"])
        ws.write_string(row + 1, col, _("(signature and full name)"), f["sign_note"])
        if name:
            ws.write_string(row + 5, col, name, f["sign"])


def _sheet_name(name: str, used: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, no []:*?/\\), unique in the book."""
    base = re.sub(r"[\[\]:*?/\\]", "-", name).strip("'")[:31] or "Sheet"
    candidate, n = base, 1
    while candidate.lower() in used:
        n += 1
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate
