"""A report's figures by unit as an Excel workbook: one row per unit (in the order given), one
column per indicator, the roll-up in the last row; numbers stored as numbers (a rate as a
percentage cell), every text written as text (never a formula).

`write(title=, indicators=, rows=, total=)` takes plain values and returns the .xlsx bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Column:
    code: str
    name: str
    measure: str  # a measure code of reporting.models.Measure ("percent" for rates)
    label: str = ""  # the measure as the reader reads it ("người", "%")


Value = int | float | Decimal | None


def write(*, title: str, indicators: list[Column], rows: list[tuple[str, str, list[Value]]],
          total: tuple[str, list[Value]] | None = None) -> bytes:  # fmt: skip
    """`rows`: (unit name, its status as shown — "Đã duyệt", "Chưa nộp" —, one value per
    indicator, None where there is none); `total`: (label, the rolled-up values)."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})  # fmt: skip
    sheet = book.add_worksheet(_("Figures")[:31])
    heading = book.add_format({"bold": True, "font_size": 13})
    header = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True,
                              "valign": "top"})  # fmt: skip
    text = book.add_format({"border": 1})
    number = book.add_format({"border": 1, "num_format": "#,##0"})
    decimal = book.add_format({"border": 1, "num_format": "#,##0.00"})
    percent = book.add_format({"border": 1, "num_format": "0.00%"})
    bold = {key: book.add_format({**props, "bold": True, "bg_color": "#F7F7F7"})
            for key, props in (("text", {"border": 1}), ("number", {"border": 1, "num_format": "#,##0"}),
                               ("decimal", {"border": 1, "num_format": "#,##0.00"}),
                               ("percent", {"border": 1, "num_format": "0.00%"}))}  # fmt: skip

    sheet.write_string(0, 0, title, heading)
    headers = [_("Unit"), _("Status")] + [
        f"{c.code}\n{c.name}" + (f" ({c.label})" if c.label else "") for c in indicators
    ]
    for column, value in enumerate(headers):
        sheet.write_string(2, column, value, header)
    sheet.set_row(2, 60)
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 1 + len(indicators), 16)
    sheet.freeze_panes(3, 1)

    def put(row: int, column: int, value: Value, spec: Column, formats: dict) -> None:
        if value is None:
            sheet.write_blank(row, column, None, formats["text"])
        elif spec.measure == "percent":
            sheet.write_number(row, column, float(value) / 100, formats["percent"])
        elif isinstance(value, int) or (
            isinstance(value, Decimal) and value == value.to_integral()
        ):
            sheet.write_number(row, column, float(value), formats["number"])
        else:
            sheet.write_number(row, column, float(value), formats["decimal"])

    plain = {"text": text, "number": number, "decimal": decimal, "percent": percent}
    row = 3
    for name, status, values in rows:
        sheet.write_string(row, 0, name, text)
        sheet.write_string(row, 1, status, text)
        for offset, (spec, value) in enumerate(zip(indicators, values, strict=True)):
            put(row, 2 + offset, value, spec, plain)
        row += 1
    if total is not None:
        label, values = total
        sheet.write_string(row, 0, label, bold["text"])
        sheet.write_blank(row, 1, None, bold["text"])
        for offset, (spec, value) in enumerate(zip(indicators, values, strict=True)):
            put(row, 2 + offset, value, spec, bold)
    book.close()
    return output.getvalue()
