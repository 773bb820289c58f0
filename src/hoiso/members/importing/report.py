"""The error report: the file's own columns for every row that was not imported, plus the
reason, so that the official fixes the rows in place and imports the report again."""

from __future__ import annotations

import datetime
import io

import xlsxwriter
from django.utils.translation import gettext as _

from hoiso.core.spreadsheets import Table

_FORMULA_STARTS = ("=", "+", "-", "@")


def neutralise(value: str) -> str:
    """A text a spreadsheet would run as a formula gets a leading apostrophe (parse.text takes
    it off again when the report is imported)."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def error_report(table: Table, problems: dict[int, str]) -> bytes:
    """`problems` maps a row's index in the table to its reason."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})  # fmt: skip
    sheet = book.add_worksheet(_("Errors")[:31])
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    red = book.add_format({"font_color": "#9C0006", "text_wrap": True})
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    headers = [*table.headers, _("Errors")]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, neutralise(header or ""), bold)
    out = 1
    for index in sorted(problems):
        for col, value in enumerate(table.rows[index]):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.datetime | datetime.date):
                sheet.write_datetime(out, col, value, dates)
            elif isinstance(value, bool):
                sheet.write_boolean(out, col, value)
            elif isinstance(value, int | float):
                sheet.write_number(out, col, value)
            else:
                sheet.write_string(out, col, neutralise(str(value)))
        sheet.write_string(out, len(table.headers), neutralise(problems[index]), red)
        out += 1
    sheet.set_column(len(table.headers), len(table.headers), 60)
    sheet.freeze_panes(1, 0)
    book.close()
    return output.getvalue()
