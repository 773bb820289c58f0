"""The question bank from a spreadsheet (XLSX, XLS, ODS or CSV), all or nothing.

The file is read by core.spreadsheets (headers matched on their folded wording, Vietnamese
messages for a broken or foreign file); every row is checked by the same rules as a
question typed in (services.check_question), and the report lists every row with its
problems. A dry run stops there; an import writes only when no row has a problem.

Columns (Vietnamese headers, as in the template): Câu hỏi · Loại (một đáp án / nhiều đáp
án; blank: from the number of right options) · Chủ đề · Mức độ (dễ / trung bình / khó;
blank: trung bình) · Phương án A … Phương án F · Đáp án đúng ("B", or "A, C").
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import xlsxwriter
from django.utils.translation import gettext as _

from hoiso.contests import services
from hoiso.contests.models import Contest, Question
from hoiso.contests.services import QuestionData
from hoiso.core.errors import ServiceError
from hoiso.core.spreadsheets import SpreadsheetError, match_columns, read_table
from hoiso.core.text import fold

MAX_QUESTIONS = 2000
LETTERS = "ABCDEF"

COLUMNS = {
    "text": (["cau hoi", "noi dung cau hoi", "noi dung", "question"], True),
    "kind": (["loai", "loai cau hoi", "kieu", "kind"], False),
    "topic": (["chu de", "linh vuc", "topic"], False),
    "difficulty": (["muc do", "do kho", "difficulty"], False),
    **{
        f"option_{letter}": (
            [
                f"phuong an {letter.lower()}",
                f"dap an {letter.lower()}",
                letter.lower(),
                f"option {letter.lower()}",
            ],
            letter in "AB",
        )  # fmt: skip
        for letter in LETTERS
    },
    "right": (["dap an dung", "dap an", "phuong an dung", "answer", "right"], True),
}

KINDS = {
    "mot dap an": Question.Kind.SINGLE, "mot lua chon": Question.Kind.SINGLE, "don": Question.Kind.SINGLE,
    "single": Question.Kind.SINGLE, "nhieu dap an": Question.Kind.MULTIPLE,
    "nhieu lua chon": Question.Kind.MULTIPLE, "multiple": Question.Kind.MULTIPLE,
}  # fmt: skip
DIFFICULTIES = {"de": 1, "easy": 1, "1": 1, "trung binh": 2, "tb": 2, "medium": 2, "2": 2,
                "kho": 3, "hard": 3, "3": 3}  # fmt: skip


@dataclass
class RowReport:
    number: int
    text: str
    problems: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[RowReport] = field(default_factory=list)
    file_problem: str = ""
    written: int = 0
    dry_run: bool = True

    @property
    def bad_rows(self) -> list[RowReport]:
        return [r for r in self.rows if r.problems]

    @property
    def ok(self) -> bool:
        return not self.file_problem and bool(self.rows) and not self.bad_rows


def _cell(row, columns, name) -> str:
    index = columns.get(name)
    value = row[index] if index is not None else None
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _parse_row(row, columns) -> QuestionData:
    options = [_cell(row, columns, f"option_{letter}") for letter in LETTERS]
    raw_right = fold(_cell(row, columns, "right")).upper()
    letters = [x for x in re.split(r"[\s,;/+]+", raw_right) if x]
    if not letters:
        raise ServiceError(_("the right answer is missing (a letter such as B, or A, C)"))
    if any(len(x) != 1 or x not in LETTERS for x in letters):
        raise ServiceError(_("the right answer must be letters A to F, such as B or A, C"))
    for x in letters:
        if not options[LETTERS.index(x)].strip():
            raise ServiceError(_("the right answer %(x)s names an empty option") % {"x": x})
    kind_text = fold(_cell(row, columns, "kind"))
    if kind_text:
        if kind_text not in KINDS:
            raise ServiceError(_("the kind must be “một đáp án” or “nhiều đáp án”"))
        kind = KINDS[kind_text]
    else:
        kind = Question.Kind.SINGLE if len(letters) == 1 else Question.Kind.MULTIPLE
    difficulty_text = fold(_cell(row, columns, "difficulty"))
    if difficulty_text and difficulty_text not in DIFFICULTIES:
        raise ServiceError(_("the difficulty must be “dễ”, “trung bình” or “khó”"))
    return QuestionData(
        text=_cell(row, columns, "text"), kind=kind, topic=_cell(row, columns, "topic"),
        difficulty=DIFFICULTIES.get(difficulty_text, 2),
        options=[(o, LETTERS[n] in letters) for n, o in enumerate(options)],
    )  # fmt: skip


def _lower_first(message: str) -> str:
    message = message.rstrip(".")
    return message[:1].lower() + message[1:]


REQUIRED_LABELS = {"text": "Câu hỏi", "option_A": "Phương án A", "option_B": "Phương án B",
                   "right": "Đáp án đúng"}  # fmt: skip


def _columns(headers: list[str]) -> dict[str, int]:
    """The columns found; missing ones named as the template writes them."""
    try:
        return match_columns(headers, COLUMNS)
    except SpreadsheetError:
        folded = {fold(h).replace("_", " ") for h in headers}
        missing = [
            label for name, label in REQUIRED_LABELS.items() if not folded & set(COLUMNS[name][0])
        ]
        raise SpreadsheetError(
            _("Columns missing: %(columns)s. The file has: %(headers)s.")
            % {"columns": ", ".join(f"“{m}”" for m in missing),
               "headers": ", ".join(f"“{h}”" for h in headers if h) or _("no headers")}
        ) from None  # fmt: skip


def check_file(data: bytes, filename: str) -> tuple[ImportReport, list[QuestionData]]:
    """Read and check every row; nothing is written."""
    report = ImportReport()
    try:
        table = read_table(data, filename, max_rows=MAX_QUESTIONS)
        columns = _columns(table.headers)
    except SpreadsheetError as exc:
        report.file_problem = str(exc)
        return report, []
    good: list[QuestionData] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(table.rows):
        number = table.row_number(index)
        line = RowReport(number=number, text=_cell(row, columns, "text")[:120])
        try:
            question = services.check_question(_parse_row(row, columns))
        except ServiceError as exc:
            line.problems.append(_lower_first(str(exc)))
        else:
            key = fold(question.text)
            if key in seen:
                line.problems.append(_("the same question as in row %(r)d") % {"r": seen[key]})
            else:
                seen[key] = number
                good.append(question)
        report.rows.append(line)
    if not table.rows:
        report.file_problem = _("The file has no question rows under its header.")
    return report, good


def import_file(
    *, actor, contest: Contest, data: bytes, filename: str, dry_run: bool
) -> ImportReport:
    """Check the file; unless `dry_run`, write every question if (and only if) no row has a
    problem."""
    report, good = check_file(data, filename)
    report.dry_run = dry_run
    if dry_run or not report.ok:
        return report
    existing = {fold(t) for t in contest.questions.values_list("text", flat=True)}
    for line, question in zip(report.rows, good, strict=True):
        if fold(question.text) in existing:
            line.problems.append(_("this question is already in the bank"))
    if report.bad_rows:
        return report
    report.written = len(services.questions_import(actor=actor, contest=contest, rows=good))
    return report


def template_xlsx() -> bytes:
    """A ready-to-fill workbook with the Vietnamese headers and two example rows."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet("Ngân hàng câu hỏi")
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True})
    headers = [
        "Câu hỏi",
        "Loại",
        "Chủ đề",
        "Mức độ",
        *(f"Phương án {x}" for x in LETTERS),
        "Đáp án đúng",
    ]
    for col, header in enumerate(headers):
        sheet.write(0, col, header, bold)
    examples = [
        ["Hội Liên hiệp Phụ nữ Việt Nam được thành lập vào ngày, tháng, năm nào?", "Một đáp án",
         "Lịch sử Hội", "Dễ", "20/10/1930", "8/3/1910", "19/5/1930", "3/2/1930", "", "", "A"],
        ["Những phong trào nào do Hội LHPN Việt Nam phát động?", "Nhiều đáp án", "Phong trào",
         "Trung bình", "Phụ nữ tích cực học tập, lao động sáng tạo, xây dựng gia đình hạnh phúc",
         "Xây dựng gia đình 5 không, 3 sạch", "Toàn dân đoàn kết xây dựng đời sống văn hóa",
         "", "", "", "A, B"],
    ]  # fmt: skip
    for row, values in enumerate(examples, start=1):
        for col, value in enumerate(values):
            sheet.write_string(row, col, value)
    sheet.set_column(0, 0, 50)
    sheet.set_column(1, 3, 14)
    sheet.set_column(4, 9, 28)
    sheet.set_column(10, 10, 14)
    book.close()
    return output.getvalue()
