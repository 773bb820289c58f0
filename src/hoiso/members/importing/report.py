"""The error report: the file's own columns for every row that was not imported, plus the
reason, so that the official fixes the rows in place and imports the report again.

The report is written as the rows are checked (XlsxWriter's constant-memory mode, to a
temporary file), so that a file whose every row is wrong costs no more memory than one
whose rows are all right."""

from __future__ import annotations

import datetime
import os
import tempfile

import xlsxwriter
from django.utils.translation import gettext as _

from hoiso.core.spreadsheets import Table

_FORMULA_STARTS = ("=", "+", "-", "@")


def neutralise(value: str) -> str:
    """A text a spreadsheet would run as a formula gets a leading apostrophe (parse.text takes
    it off again when the report is imported)."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


class ErrorReport:
    """Rows are added in the file's order; `close()` gives the workbook's path (the caller
    moves or removes it)."""

    def __init__(self, headers: list[str]):
        handle, self.path = tempfile.mkstemp(prefix="hoiso-report-", suffix=".xlsx")
        os.close(handle)
        self.width = len(headers)
        self.book = xlsxwriter.Workbook(self.path, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False, "tmpdir": tempfile.gettempdir()})  # fmt: skip
        self.sheet = self.book.add_worksheet(_("Errors")[:31])
        bold = self.book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
        self.red = self.book.add_format({"font_color": "#9C0006", "text_wrap": True})
        self.dates = self.book.add_format({"num_format": "dd/mm/yyyy"})
        self.sheet.set_column(self.width, self.width, 60)
        self.sheet.freeze_panes(1, 0)
        for col, header in enumerate([*headers, _("Errors")]):
            self.sheet.write_string(0, col, neutralise(header or ""), bold)
        self.rows = 0

    def add(self, cells: list, reason: str) -> None:
        self.rows += 1
        out, sheet = self.rows, self.sheet
        for col, value in enumerate(cells[: self.width]):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.datetime | datetime.date):
                sheet.write_datetime(out, col, value, self.dates)
            elif isinstance(value, bool):
                sheet.write_boolean(out, col, value)
            elif isinstance(value, int | float):
                sheet.write_number(out, col, value)
            else:
                sheet.write_string(out, col, neutralise(str(value)))
        sheet.write_string(out, self.width, neutralise(reason), self.red)

    def close(self) -> str:
        self.book.close()
        return self.path


def error_report(table: Table, problems: dict[int, str]) -> bytes:
    """`problems` maps a row's index in the table to its reason."""
    report = ErrorReport(table.headers)
    for index in sorted(problems):
        report.add(table.rows[index], problems[index])
    path = report.close()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    finally:
        os.unlink(path)
