"""The female population (women 18+): one figure at a time, or a whole file, all or nothing."""

import re

import pytest
from django.utils import timezone, translation

from hoiso.core.models import AuditEntry
from hoiso.core.spreadsheets import SpreadsheetError, read_table
from hoiso.org.models import AdministrativeArea, Population
from hoiso.org.services import OrgError, population_import, population_set, unit_create, units_merge
from tests.helpers import nothing_changes, today, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.portable, pytest.mark.usefixtures("english")]

HEADER = ["Mã xã", "Tên xã", "Năm", "Số phụ nữ từ 18 tuổi trở lên"]
YEAR = timezone.localdate().year


def table(rows, header=HEADER, title=True):
    """A population list as officials send it: a title row, the header, the rows."""
    sheet = ([["DANH SÁCH PHỤ NỮ TỪ 18 TUỔI TRỞ LÊN"]] if title else []) + [header] + rows
    return read_table(xlsx_bytes(sheet), "dan-so.xlsx")


def figures() -> dict[str, int]:
    return dict(Population.objects.values_list("area__code", "women_18_plus"))


class TestPopulationSet:
    def test_enter_and_correct(self, tree, xa_officer):
        record = population_set(actor=xa_officer, unit=tree.a, year=2025, women_18_plus=12000)
        assert (record.unit, record.area.code, record.year) == (tree.a, "31135", 2025)
        assert record.source == Population.Source.ENTERED and record.updated_by == xa_officer
        assert record.unit_path == tree.a.path
        population_set(actor=xa_officer, unit=tree.a, year=2025, women_18_plus=12500)
        assert figures() == {"31135": 12500}
        assert AuditEntry.objects.filter(action="population.set").count() == 2

    def test_out_of_scope(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(OrgError, match="outside your own unit"):
            population_set(actor=xa_officer, unit=tree.b, year=2025, women_18_plus=1)

    def test_unit_without_area(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(OrgError, match="has no administrative area"):
            population_set(actor=xa_officer, unit=tree.a1, year=2025, women_18_plus=1)

    @pytest.mark.parametrize("year", [1999, YEAR + 2])
    def test_year_out_of_range(self, tree, xa_officer, year):
        with nothing_changes(), pytest.raises(OrgError, match="year must be between 2000"):
            population_set(actor=xa_officer, unit=tree.a, year=year, women_18_plus=1)

    @pytest.mark.parametrize("count", [-1, 5_000_001])
    def test_count_out_of_range(self, tree, xa_officer, count):
        with nothing_changes(), pytest.raises(OrgError, match="between 0 and 5,000,000"):
            population_set(actor=xa_officer, unit=tree.a, year=2025, women_18_plus=count)


class TestPopulationImport:
    def test_by_code_and_by_folded_name(self, tree, tinh_admin):
        rows = [["31135", "Phường Ninh Kiều", 2025, 12345],
                [None, "PHUONG CAI KHE", "2025", "9.876"],
                [None, "  phường   cái khế ", 2024, "9,001"]]  # fmt: skip
        result = population_import(actor=tinh_admin, table=table(rows))
        assert (result.rows, result.created, result.updated, result.errors) == (3, 3, 0, [])
        assert set(Population.objects.values_list("area__code", "year", "women_18_plus")) == {
            ("31135", 2025, 12345), ("31120", 2025, 9876), ("31120", 2024, 9001)}  # fmt: skip
        record = Population.objects.get(area__code="31120", year=2025)
        assert record.unit == tree.b and record.unit_path == tree.b.path
        assert record.source == Population.Source.IMPORTED and record.updated_by == tinh_admin
        entry = AuditEntry.objects.get(action="population.import")
        assert entry.unit_path == tree.p.path
        assert entry.details == {"created": 3, "updated": 0}

    def test_reimport_updates_instead_of_duplicating(self, tree, tinh_admin, xa_officer):
        population_set(actor=xa_officer, unit=tree.a, year=2025, women_18_plus=100)
        population_import(
            actor=tinh_admin, table=table([["31135", "", 2025, 200], ["31120", "", 2025, 300]])
        )
        result = population_import(
            actor=tinh_admin, table=table([["31135", "", 2025, 250], ["31120", "", 2025, 300]])
        )
        assert (result.created, result.updated) == (0, 2)
        assert Population.objects.count() == 2
        assert figures() == {"31135": 250, "31120": 300}

    def test_all_or_nothing_with_a_message_per_bad_row(self, tree, tinh_admin):
        rows = [["31135", "", 2025, 100],  # row 3: good
                ["99999", "", 2025, 100],  # row 4: unknown code
                ["31120", "", 1990, 100],  # row 5: year
                [None, "Phường Không Có", 2025, "nhiều"],  # row 6: name and number
                [None, None, 2025, 5]]  # row 7: neither code nor name  # fmt: skip
        with nothing_changes():
            result = population_import(actor=tinh_admin, table=table(rows))
        assert result.created == result.updated == 0
        assert len(result.errors) == 4
        row4, row5, row6, row7 = result.errors
        assert row4.startswith("Row 4:") and "99999" in row4
        assert row5.startswith("Row 5:") and "2000" in row5
        assert row6.startswith("Row 6:") and "Phường Không Có" in row6 and "whole number" in row6
        assert row7.startswith("Row 7:") and "code or name is missing" in row7

    def test_rows_outside_scope_are_rejected(self, tree, xa_officer):
        rows = [
            ["31135", "", 2025, 100],
            ["31120", "", 2025, 100],
            [None, "Phường Sài Gòn", 2025, 1],
        ]
        with nothing_changes():
            result = population_import(actor=xa_officer, table=table(rows))
        assert [e.split(":")[0] for e in result.errors] == ["Row 4", "Row 5"]
        assert "31120" in result.errors[0]

    def test_duplicate_rows(self, tree, tinh_admin):
        rows = [["31135", "", 2025, 100], [None, "Phường Ninh Kiều", 2025, 120]]
        with nothing_changes():
            result = population_import(actor=tinh_admin, table=table(rows))
        assert result.errors == ["Row 4: the same commune and year are already on row 3."]

    def test_same_name_in_two_communes_needs_the_code(self, tree, tinh_admin):
        for code in ("31991", "31992"):
            area = AdministrativeArea.objects.create(code=code, name="Xã Bình Minh", division_type="xã",
                                                     level="commune", province=tree.p.area)  # fmt: skip
            unit_create(actor=tinh_admin, parent=tree.p, name=f"Hội LHPN xã Bình Minh {code}",
                        kind="commune", code=f"BM{code}", area=area)  # fmt: skip
        with nothing_changes():
            result = population_import(
                actor=tinh_admin, table=table([[None, "Xã Bình Minh", 2025, 5]])
            )
        assert "give the code" in result.errors[0]
        result = population_import(
            actor=tinh_admin, table=table([["31992", "Xã Bình Minh", 2025, 5]])
        )
        assert result.created == 1 and Population.objects.get().unit.code == "BM31992"

    def test_retired_unit_area_is_not_importable(self, tree, tinh_admin):
        units_merge(actor=tinh_admin, sources=[tree.b], target=tree.a, effective_on=today())
        with nothing_changes():
            result = population_import(actor=tinh_admin, table=table([["31120", "", 2025, 5]]))
        assert result.errors and "31120" in result.errors[0]

    def test_numbers_as_people_write_them(self, tree, tinh_admin):
        rows = [["31135", "", 2025.0, "12 345"], [31120, "", "2025", 7000.0]]
        result = population_import(actor=tinh_admin, table=table(rows))
        assert result.errors == []
        assert figures() == {"31135": 12345, "31120": 7000}

    @pytest.mark.parametrize("count", ["12,5", "-3", "5000001", ""])
    def test_bad_numbers(self, tree, tinh_admin, count):
        with nothing_changes():
            result = population_import(actor=tinh_admin, table=table([["31135", "", 2025, count]]))
        assert len(result.errors) == 1 and "whole number" in result.errors[0]

    def test_row_numbers_after_blank_rows(self, tree, tinh_admin):
        sheet = [
            [],
            HEADER,
            ["31135", "", 2025, 1],
            [],
            [None, None, None, None],
            ["31120", "", 1990, 1],
        ]
        result = population_import(actor=tinh_admin, table=read_table(xlsx_bytes(sheet), "x.xlsx"))
        assert len(result.errors) == 1 and result.errors[0].startswith("Row 6:")

    def test_english_headers_in_any_order(self, tree, tinh_admin):
        t = table([[100, 2025, "31135"]], header=["Women 18+", "Year", "Code"], title=False)
        assert population_import(actor=tinh_admin, table=t).created == 1

    def test_missing_columns(self, tree, tinh_admin):
        with nothing_changes(), pytest.raises(SpreadsheetError, match="Columns missing"):
            population_import(
                actor=tinh_admin, table=table([["31135", "x", 2025]], header=HEADER[:3])
            )

    def test_no_code_nor_name_column(self, tree, tinh_admin):
        with nothing_changes(), pytest.raises(SpreadsheetError, match="code or its name"):
            population_import(
                actor=tinh_admin, table=table([[2025, 5]], header=["Năm", "Số phụ nữ"])
            )

    def test_no_data_rows(self, tree, tinh_admin):
        result = population_import(actor=tinh_admin, table=table([]))
        assert result.errors == ["The file has no data rows."]

    def test_member_can_import_nothing(self, tree, member):
        with nothing_changes():
            result = population_import(actor=member, table=table([["31135", "", 2025, 1]]))
        assert result.errors and result.created == 0

    def test_progress_is_reported(self, tree, tinh_admin):
        calls = []
        population_import(actor=tinh_admin, table=table([["31135", "", 2025, 1], ["31120", "", 2025, 2]]),
                          on_progress=lambda done, total: calls.append((done, total)))  # fmt: skip
        assert calls == [(0, 2)]

    def test_messages_in_the_interface_language(self, tree, tinh_admin):
        """In Vietnamese once the catalogue is compiled, in English until then; always per row."""
        with translation.override("vi"):
            result = population_import(actor=tinh_admin, table=table([["99999", "", 2025, 1]]))
        assert re.match(r"^(Row|Dòng) 3: ", result.errors[0])
        assert "99999" in result.errors[0]
