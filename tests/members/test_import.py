"""The member import: the dry run on a real-shaped workbook with mistakes, both modes of
writing, re-importing (updates, never duplicates), the error report, undo, and the tasks as
the worker runs them. Views and scoping: test_import_views.py and the authorisation matrix."""

import datetime
import io

import pytest
import xlsxwriter

from hoiso.core.models import AuditEntry
from hoiso.core.spreadsheets import read_table
from hoiso.core.text import fold
from hoiso.members.importing import services as imports
from hoiso.members.models import ImportBatch, Member, MemberEvent
from hoiso.members.services import member_transfer
from tests.helpers import today
from tests.members.helpers import admit, db_snapshot, make_cccd, nothing_changes

pytestmark = [pytest.mark.django_db, pytest.mark.portable]

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số điện thoại", "Chi hội",
           "Tổ", "Dân tộc", "Nghề nghiệp", "Dùng Zalo"]  # fmt: skip
CCCD_LAN = make_cccd(born=datetime.date(1990, 5, 12), serial=901)
CCCD_BICH = make_cccd(born=datetime.date(1985, 3, 4), serial=902)


def workbook(rows, headers=HEADERS) -> bytes:
    """As an official's Excel file is: dates as date cells or serials, numbers as numbers,
    a title above the header, a formula cell."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet("Hội viên")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_string(0, 0, "DANH SÁCH HỘI VIÊN CHI HỘI KHU VỰC 1")
    for c, header in enumerate(headers):
        sheet.write_string(1, c, header)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), dates)
            elif isinstance(value, tuple):  # ("formula", "=...", cached value)
                sheet.write_formula(r, c, value[1], None, value[2])
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return output.getvalue()


GOOD = [
    # the CCCD typed as a number (its zero lost), the phone too, the date as text
    [1, "Nguyễn Thị Lan", "12/05/1990", "Nữ", int(CCCD_LAN), 912345678, "Khu vực 1", "Tổ 1", "Kinh",
     ("formula", '=CONCATENATE("Nông"," dân")', "Nông dân"), "x"],
    # a date cell, the CCCD as text, another branch
    [2, "Trần Thị Bích", datetime.date(1985, 3, 4), "nữ", CCCD_BICH, "0987 654 321", "Chi hội Khu vực 2", None,
     "Khơ-me", "Buôn bán", ""],
    # an Excel serial number, no CCCD, the default unit; the name in NFD
    [3, "Le\u0302 Thi\u0323 Cu\u0301c", 33005, "", None, None, None, None, None, None, None],
]  # fmt: skip
BAD = [
    [4, "Phạm Thị Sai", "31/02/1990", "Nữ", None, None, None, None, None, None, None],
    [5, "Trần Thị Bích Trùng", "04/03/1985", "Nữ", CCCD_BICH, None, None, None, None, None, None],
    [6, "Nguyễn Văn Nam", "01/01/1980", "Nam", None, None, None, None, None, None, None],
    [7, "Đỗ Thị Nhỏ", "01/01/2015", "Nữ", None, None, None, None, None, None, None],
    [8, "Võ Thị Xa", "01/01/1980", "Nữ", None, None, "Khu vực 9", None, None, None, None],
    [9, "=HYPERLINK(\"http://x\",\"bấm\")", "01/01/1980", "Nữ", None, None, None, None, None, None, None],
    [10, "Hồ Thị Ẩn", "01/01/1980", "Nữ", None, "@0912", None, None, None, None, "có lẽ"],
]  # fmt: skip


def upload(actor, unit, rows, name="hoi-vien.xlsx", headers=HEADERS) -> ImportBatch:
    batch = imports.batch_create(
        actor=actor, unit=unit, file_name=name, data=workbook(rows, headers)
    )
    return imports.batch_map(actor=actor, batch=batch, mapping=batch.mapping)


def checked(actor, unit, rows, **kwargs) -> ImportBatch:
    batch = upload(actor, unit, rows, **kwargs)
    imports.batch_check(actor=actor, batch=batch)
    return batch


def problems(batch) -> dict[int, str]:
    return {r["n"]: " ".join(r["problems"]) for r in batch.outcome["rows"] if r["problems"]}


def test_the_mapping_is_proposed_from_the_headers(tree, xa_officer):
    batch = imports.batch_create(
        actor=xa_officer, unit=tree.a1, file_name="a.xlsx", data=workbook(GOOD)
    )
    assert batch.mapping == ["", "full_name", "date_of_birth", "gender", "cccd", "phone", "branch",
                             "group", "ethnicity", "occupation", "uses_zalo"]  # fmt: skip
    assert batch.status == ImportBatch.Status.MAPPING


def test_the_dry_run_lists_every_problem_and_writes_nothing(
    tree, xa_officer, xa_officer_other, english
):
    admit(xa_officer_other, tree.b1, full_name="Mai Thị Khác", cccd=make_cccd(serial=903),
          date_of_birth=datetime.date(1990, 5, 12))  # fmt: skip
    rows = [*GOOD, *BAD, [11, "Mai Thị Khác", "12/05/1990", "Nữ", make_cccd(serial=903), None, None, None,
                          None, None, None]]  # fmt: skip
    batch = upload(xa_officer, tree.a1, rows)
    before = db_snapshot()
    imports.batch_check(actor=xa_officer, batch=batch)
    after = db_snapshot()
    assert [k for k in after if after[k] != before[k]] == ["import_batches"]  # its outcome only
    batch.refresh_from_db()
    assert (batch.rows_total, batch.rows_created, batch.rows_error) == (11, 3, 8)
    found = problems(batch)
    assert sorted(found) == [6, 7, 8, 9, 10, 11, 12, 13]  # sheet rows: title and header above
    assert "not a date that exists" in found[6]
    assert "the same member as in row 4" in found[7]
    assert "a man may be an honorary member" in found[8]
    assert "18 or older" in found[9]
    assert "Khu vực 9" in found[10] and "not one you manage" in found[10]
    assert "characters a name cannot have" in found[11]
    assert "phone" in found[12] and "neither yes" in found[12]
    assert "another member already has this citizen ID" in found[13]
    warnings = {r["n"]: r["warnings"] for r in batch.outcome["rows"] if r["warnings"]}
    assert "leading zero" in warnings[3][0]


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(tree, xa_officer):
    batch = checked(xa_officer, tree.a1, [*GOOD, BAD[0]])
    with nothing_changes():
        written = imports.batch_import(
            actor=xa_officer, batch=batch, mode=ImportBatch.Mode.ALL_OR_NOTHING
        )
    assert (written.created, written.failed) == (0, 1)
    assert batch.status == ImportBatch.Status.CHECKED and not batch.members.exists()


def test_all_or_nothing_writes_everything_when_every_row_is_right(tree, xa_officer):
    batch = checked(xa_officer, tree.a1, GOOD)
    written = imports.batch_import(
        actor=xa_officer, batch=batch, mode=ImportBatch.Mode.ALL_OR_NOTHING
    )
    assert written.created == 3 and batch.status == ImportBatch.Status.DONE
    members = {m.full_name: m for m in Member.objects.select_related("unit")}
    lan, bich, cuc = members["Nguyễn Thị Lan"], members["Trần Thị Bích"], members["Lê Thị Cúc"]
    assert (lan.cccd, lan.phone, lan.unit, lan.ethnicity) == (
        CCCD_LAN,
        "0912345678",
        tree.a1a,
        "01",
    )
    assert (lan.occupation, lan.uses_zalo, lan.code.startswith("HV")) == ("Nông dân", True, True)
    assert (bich.date_of_birth, bich.unit, bich.ethnicity) == (
        datetime.date(1985, 3, 4),
        tree.a2,
        "05",
    )
    assert (cuc.date_of_birth, cuc.unit, cuc.joined_on) == (
        datetime.date(1990, 5, 12),
        tree.a1,
        today(),
    )
    # written in bulk with what member_admit writes: events, history; one audit entry
    events = MemberEvent.objects.filter(kind=MemberEvent.Kind.ADMITTED)
    assert sorted(events.values_list("member__full_name", "to_unit", "on", "actor")) == sorted(
        (m.full_name, m.unit_id, today(), xa_officer.pk) for m in members.values()
    )
    tracked = [f.attname for f in Member.history.model._meta.concrete_fields
               if not f.attname.startswith("history_")]  # fmt: skip
    for m in members.values():  # one history row, already with the code, by the official
        (created,) = m.history.all()
        assert (created.history_type, created.code, created.history_user) == (
            "+",
            m.code,
            xa_officer,
        )
        # the version holds the record as stored, field for field
        assert {f: getattr(created, f) for f in tracked} == {f: getattr(m, f) for f in tracked}
        assert m.code == f"HV{m.pk:010d}" and (m.name_folded, m.unit_path) == (
            fold(m.full_name),
            m.unit.path,
        )
    (entry,) = AuditEntry.objects.filter(action__startswith="member.")
    assert (entry.action, entry.details["created"], entry.details["errors"]) == (
        "member.import",
        3,
        0,
    )
    assert set(batch.members.values_list("created", flat=True)) == {True}


def test_valid_rows_only_writes_the_good_rows(tree, xa_officer):
    batch = checked(xa_officer, tree.a1, [*GOOD, *BAD])
    written = imports.batch_import(actor=xa_officer, batch=batch, mode=ImportBatch.Mode.VALID_ONLY)
    assert (written.created, written.failed) == (3, 7)
    assert Member.objects.count() == 3
    assert (batch.status, batch.rows_created, batch.rows_error) == (ImportBatch.Status.DONE, 3, 7)


def test_re_import_updates_and_never_duplicates(tree, xa_officer):
    imports.batch_import(actor=xa_officer, batch=checked(xa_officer, tree.a1, GOOD), mode="all")
    again = [list(row) for row in GOOD]
    again[0][5] = "0911 111 111"  # a new phone for Lan (found by CCCD)
    again[2][9] = "Giáo viên"  # an occupation for Cúc (found by name + date of birth + unit)
    batch = checked(xa_officer, tree.a1, again)
    assert (batch.rows_created, batch.rows_updated, batch.rows_unchanged) == (0, 2, 1)
    written = imports.batch_import(actor=xa_officer, batch=batch, mode="all")
    assert (written.created, written.updated, written.unchanged) == (0, 2, 1)
    assert Member.objects.count() == 3
    lan = Member.objects.get(cccd=CCCD_LAN)
    assert lan.phone == "0911111111" and lan.history.first().prev_record.phone == "0912345678"
    assert Member.objects.get(full_name="Lê Thị Cúc").occupation == "Giáo viên"
    assert list(batch.members.values_list("created", flat=True)) == [False, False]


def test_error_report_has_the_original_columns_and_the_reason(tree, xa_officer, english):
    batch = checked(xa_officer, tree.a1, [*GOOD, *BAD])
    table = read_table(imports.batch_report(batch=batch), "loi.xlsx")
    assert table.headers == [*HEADERS, "Errors"]
    assert len(table.rows) == 7
    by_name = {row[1]: row for row in table.rows}
    assert "not a date that exists" in by_name["Phạm Thị Sai"][-1]
    # the hostile name is written as text behind an apostrophe, never as a formula
    hostile = next(row for row in table.rows if str(row[1]).startswith("'"))
    assert hostile[1] == '\'=HYPERLINK("http://x","bấm")'
    assert by_name["Hồ Thị Ẩn"][5] == "'@0912"


def test_the_fixed_report_imports(tree, xa_officer):
    imports.batch_import(
        actor=xa_officer, batch=checked(xa_officer, tree.a1, [*GOOD, *BAD]), mode="valid"
    )
    batch = ImportBatch.objects.latest("pk")
    table = read_table(imports.batch_report(batch=batch), "loi.xlsx")
    fixed = []
    for row in table.rows:
        row = list(row[:-1])
        row[2] = "28/02/1990" if row[1] == "Phạm Thị Sai" else row[2]
        if row[1] == "Phạm Thị Sai":
            fixed.append(row)
    again = checked(xa_officer, tree.a1, fixed, name="loi-da-sua.xlsx")
    imports.batch_import(actor=xa_officer, batch=again, mode="all")
    assert Member.objects.filter(
        full_name="Phạm Thị Sai", date_of_birth=datetime.date(1990, 2, 28)
    ).exists()


def test_undo_marks_the_created_members_as_left(tree, xa_officer, english):
    batch = checked(xa_officer, tree.a1, GOOD)
    imports.batch_import(actor=xa_officer, batch=batch, mode="all")
    assert imports.batch_undo(actor=xa_officer, batch=batch) == 3
    assert set(Member.objects.values_list("status", "status_reason")) == {("left", "Import undone")}
    assert MemberEvent.objects.filter(kind=MemberEvent.Kind.LEFT).count() == 3
    batch.refresh_from_db()
    assert (
        batch.status == ImportBatch.Status.UNDONE and Member.objects.count() == 3
    )  # nothing deleted
    with pytest.raises(imports.MemberError):
        imports.batch_undo(actor=xa_officer, batch=batch)


def test_undo_is_refused_once_a_member_changed(tree, xa_officer, english):
    batch = checked(xa_officer, tree.a1, GOOD)
    imports.batch_import(actor=xa_officer, batch=batch, mode="all")
    bich = Member.objects.get(full_name="Trần Thị Bích")
    member_transfer(actor=xa_officer, member=bich, to_unit=tree.a1, on=today())
    with nothing_changes(), pytest.raises(imports.MemberError, match="changed since"):
        imports.batch_undo(actor=xa_officer, batch=batch)


def test_another_commune_cannot_use_the_batch(tree, xa_officer, xa_officer_other):
    batch = upload(xa_officer, tree.a1, GOOD)
    with nothing_changes(), pytest.raises(imports.MemberError):
        imports.batch_check(actor=xa_officer_other, batch=batch)


def test_a_default_unit_outside_the_scope_is_refused(tree, xa_officer_other):
    with pytest.raises(imports.MemberError):
        imports.batch_create(
            actor=xa_officer_other, unit=tree.a1, file_name="a.xlsx", data=workbook(GOOD)
        )
    assert not ImportBatch.objects.exists()
