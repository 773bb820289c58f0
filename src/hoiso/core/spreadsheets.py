"""Reading the spreadsheets officials keep (XLSX, XLS, ODS, CSV), safely.

Every failure becomes a SpreadsheetError whose message is for the official, in her
language; nothing here writes anything. Column headers are matched on their folded
form, in any order and with the usual variations of wording.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from hoiso.core.text import fold

MAX_ROWS = 100_000


class SpreadsheetError(Exception):
    """The file cannot be read as a table; the message says why, for the official."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[object]]  # each row as read, one value per header
    first_row_number: int = 2  # the spreadsheet row number of rows[0], for messages


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


def _read_csv(data: bytes) -> list[list[object]]:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes nearly anything
        raise SpreadsheetError(_("The CSV file's text encoding is not recognised; save it as UTF-8."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _read_workbook(data: bytes) -> list[list[object]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise SpreadsheetError(_("The workbook has no sheet."))
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=True)
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
    header_index = next((i for i, r in enumerate(raw[:20]) if sum(not _blank(c) for c in r) >= 2), None)
    if header_index is None:
        raise SpreadsheetError(_("No header row was found in the first 20 rows."))
    headers = [str(c).strip() if not _blank(c) else "" for c in raw[header_index]]
    rows = []
    for row in raw[header_index + 1 :]:
        if all(_blank(c) for c in row):
            continue
        rows.append((list(row) + [None] * len(headers))[: len(headers)])
    if len(rows) > max_rows:
        raise SpreadsheetError(_("The file has more than %(n)d rows; split it.") % {"n": max_rows})
    return Table(headers, rows, header_index + 2)


def match_columns(headers: list[str], spec: dict[str, tuple[list[str], bool]]) -> dict[str, int]:
    """Map field names to column indexes. `spec` gives, for each field, the folded header
    wordings it answers to and whether it is required."""
    folded = [fold(h).replace("_", " ") for h in headers]
    found: dict[str, int] = {}
    for field, (wordings, _required) in spec.items():
        for index, header in enumerate(folded):
            if index not in found.values() and header in wordings:
                found[field] = index
                break
    missing = [spec[f][0][0] for f, (_w, required) in spec.items() if required and f not in found]
    if missing:
        raise SpreadsheetError(
            _("Columns missing: %(columns)s. The file has: %(headers)s.")
            % {"columns": ", ".join(f"“{m}”" for m in missing),
               "headers": ", ".join(f"“{h}”" for h in headers if h) or _("no headers")}  # fmt: skip
        )
    return found


def parse_int(value: object) -> int | None:
    """A whole number written by a person: 12345, 12.345, 12,345, "12 345" or 12345.0."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if text.endswith((".0", ",0")):
        text = text[:-2]
    digits = text.replace(".", "").replace(",", "")
    return int(digits) if digits.isdigit() else None
