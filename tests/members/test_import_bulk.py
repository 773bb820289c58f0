"""The bulk write of an import (importing/bulk.py) and the streamed reading of its file
(importing/reader.py): what member_admit and member_update would write is written — history,
events, import records — re-imports update, a row refused only at write time is handled per
mode, and the streamed XLSX reads as calamine reads it."""

import datetime
import io

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from hoiso.members.importing import bulk
from hoiso.members.importing import services as imports
from hoiso.members.importing.reader import open_sheet
from hoiso.members.models import ImportBatch, ImportedMember, Member, MemberEvent
from tests.members.helpers import admit, make_cccd
from tests.members.test_import import BAD, CCCD_LAN, GOOD, HEADERS, checked, workbook

pytestmark = [pytest.mark.django_db, pytest.mark.portable]


def test_created_and_updated_members_have_history_events_and_import_records(tree, xa_officer):
    first = checked(xa_officer, tree.a1, GOOD)
    imports.batch_import(actor=xa_officer, batch=first, mode="all")
    again = [list(row) for row in GOOD]
    again[0][5] = "0911 111 111"
    again.append([4, "Đặng Thị Mới", "01/01/1980", "Nữ", None, None, None, None, None, None, None])
    second = checked(xa_officer, tree.a1, again)
    written = imports.batch_import(actor=xa_officer, batch=second, mode="valid")
    assert (written.created, written.updated, written.unchanged) == (1, 1, 2)
    assert Member.objects.count() == 4
    lan = Member.objects.get(cccd=CCCD_LAN)
    kinds = list(
        lan.history.order_by("history_id").values_list("history_type", "phone", "history_user")
    )
    assert kinds == [("+", "0912345678", xa_officer.pk), ("~", "0911111111", xa_officer.pk)]
    tracked = [f.attname for f in Member.history.model._meta.concrete_fields
               if not f.attname.startswith("history_")]  # fmt: skip
    changed = lan.history.latest("history_id")  # the record as stored after the update
    assert {f: getattr(changed, f) for f in tracked} == {f: getattr(lan, f) for f in tracked}
    assert lan.updated_at > lan.created_at
    new = Member.objects.get(full_name="Đặng Thị Mới")
    assert list(new.events.values_list("kind", "to_unit")) == [
        (MemberEvent.Kind.ADMITTED, tree.a1.pk)
    ]
    assert set(ImportedMember.objects.filter(batch=second).values_list("member__full_name", "created",
                                                                         "row_number")) == {
        ("Nguyễn Thị Lan", False, 3), ("Đặng Thị Mới", True, 6)}  # fmt: skip
    assert MemberEvent.objects.filter(member=lan).count() == 1  # an update is no admission


def _clash_before_write(monkeypatch, actor, unit, cccd):
    """Another commune's official admits a member with `cccd` after the import checked its
    rows and before it writes them (what a concurrent request would do)."""
    write = bulk.Writer.write

    def write_after_clash(self, rows):
        if not Member.objects.filter(cccd=cccd).exists():
            admit(actor, unit, full_name="Mai Thị Nhanh", cccd=cccd,
                  date_of_birth=datetime.date(1990, 5, 12))  # fmt: skip
        return write(self, rows)

    monkeypatch.setattr(bulk.Writer, "write", write_after_clash)


def test_a_row_refused_at_write_time_is_skipped_in_valid_mode(
    tree, xa_officer, xa_officer_other, monkeypatch, english
):
    batch = checked(xa_officer, tree.a1, GOOD)
    _clash_before_write(monkeypatch, xa_officer_other, tree.b1, CCCD_LAN)
    written = imports.batch_import(actor=xa_officer, batch=batch, mode="valid")
    assert (written.created, written.failed) == (2, 1)
    assert set(Member.objects.filter(unit_path__startswith=tree.a.path)
               .values_list("full_name", flat=True)) == {"Trần Thị Bích", "Lê Thị Cúc"}  # fmt: skip
    batch.refresh_from_db()
    assert (batch.status, batch.rows_created, batch.rows_error) == (ImportBatch.Status.DONE, 2, 1)
    (row,) = [r for r in batch.outcome["rows"] if r["problems"]]
    assert row["n"] == 3 and "another member already has this citizen ID" in row["problems"][0]
    report = open_sheet(imports.batch_report(batch=batch), "loi.xlsx")
    assert [cells[1] for _n, cells in next(report.chunks(10))] == ["Nguyễn Thị Lan"]


def test_a_row_refused_at_write_time_stops_all_or_nothing(
    tree, xa_officer, xa_officer_other, monkeypatch
):
    batch = checked(xa_officer, tree.a1, GOOD)
    _clash_before_write(monkeypatch, xa_officer_other, tree.b1, CCCD_LAN)
    written = imports.batch_import(actor=xa_officer, batch=batch, mode="all")
    assert (written.created, written.updated, written.failed) == (0, 0, 1)
    assert not Member.objects.filter(unit_path__startswith=tree.a.path).exists()
    assert not ImportedMember.objects.exists() and not MemberEvent.objects.filter(
        to_unit__path__startswith=tree.a.path).exists()  # fmt: skip
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED and batch.rows_error == 1


def test_rows_of_several_chunks_keep_their_rules(tree, xa_officer, monkeypatch):
    """Chunks of two rows: a duplicate across chunks is caught, the bad rows skipped."""
    monkeypatch.setattr("hoiso.members.importing.apply.CHUNK", 2)
    rows = [*GOOD, *BAD]
    batch = checked(xa_officer, tree.a1, rows)
    assert (batch.rows_total, batch.rows_created, batch.rows_error) == (10, 3, 7)
    written = imports.batch_import(actor=xa_officer, batch=batch, mode="valid")
    assert (written.created, written.failed) == (3, 7)
    assert Member.objects.count() == 3
    assert imports.batch_undo(actor=xa_officer, batch=batch) == 3


def test_an_under_age_ordinary_member_and_a_retired_unit_are_refused(tree, xa_officer, english):
    from hoiso.org.models import Unit

    Unit.objects.filter(pk=tree.a2.pk).update(active_to=datetime.date(2020, 1, 1))
    young = datetime.date.today().replace(year=datetime.date.today().year - 17)
    rows = [[1, "Ngô Thị Trẻ", young.strftime("%d/%m/%Y"), "Nữ", None, None, None, None, None, None, None],
            [2, "Lý Thị Cũ", "01/01/1980", "Nữ", None, None, "Khu vực 2", None, None, None, None]]  # fmt: skip
    batch = checked(xa_officer, tree.a1, rows)
    found = {r["n"]: " ".join(r["problems"]) for r in batch.outcome["rows"]}
    assert "18 or older" in found[3] and "Khu vực 2" in found[4]
    assert imports.batch_import(actor=xa_officer, batch=batch, mode="valid").created == 0


def test_the_streamed_xlsx_reads_as_calamine_reads_it():
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet()
    bold, dates = book.add_format({"bold": True}), book.add_format({"num_format": "dd/mm/yyyy"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for col, header in enumerate(HEADERS):
        sheet.write_string(2, col, header)
    sheet.write_rich_string(3, 1, "Nguyễn ", bold, "Thị", " Lan")
    sheet.write_string(3, 9, 'a & b <c> "q"')
    sheet.write_datetime(3, 2, datetime.datetime(1990, 5, 12), dates)
    sheet.write_datetime(3, 6, datetime.datetime(2020, 1, 2, 3, 4), stamp)
    sheet.write_number(3, 5, 912345678)
    sheet.write_boolean(3, 10, True)
    sheet.write_number(6, 4, 92190000901)
    sheet.write_formula(6, 9, '=CONCATENATE("Nông"," dân")', None, "Nông dân")
    book.close()
    for data in (output.getvalue(), workbook([*GOOD, *BAD])):
        calamine = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        expected = calamine.to_python(skip_empty_area=False)
        streamed = open_sheet(data, "a.xlsx")
        header = next(i for i, r in enumerate(expected) if sum(c not in ("", None) for c in r) >= 2)
        assert streamed.headers == [str(c).strip() for c in expected[header]]
        want = [(i + 1, [None if c == "" else c for c in r][: len(HEADERS)])
                for i, r in enumerate(expected) if i > header and any(c not in ("", None) for c in r)]  # fmt: skip
        got = [(n, [None if c == "" else c for c in cells]) for chunk in streamed.chunks(2)
               for n, cells in chunk]  # fmt: skip
        assert got == [(n, r + [None] * (len(HEADERS) - len(r))) for n, r in want]


def test_a_csv_streams_too(tree, xa_officer):
    text = "Họ và tên;Ngày sinh;Số CCCD\nNguyễn Thị Lan;12/05/1990;" + make_cccd(serial=77) + "\n\n"
    sheet = open_sheet(text.encode(), "ds.csv")
    assert sheet.headers == ["Họ và tên", "Ngày sinh", "Số CCCD"]
    assert [n for chunk in sheet.chunks(10) for n, _c in chunk] == [2]


def test_a_csv_from_vietnamese_excel_with_a_title_line(tree, xa_officer):
    # Excel with Vietnamese regional settings separates with semicolons, and lists often
    # open with a title line (here with a comma in it), which defeated csv.Sniffer.
    text = ("DANH SÁCH HỘI VIÊN, CHI HỘI ẤP 3\r\nHọ và tên;Ngày sinh;Số CCCD\r\n"
            f"Nguyễn Thị Lan;12/05/1990;{make_cccd(serial=77)}\r\nTrần Thị Mai;3/4/1991;\r\n")  # fmt: skip
    sheet = open_sheet(text.encode("utf-8-sig"), "ds.csv")
    assert sheet.headers == ["Họ và tên", "Ngày sinh", "Số CCCD"]
    rows = [cells for chunk in sheet.chunks(10) for _n, cells in chunk]
    assert [r[:2] for r in rows] == [["Nguyễn Thị Lan", "12/05/1990"], ["Trần Thị Mai", "3/4/1991"]]


def test_the_summary_table_follows_the_import_and_its_undo(tree, xa_officer):
    from hoiso.members import tally

    batch = checked(xa_officer, tree.a1, GOOD)
    imports.batch_import(actor=xa_officer, batch=batch, mode="all")
    assert tally.resync([tree.a], write=False) == []  # the counts already agree
    imports.batch_undo(actor=xa_officer, batch=batch)
    assert tally.resync([tree.a], write=False) == []


def test_imported_names_join_the_search_vocabulary(tree, xa_officer):
    """A misspelt search can find imported members: their name words are remembered."""
    from hoiso.members.models import MemberNameWord

    batch = checked(xa_officer, tree.a1, GOOD)
    imports.batch_import(actor=xa_officer, batch=batch, mode="all")
    words = set(MemberNameWord.objects.values_list("word", flat=True))
    for member in Member.objects.all():
        assert set(member.name_folded.split()) <= words


def _as_calamine_reads(data: bytes) -> list[tuple[int, list]]:
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    expected = calamine.to_python(skip_empty_area=False)
    header = next(i for i, r in enumerate(expected) if sum(c not in ("", None) for c in r) >= 2)
    width = len(expected[header])
    return [(i + 1, [None if c == "" else c for c in r][:width] + [None] * (width - len(r)))
            for i, r in enumerate(expected) if i > header and any(c not in ("", None) for c in r)]  # fmt: skip


def _as_streamed(data: bytes) -> list[tuple[int, list]]:
    return [(n, [None if c == "" else c for c in cells])
            for chunk in open_sheet(data, "a.xlsx").chunks(7) for n, cells in chunk]  # fmt: skip


@pytest.mark.parametrize("options", [{}, {"constant_memory": True}, {"date_1904": True}])
def test_the_sheet_read_in_small_pieces_reads_as_calamine_reads_it(monkeypatch, options):
    """Pieces of a few rows each (calamine given each piece as a workbook of its own): shared
    strings (the usual Excel file) or inline ones, gaps between rows, a first empty column,
    dates in the 1904 system, a shared string behind a formula, text like the marker."""
    from hoiso.members.importing import reader

    monkeypatch.setattr(reader, "_CHUNK", 700)
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, **options})
    sheet = book.add_worksheet()
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    for col, header in enumerate(HEADERS):
        sheet.write_string(0, col + 1, header)
    for r in range(1, 60):
        row = r + (r // 10) * 3  # gaps of blank rows
        sheet.write_string(row, 2, f"Nguyễn Thị Số {r} & <{r}>")
        sheet.write_datetime(
            row, 3, datetime.datetime(1960 + r % 40, 1 + r % 12, 1 + r % 28), dates
        )
        sheet.write_number(row, 5, 79_000_000_000 + r)
        if r % 7 == 0:
            sheet.write_boolean(row, 11, r % 2 == 0)
        if r % 5 == 0:
            sheet.write_string(row, 10, "Nông dân")  # the same text again: one shared string
    sheet.write_string(70, 9, "\ue000 3")
    book.close()
    data = output.getvalue()
    read = reader._XlsxRows._calamine
    pieces = []

    def counted(self, *args):
        rows = read(self, *args)
        pieces.append(rows is not None)
        return rows

    monkeypatch.setattr(reader._XlsxRows, "_calamine", counted)
    assert _as_streamed(data) == _as_calamine_reads(data)
    assert sum(pieces) > 5  # most pieces went through calamine, not the Python reader


def test_a_reimport_changing_counted_fields_keeps_the_summary_table(tree, xa_officer):
    """The import adds to the summary table what it wrote (updates as after minus before),
    which must equal a recount from the records."""
    from hoiso.members import tally

    batch = checked(xa_officer, tree.a1, GOOD)
    imports.batch_import(actor=xa_officer, batch=batch, mode="all")
    again = [list(row) for row in GOOD]
    again[0][8], again[0][10] = "Hoa", ""  # ethnicity and Zalo of an existing member change
    again[1][2] = datetime.date(1986, 3, 4)  # a birth year that no longer agrees: an error row
    again.append([4, "Đặng Thị Mới", "01/01/1980", "Nữ", None, None, None, None, "Tày", None, "x"])
    second = checked(xa_officer, tree.a1, again)
    written = imports.batch_import(actor=xa_officer, batch=second, mode="valid")
    assert written.created == 1 and written.updated >= 1
    assert tally.resync([tree.a], write=False) == []


def test_the_python_reader_behind_calamine_reads_the_same(monkeypatch):
    """The pieces calamine cannot take as a workbook of their own (rows without numbers, a
    namespace prefix, …) are read in Python: the same cells."""
    from hoiso.members.importing import reader

    monkeypatch.setattr(reader._XlsxRows, "_calamine", lambda self, *args: None)
    for data in (workbook([*GOOD, *BAD]),):
        assert _as_streamed(data) == _as_calamine_reads(data)
