"""Exporting member lists: XLSX in constant memory and streamed CSV, in the user's scope only.

Sensitive columns (ethnicity, religion) are included only for roles allowed to see them; a
text cell that a spreadsheet would read as a formula (= + - @) is neutralised; every export
is written to the audit log by the view that calls these.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

import xlsxwriter
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hoiso.members.models import Member

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text that starts like a formula gets a leading apostrophe, so that Excel shows it
    as text instead of running it (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _yes(value: bool) -> str:
    return _("Yes") if value else ""


def columns(sensitive: bool) -> list[tuple[str, Callable[[Member], Any]]]:
    cols: list[tuple[str, Callable[[Member], Any]]] = [
        (_("Member code"), lambda m: m.code),
        (_("Full name"), lambda m: m.full_name),
        (
            _("Date of birth"),
            lambda m: date_format(m.date_of_birth, "SHORT_DATE_FORMAT") if m.date_of_birth else "",
        ),
        (_("Sex"), lambda m: m.get_gender_display()),
        (_("Citizen ID (CCCD)"), lambda m: m.cccd or ""),
        (_("Phone"), lambda m: m.phone),
    ]
    if sensitive:
        cols += [
            (_("Ethnicity"), lambda m: m.get_ethnicity_display()),
            (_("Religion"), lambda m: m.get_religion_display()),
        ]
    cols += [
        (_("Hamlet / residential group"), lambda m: m.hamlet),
        (_("Commune of residence"), lambda m: m.address_area.name if m.address_area_id else ""),
        (_("Branch or group"), lambda m: m.unit.name),
        (_("Joined on"), lambda m: date_format(m.joined_on, "SHORT_DATE_FORMAT")),
        (_("Member type"), lambda m: m.get_member_type_display()),
        (_("Core member"), lambda m: _yes(m.is_core)),
        (_("Party member"), lambda m: _yes(m.party_member)),
        (_("Occupation"), lambda m: m.occupation),
        (_("General education"), lambda m: m.get_education_display()),
        (_("Household situation"), lambda m: m.get_household_display()),
        (_("Has a smartphone"), lambda m: _yes(m.has_smartphone)),
        (_("Uses Zalo"), lambda m: _yes(m.uses_zalo)),
        (_("Uses Facebook"), lambda m: _yes(m.uses_facebook)),
        (_("VNeID account"), lambda m: m.get_vneid_level_display()),
        (_("Status"), lambda m: m.get_status_display()),
    ]
    return cols


def _rows(queryset, cols) -> Iterator[list[Any]]:
    for member in queryset.select_related("unit", "address_area").iterator(chunk_size=2000):
        yield [neutralise(get(member)) for _header, get in cols]


def write_xlsx(queryset, *, sensitive: bool) -> tuple[IO[bytes], int]:
    """The list as an XLSX file written row by row (XlsxWriter's constant-memory mode keeps
    only one row in memory); returns the open file, rewound, and the number of rows."""
    cols = columns(sensitive)
    output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    book = xlsxwriter.Workbook(output, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})  # fmt: skip
    sheet = book.add_worksheet(_("Members"))
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    for index, (header, _get) in enumerate(cols):
        sheet.write_string(0, index, header, bold)
        sheet.set_column(index, index, 28 if index in (1, 8, 9, 10) else 16)
    count = 0
    for count, row in enumerate(_rows(queryset, cols), start=1):
        for index, value in enumerate(row):
            sheet.write_string(count, index, str(value))
    book.close()
    output.seek(0)
    return output, count


def csv_lines(queryset, *, sensitive: bool) -> Iterator[str]:
    """The list as CSV lines (UTF-8 with a byte-order mark so Excel reads the accents)."""
    cols = columns(sensitive)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    writer.writerow([header for header, _get in cols])
    yield "\ufeff" + flush()
    for row in _rows(queryset, cols):
        writer.writerow(row)
        yield flush()
