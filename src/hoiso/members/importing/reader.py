"""Reading a member list row by row, so that a province's 260,000 rows never sit in memory.

`open_sheet(data, file_name)` finds the header row as core.spreadsheets.read_table does (the
first row with two filled cells among the first 20) and gives the data rows in chunks, each
row as (spreadsheet row number, cells padded to the headers). Blank rows are skipped.

XLSX is streamed out of the zip a few megabytes of the sheet's XML at a time: calamine given
the whole file builds the whole sheet in memory first (about 560 MB for 260,000 rows of the
template), which is the one thing an import of that size cannot afford. Each piece (whole
rows) is handed to calamine as a small workbook of its own — the piece's rows, the file's
styles (date formats) and 1904 flag, no shared strings: their cells are passed through
marked and looked up here — so that the XML is parsed in calamine's Rust, about three times
faster than in Python. A piece calamine cannot take so (rows without numbers, a namespace
prefix, a shared string written otherwise) is read by the Python reader below, which gives
the same cells. tests/members/test_import_bulk.py checks both against calamine reading the
whole workbook. XLS and ODS, rare and small, go through calamine; CSV through the csv module.
"""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from hoiso.core import spreadsheets
from hoiso.core.spreadsheets import SpreadsheetError

MAX_ROWS = 300_000  # a province's whole membership in one file
HEADER_SEARCH = 20

Row = tuple[int, list]  # (spreadsheet row number, cells)


@dataclass
class Sheet:
    headers: list[str]
    header_number: int  # the spreadsheet row number of the header row
    rows: Iterator[list]  # raw rows after the header, each as a list of cells, from header+1
    estimated_rows: int  # rows after the header, blank ones included (for progress)

    def chunks(self, size: int) -> Iterator[list[Row]]:
        """The data rows, blank ones dropped, `size` at a time."""
        width = len(self.headers)
        chunk: list[Row] = []
        count = 0
        for number, raw in enumerate(self.rows, start=self.header_number + 1):
            if not any(not _blank(c) for c in raw):
                continue
            count += 1
            if count > MAX_ROWS:
                raise SpreadsheetError(_("The file has more than %(n)d rows; split it.")
                                       % {"n": MAX_ROWS})  # fmt: skip
            cells = list(raw[:width])
            if len(cells) < width:
                cells.extend([None] * (width - len(cells)))
            chunk.append((number, cells))
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def open_sheet(data: bytes, file_name: str) -> Sheet:
    """The first sheet (or the CSV) of an upload, ready to stream; SpreadsheetError with the
    official's message for a file that cannot be read."""
    if not data:
        raise SpreadsheetError(_("The file is empty."))
    if len(data) > settings.HOISO_MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            _("The file is too large (at most %(mb)d MB).")
            % {"mb": settings.HOISO_MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    kind = spreadsheets._sniff(data, file_name)  # the same recognition as read_table
    if kind == "csv":
        rows, estimate = _csv_rows(data)
    elif kind == "xlsx":
        rows, estimate = _xlsx_rows(data)
    else:
        rows, estimate = _calamine_rows(data)
    head: list[list] = []
    for raw in rows:
        head.append(raw)
        if sum(not _blank(c) for c in raw) >= 2:
            break
        if len(head) >= HEADER_SEARCH:
            raise SpreadsheetError(_("No header row was found in the first 20 rows."))
    else:
        raise SpreadsheetError(_("No header row was found in the first 20 rows."))
    headers = [str(c).strip() if not _blank(c) else "" for c in head[-1]]
    return Sheet(headers, len(head), rows, max(estimate - len(head), 0))


def _csv_rows(data: bytes) -> tuple[Iterator[list], int]:
    rows, text = spreadsheets.csv_rows(data)
    return rows, text.count("\n") + 1


def _calamine_rows(data: bytes) -> tuple[Iterator[list], int]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise SpreadsheetError(_("The workbook has no sheet."))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except SpreadsheetError:
        raise
    except Exception as exc:  # calamine raises several error types for broken files
        raise SpreadsheetError(_("The file is damaged and cannot be opened.")) from exc
    return iter(rows), len(rows)


# --- XLSX, streamed -------------------------------------------------------------------------

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
# One cell: its attributes, and inside it an optional formula, then the value or an inline string.
_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(?:<(?:\w+:)?f\b[^>]*?(?:/>|>.*?</(?:\w+:)?f>))?"
    rb"(?:<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>|<(?:\w+:)?is>(.*?)</(?:\w+:)?is>)?.*?</(?:\w+:)?c>)",
    re.S,
)
_CELL_REF = re.compile(rb'\br="([A-Z]+)\d*"')
_CELL_TYPE = re.compile(rb'\bt="(\w+)"')
_CELL_STYLE = re.compile(rb'\bs="(\d+)"')
_TEXT_RUN = re.compile(rb"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", re.S)
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);")
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_CHUNK = 1 << 22  # bytes of sheet XML per piece: about 3,500 rows of the template
# A shared string's cell handed to calamine as a formula's text: this private-use character
# and the string's index (calamine is given no shared strings table, which it would parse
# again for every piece).
_SHARED_MARK = "\ue000"
_SHARED_MARK_BYTES = _SHARED_MARK.encode()
_SHARED_CELL = b' t="s"><v>'
_SHARED_AS_TEXT = b' t="str"><v>' + _SHARED_MARK_BYTES
_PIECE_PARTS = {
    "[Content_Types].xml": (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        b'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        b'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
        b'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="'
        b'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
        b'"xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
        b'"worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.'
        b'org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'
    ),
}
_PIECE_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships">%s<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_EMPTY_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"/>'
)
_DATE_1904 = re.compile(rb'<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"')
_SHEET_START = re.compile(rb"<((?:\w+:)?)worksheet\b[^>]*>")
_FAST = re.compile(
    rb'<row r="(\d+)"[^>]*>'
    rb'|<c r="([A-Z]+)\d+"(?: s="(\d+)")?(?: t="(\w+)")?(?: [^>]*)?(?:/>|>'
    rb"(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?"
    rb'(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>|<is>(.*?)</is>)?</c>)',
    re.S,
)
_COLUMNS = {bytes(chr(65 + i), "ascii"): i for i in range(26)}


# Built-in number formats that are dates or times (ECMA-376 18.8.30, and the East Asian ones).
_DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)}
_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
_EPOCH_1904 = datetime.datetime(1904, 1, 1)


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8")
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    if "_x" in text:
        text = _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _entity(match: re.Match) -> str:
    name = match.group(1)
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _ENTITIES[name]


def _rich_text(inner: bytes) -> str:
    """The text of a shared or inline string: its runs joined, phonetic guides left out."""
    if b"<rPh" in inner or b":rPh" in inner:
        inner = _PHONETIC.sub(b"", inner)
    return "".join(_unescape(m.group(1) or b"") for m in _TEXT_RUN.finditer(inner))


def _first_sheet_path(book: zipfile.ZipFile) -> str:
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    sheet = workbook.find(f"{_NS}sheets/{_NS}sheet")
    if sheet is None:
        raise SpreadsheetError(_("The workbook has no sheet."))
    rel_id = sheet.get(f"{_REL_NS}id")
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            return posixpath.normpath(path)
    raise SpreadsheetError(_("The file is damaged and cannot be opened."))


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    try:
        data = book.read("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings = []
    for match in re.finditer(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", data, re.S):
        strings.append(_rich_text(match.group(1) or b""))
    return strings


def _is_date_code(code: str) -> bool:
    """A custom number format shows a date when it has d, m, y, h or s outside quotes,
    brackets (colours, locales) and escapes."""
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.', "", code).lower()
    return "general" not in code and bool(re.search(r"[dmyhs]", code))


def _date_styles(book: zipfile.ZipFile) -> set[int]:
    """The indexes of cell styles (s="…") whose number format is a date."""
    try:
        styles = ElementTree.fromstring(book.read("xl/styles.xml"))
    except KeyError:
        return set()
    custom = {}
    for fmt in styles.iter(f"{_NS}numFmt"):
        custom[int(fmt.get("numFmtId", "0"))] = _is_date_code(fmt.get("formatCode", ""))
    dates = set()
    xfs = styles.find(f"{_NS}cellXfs")
    for index, xf in enumerate(xfs if xfs is not None else []):
        fmt_id = int(xf.get("numFmtId", "0"))
        if custom.get(fmt_id, fmt_id in _DATE_FORMAT_IDS):
            dates.add(index)
    return dates


def _column_index(letters: bytes, cache: dict[bytes, int] = {}) -> int:  # noqa: B006 - a cache
    index = cache.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            index = index * 26 + ch - 64
        index -= 1
        cache[letters] = index
    return index


class _XlsxRows:
    """The rows of the first sheet, decompressed and parsed a megabyte at a time."""

    def __init__(self, data: bytes):
        try:
            self.book = zipfile.ZipFile(io.BytesIO(data))
            self.path = _first_sheet_path(self.book)
            self.strings = _shared_strings(self.book)
            self.dates = _date_styles(self.book)
            self.info = self.book.getinfo(self.path)
            self.date1904 = bool(_DATE_1904.search(self.book.read("xl/workbook.xml")))
            try:
                self.styles = self.book.read("xl/styles.xml")
            except KeyError:
                self.styles = _EMPTY_STYLES
            self.epoch = _EPOCH_1904 if self.date1904 else _EXCEL_EPOCH
        except SpreadsheetError:
            raise
        except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError) as exc:
            raise SpreadsheetError(_("The file is damaged and cannot be opened.")) from exc

    def estimate(self) -> int:
        """The sheet's row count from its <dimension>, else a guess from its size."""
        with self.book.open(self.path) as handle:
            head = handle.read(4096)
        match = re.search(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
        return int(match.group(1)) if match else self.info.file_size // 500

    def __iter__(self) -> Iterator[list]:
        try:
            yield from self._rows()
        except (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError, ValueError) as exc:
            raise SpreadsheetError(_("The file is damaged and cannot be opened.")) from exc

    def _rows(self) -> Iterator[list]:
        expected = 1
        with self.book.open(self.path) as handle:
            buffer = b""
            root = None  # the sheet's root tag (its namespaces) and prefix, for the pieces
            while True:
                block = handle.read(_CHUNK)
                buffer += block
                if root is None:
                    start = _SHEET_START.search(buffer)
                    root = (start.group(0), start.group(1)) if start else (b"", b"")
                end = buffer.rfind(b"</row>") if block else len(buffer)
                if end < 0:
                    continue
                end = end + 6 if block else end
                part = buffer[:end]
                rows = self._calamine(part, *root)
                if rows is None:
                    rows = self._fast(part)
                if rows is None:  # something the fast expression does not read
                    rows = self._general(part)
                for number, cells in rows:
                    number = number or expected
                    while expected < number:  # rows the sheet leaves out are blank
                        yield []
                        expected += 1
                    yield cells
                    expected = number + 1
                buffer = buffer[end:]
                if not block:
                    return

    def _calamine(self, part: bytes, root: bytes, prefix: bytes) -> list[tuple[int, list]] | None:
        """The rows of `part` (whole rows, perhaps after the sheet's start) read by calamine as
        a workbook of their own; None when the piece is not one it can take so."""
        first = part.find(b"<" + prefix + b"row")
        if not root or first < 0 or prefix:
            return None
        part = part[first:]
        rows_tagged = part.count(b"<row ") + part.count(b"<row>")
        if part.count(b'<row r="') != rows_tagged or _SHARED_MARK_BYTES in part:
            return None  # rows without numbers, or text that looks like the mark
        shared = part.count(b' t="s"')
        if shared:
            part = part.replace(_SHARED_CELL, _SHARED_AS_TEXT)
            if part.count(_SHARED_AS_TEXT) != shared:
                return None  # a shared string written otherwise (with a formula, …)
        end = part.rfind(b"</row>")
        if end < 0:
            return None
        xml = b"".join((root, b"<sheetData>", part[: end + 6], b"</sheetData></worksheet>"))
        book = io.BytesIO()
        with zipfile.ZipFile(book, "w", zipfile.ZIP_STORED) as out:
            for name, content in _PIECE_PARTS.items():
                out.writestr(name, content)
            flag = b'<workbookPr date1904="1"/>' if self.date1904 else b""
            out.writestr("xl/workbook.xml", _PIECE_WORKBOOK % flag)
            out.writestr("xl/styles.xml", self.styles)
            out.writestr("xl/worksheets/sheet1.xml", xml)
        book.seek(0)
        try:
            sheet = CalamineWorkbook.from_filelike(book).get_sheet_by_index(0)
            values = sheet.to_python(skip_empty_area=True)
            top, left = sheet.start or (0, 0)
        except Exception:  # noqa: BLE001 - calamine raises several types: the Python reader decides
            return None
        if shared:
            strings, mark = self.strings, _SHARED_MARK
            values = [[strings[int(c[1:])] if type(c) is str and c[:1] == mark else c
                       for c in row] for row in values]  # fmt: skip
        if left:
            pad = [None] * left
            values = [pad + row for row in values]
        return list(enumerate(values, start=top + 1))

    def _general(self, part: bytes) -> Iterator[tuple[int, list]]:
        for match in _ROW.finditer(part):
            number = _ROW_NUMBER.search(match.group(1))
            yield (int(number.group(1)) if number else 0), self._cells(match.group(2) or b"")

    def _fast(self, part: bytes) -> list[tuple[int, list]] | None:
        """Rows as Excel and XlsxWriter write them (attributes r, s, t in that order), with
        one regular expression over the whole part: a cell costs a few operations. None
        when the part has a row or cell written otherwise (a namespace prefix, another
        attribute order): the general reader takes it."""
        found = _FAST.findall(part)
        if len(found) != part.count(b"<row ") + part.count(b"<c ") or b":row" in part:
            return None
        rows: list[tuple[int, list]] = []
        cells: list = []
        width = 0  # len(cells), kept by hand: this loop runs once per cell of the file
        strings, dates, columns = self.strings, self.dates, _COLUMNS
        for number, col, style, kind, value, text, rich in found:
            if number:
                cells, width = [], 0
                rows.append((int(number), cells))
                continue
            index = columns.get(col)
            if index is None:
                index = _column_index(col)
            if index != width:
                if index < width:
                    continue  # pragma: no cover - a cell out of order; Excel never writes one
                cells.extend([None] * (index - width))
                width = index
            if kind == b"inlineStr":
                if text and b"&" not in text and b"_x" not in text:
                    cell = text.decode()  # the usual cell: plain text, nothing to unescape
                else:
                    cell = _unescape(text) if text or not rich else _rich_text(rich)
            elif kind == b"s":
                cell = strings[int(value)] if value else None
            elif not kind or kind == b"n":
                if not value:
                    cell = None
                elif style and int(style) in dates:
                    number_ = float(value)
                    cell = self.epoch + datetime.timedelta(days=number_)
                    cell = cell.date() if number_.is_integer() else cell
                else:
                    cell = float(value)
            elif kind == b"b":
                cell = value == b"1" if value else None
            elif kind in (b"str", b"d"):
                cell = _unescape(value) if value else None
            else:
                cell = None
            cells.append(cell)
            width += 1
        return rows

    def _cells(self, xml: bytes) -> list:
        cells: list = []
        strings, dates = self.strings, self.dates
        for attrs, value, inline in _CELL.findall(xml):
            ref = _CELL_REF.search(attrs)
            col = _column_index(ref.group(1)) if ref else len(cells)
            if col > len(cells):
                cells.extend([None] * (col - len(cells)))
            kind = _CELL_TYPE.search(attrs)
            kind = kind.group(1) if kind else b"n"
            if kind == b"s":
                cell = strings[int(value)] if value else None
            elif kind == b"inlineStr":
                cell = _rich_text(inline)
            elif kind in (b"str", b"d"):
                cell = _unescape(value) if value else None
            elif kind == b"e":
                cell = None  # as calamine: an error shows no value
            elif kind == b"b":
                cell = value == b"1" if value else None
            elif value:
                number = float(value)
                style = _CELL_STYLE.search(attrs) if dates else None
                if style and int(style.group(1)) in dates:
                    cell = self.epoch + datetime.timedelta(days=number)
                    cell = cell.date() if number.is_integer() else cell  # as calamine
                else:
                    cell = number
            else:
                cell = None
            cells.append(cell)
        return cells


def _xlsx_rows(data: bytes) -> tuple[Iterator[list], int]:
    rows = _XlsxRows(data)
    return iter(rows), rows.estimate()
