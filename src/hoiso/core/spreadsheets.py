"""Reading the spreadsheets officials keep (XLSX, XLS, ODS, CSV), safely.

Every failure becomes a SpreadsheetError whose message is for the official, in her
language; nothing here writes anything. Column headers are matched on their folded
form, in any order and with the usual variations of wording.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from hoiso.core.text import fold

MAX_ROWS = 100_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SpreadsheetError(Exception):
    """The file cannot be read as a table; the message says why, for the official."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[object]]  # each row as read, one value per header
    first_row_number: int = 2  # the spreadsheet row number of rows[0], for messages
    row_numbers: list[int] = field(default_factory=list)  # the spreadsheet row number of each row

    def row_number(self, index: int) -> int:
        """The row number the official sees for rows[index] (blank rows were dropped)."""
        return self.row_numbers[index] if self.row_numbers else self.first_row_number + index


def _sniff(data: bytes, filename: str) -> str:
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile as exc:
            raise SpreadsheetError(_("The file is damaged and cannot be opened.")) from exc
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        raise SpreadsheetError(_("This is not a spreadsheet. Upload an Excel (.xlsx) or CSV file."))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if name.endswith((".xlsx", ".xls", ".ods")):
        raise SpreadsheetError(_("The file is damaged or is not really an Excel file."))
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(_("This is not a spreadsheet. Upload an Excel (.xlsx) or CSV file."))
    return "csv"


def csv_rows(data: bytes) -> tuple[Iterator[list[str]], str]:
    """The rows of a CSV file (UTF-8, or Windows' Vietnamese code page; comma, semicolon or
    tab), and its decoded text."""
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes nearly anything
        raise SpreadsheetError(
            _("The CSV file's text encoding is not recognised; save it as UTF-8.")
        )
    return csv.reader(io.StringIO(text), delimiter=_delimiter(text[:8192])), text


def _delimiter(sample: str) -> str:
    """The separator that splits the most lines of the sample into the same number of
    fields, more than one (then the one that gives more fields). Excel saves CSV with the
    list separator of Windows' regional settings (a semicolon in Vietnamese), and lists
    often start with a title line with no separator at all, which defeats csv.Sniffer (it
    wants every line alike)."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in ",;\t":
        widths = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter) if len(row) > 1)
        if widths:
            score = max((n, width) for width, n in widths.items())
            if score > best_score:
                best, best_score = delimiter, score
    return best


def _read_csv(data: bytes) -> list[list[object]]:
    return list(csv_rows(data)[0])


def _read_workbook(data: bytes) -> list[list[object]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise SpreadsheetError(_("The workbook has no sheet."))
        # From cell A1, empty rows above included, so that row numbers are the sheet's own.
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except SpreadsheetError:
        raise
    except Exception as exc:  # calamine raises several error types for broken files
        raise SpreadsheetError(_("The file is damaged and cannot be opened.")) from exc


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(data: bytes, filename: str, *, max_rows: int = MAX_ROWS) -> Table:
    """The first sheet (or the CSV) as a header row and data rows; blank rows dropped."""
    if not data:
        raise SpreadsheetError(_("The file is empty."))
    if len(data) > settings.HOISO_MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            _("The file is too large (at most %(mb)d MB).")
            % {"mb": settings.HOISO_MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    kind = _sniff(data, filename)
    raw = _read_csv(data) if kind == "csv" else _read_workbook(data)
    # The header is the first row with at least two filled cells (titles above it are skipped).
    header_index = next(
        (i for i, r in enumerate(raw[:20]) if sum(not _blank(c) for c in r) >= 2), None
    )
    if header_index is None:
        raise SpreadsheetError(_("No header row was found in the first 20 rows."))
    headers = [str(c).strip() if not _blank(c) else "" for c in raw[header_index]]
    rows, numbers = [], []
    for number, row in enumerate(raw[header_index + 1 :], start=header_index + 2):
        if all(_blank(c) for c in row):
            continue
        rows.append((list(row) + [None] * len(headers))[: len(headers)])
        numbers.append(number)
    if len(rows) > max_rows:
        raise SpreadsheetError(_("The file has more than %(n)d rows; split it.") % {"n": max_rows})
    return Table(headers, rows, numbers[0] if numbers else header_index + 2, numbers)


def match_columns(headers: list[str], spec: dict[str, tuple[list[str], bool]]) -> dict[str, int]:
    """Map field names to column indexes. `spec` gives, for each field, the folded header
    wordings it answers to and whether it is required."""
    folded = [fold(h).replace("_", " ") for h in headers]
    found: dict[str, int] = {}
    for name, (wordings, _required) in spec.items():
        for index, header in enumerate(folded):
            if index not in found.values() and header in wordings:
                found[name] = index
                break
    missing = [spec[f][0][0] for f, (_w, required) in spec.items() if required and f not in found]
    if missing:
        raise SpreadsheetError(
            _("Columns missing: %(columns)s. The file has: %(headers)s.")
            % {
                "columns": ", ".join(f"“{m}”" for m in missing),
                "headers": ", ".join(f"“{h}”" for h in headers if h) or _("no headers"),
            }
        )
    return found


# Digits alone, or groups of three after the first, separated all by dots or all by commas.
_WHOLE_NUMBER = re.compile(r"[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?:,[0-9]{3})+")


def parse_int(value: object) -> int | None:
    """A whole number written by a person: 12345, 12.345, 12,345, "12 345" or 12345.0.
    A decimal such as "12,5" is not a whole number (not 125)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if text.endswith((".0", ",0")):
        text = text[:-2]
    if not _WHOLE_NUMBER.fullmatch(text):
        return None
    return int(text.replace(".", "").replace(",", ""))
