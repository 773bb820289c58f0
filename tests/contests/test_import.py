"""The question bank from Excel/CSV: the template reads back, a dry run lists every row's
problems, the import is all or nothing, and bad files get a clear message."""

from __future__ import annotations

import io
import zipfile

import pytest

from hoiso.contests import importing
from hoiso.contests.models import Option, Question
from tests.contests.helpers import nothing_changes
from tests.helpers import xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.portable]

HEADER = ["Câu hỏi", "Loại", "Chủ đề", "Mức độ", "Phương án A", "Phương án B", "Phương án C", "Phương án D",
          "Đáp án đúng"]  # fmt: skip


@pytest.fixture
def contest(tree, xa_officer):
    from tests.contests.helpers import make_contest

    return make_contest(xa_officer, tree.a, publish=False, questions=0, closed_round=False)


def _import(contest, actor, data, name="cau-hoi.xlsx", dry_run=False):
    return importing.import_file(
        actor=actor, contest=contest, data=data, filename=name, dry_run=dry_run
    )


def test_the_template_imports_as_it_is(contest, xa_officer):
    report = _import(contest, xa_officer, importing.template_xlsx())
    assert report.ok and report.written == 2
    single, multiple = contest.questions.order_by("pk")
    assert single.kind == "single" and single.topic == "Lịch sử Hội" and single.difficulty == 1
    assert multiple.kind == "multiple" and multiple.options.filter(is_correct=True).count() == 2


def test_a_dry_run_lists_every_row_and_writes_nothing(contest, xa_officer, english):
    rows = [HEADER,
            ["Câu đúng?", "", "", "", "Có", "Không", "", "", "B"],
            ["", "", "", "", "Có", "Không", "", "", "A"],
            ["Câu thiếu đáp án?", "", "", "", "Có", "Không", "", "", ""],
            ["Câu chữ lạ?", "", "", "", "Có", "Không", "", "", "Z"],
            ["Câu trỏ ô trống?", "", "", "", "Có", "Không", "", "", "C"],
            ["Câu một đáp án mà hai đúng?", "một đáp án", "", "", "Có", "Không", "", "", "A, B"],
            ["Câu mức độ lạ?", "", "", "siêu khó", "Có", "Không", "", "", "A"],
            ["Câu đúng?", "", "", "", "Có", "Không", "", "", "A"]]  # fmt: skip
    with nothing_changes():
        report = _import(contest, xa_officer, xlsx_bytes(rows), dry_run=True)
    problems = {r.number: "; ".join(r.problems) for r in report.rows}
    assert problems[2] == ""
    assert "enter the question" in problems[3]
    assert "right answer is missing" in problems[4]
    assert "letters A to F" in problems[5]
    assert "names an empty option" in problems[6]
    assert "exactly one right option" in problems[7]
    assert "difficulty" in problems[8]
    assert "same question as in row 2" in problems[9]
    assert len(report.bad_rows) == 7 and not report.ok


def test_all_or_nothing(contest, xa_officer):
    rows = [HEADER, ["Câu một?", "", "", "", "Có", "Không", "", "", "A"],
            ["Câu hai?", "", "", "", "Có", "", "", "", "A"]]  # fmt: skip
    with nothing_changes():
        report = _import(contest, xa_officer, xlsx_bytes(rows))
    assert report.written == 0 and len(report.bad_rows) == 1
    assert not Question.objects.exists() and not Option.objects.exists()


def test_a_question_already_in_the_bank_is_refused(contest, xa_officer, english):
    rows = [HEADER, ["Câu một?", "", "", "", "Có", "Không", "", "", "A"]]
    assert _import(contest, xa_officer, xlsx_bytes(rows)).written == 1
    with nothing_changes():
        report = _import(contest, xa_officer, xlsx_bytes(rows))
    assert report.written == 0 and "already in the bank" in report.rows[0].problems[0]


def test_csv_in_any_order_with_hostile_strings(contest, xa_officer, english):
    text = ("Đáp án đúng;Câu hỏi;Phương án A;Phương án B\n"
            "A;=HYPERLINK(\"http://x\");<img src=x onerror=alert(1)>;Không\n"
            "B;Câu có ký tự\u202eđảo chiều?;Có;Không\n")  # fmt: skip
    with nothing_changes():
        report = _import(contest, xa_officer, text.encode("utf-8"), name="cau-hoi.csv")
    assert report.rows[0].problems == []  # stored as text, shown escaped
    assert "invisible control characters" in report.rows[1].problems[0]
    text = text.splitlines()[0] + "\n" + text.splitlines()[1] + "\n"
    report = _import(contest, xa_officer, text.encode("utf-8"), name="cau-hoi.csv")
    assert report.written == 1
    assert Question.objects.get().text == '=HYPERLINK("http://x")'


@pytest.mark.parametrize("data,name,message", [
    (b"", "x.xlsx", "empty"),
    (b"PK\x03\x04garbage", "x.xlsx", "damaged"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "x.xlsx", "damaged or is not really an Excel"),
    ("Họ tên,Ngày sinh\nA,B\n".encode(), "x.csv", "Columns missing"),
    ("Câu hỏi,Phương án A,Phương án B,Đáp án đúng\n".encode(), "x.csv", "no question rows"),
    ("Câu hỏi,Đáp án đúng\nA,B\n".encode(), "x.csv", "Columns missing: “Phương án A”, “Phương án B”"),
])  # fmt: skip
def test_broken_files_get_a_clear_message(contest, xa_officer, english, data, name, message):
    with nothing_changes():
        report = _import(contest, xa_officer, data, name=name)
    assert message in report.file_problem and report.written == 0


def test_a_zip_that_is_no_workbook(contest, xa_officer, english):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    report = _import(contest, xa_officer, buffer.getvalue())
    assert "not a spreadsheet" in report.file_problem


def test_an_outsider_cannot_import(contest, xa_officer_other):
    from hoiso.core.errors import ServiceError

    with nothing_changes(), pytest.raises(ServiceError):
        _import(contest, xa_officer_other, importing.template_xlsx())
