"""Reading officials' spreadsheets safely: real workbooks, CSV in both encodings, broken files."""

import io
import zipfile

import pytest

from hoiso.core.spreadsheets import SpreadsheetError, match_columns, parse_int, read_table
from hoiso.core.text import fold
from tests.helpers import cp1258_bytes, xlsx_bytes

pytestmark = pytest.mark.usefixtures("english")

HEADERS = ["Mã xã", "Tên xã", "Năm", "Số phụ nữ từ 18 tuổi"]


class TestWorkbooks:
    def test_plain_workbook(self):
        table = read_table(
            xlsx_bytes([HEADERS, ["31135", "Phường Ninh Kiều", 2025, 12345]]), "dan-so.xlsx"
        )
        assert table.headers == HEADERS
        assert len(table.rows) == 1
        code, name, year, count = table.rows[0]
        assert (code, name) == ("31135", "Phường Ninh Kiều")
        assert parse_int(year) == 2025 and parse_int(count) == 12345
        assert table.first_row_number == 2

    def test_header_below_a_title_row(self):
        rows = [["DANH SÁCH PHỤ NỮ TỪ 18 TUỔI NĂM 2025"], ["Đơn vị: Hội LHPN thành phố Cần Thơ"],
                HEADERS, ["31135", "Phường Ninh Kiều", 2025, 100]]  # fmt: skip
        table = read_table(xlsx_bytes(rows), "dan-so.xlsx")
        assert table.headers == HEADERS
        assert table.rows[0][1] == "Phường Ninh Kiều"
        assert table.first_row_number == 4  # the spreadsheet's own numbering, for messages

    def test_header_below_empty_rows_keeps_true_row_numbers(self):
        """A sheet that starts on row 3: messages must still name the rows the official sees."""
        rows = [[], [], HEADERS, ["31135", "Phường Ninh Kiều", 2025, 100]]
        table = read_table(xlsx_bytes(rows), "dan-so.xlsx")
        assert table.headers[-len(HEADERS) :] == HEADERS
        assert table.first_row_number == 4
        assert table.row_number(0) == 4

    def test_blank_rows_dropped_and_numbering_kept(self):
        rows = [HEADERS, ["31135", "A", 2025, 1], [None, None, None, None], ["  ", None, None, None],
                ["31120", "B", 2025, 2]]  # fmt: skip
        table = read_table(xlsx_bytes(rows), "dan-so.xlsx")
        assert [r[0] for r in table.rows] == ["31135", "31120"]
        assert [table.row_number(i) for i in range(len(table.rows))] == [2, 5]

    def test_rows_padded_to_the_header(self):
        rows = [["Mã xã", "Năm", "Số phụ nữ"], ["31135"], ["31120", 2025, 7]]
        table = read_table(xlsx_bytes(rows), "x.xlsx")
        assert [len(r) for r in table.rows] == [3, 3]
        assert table.rows[0][1] in (None, "")

    def test_csv_rows_padded_and_cut_to_the_header(self):
        table = read_table("Mã xã,Năm\n31135\n31120,2025,thừa\n".encode(), "x.csv")
        assert table.rows == [["31135", None], ["31120", "2025"]]

    def test_too_many_rows(self):
        rows = [HEADERS] + [["31135", "x", 2025, i] for i in range(5)]
        with pytest.raises(SpreadsheetError, match="more than 3 rows"):
            read_table(xlsx_bytes(rows), "x.xlsx", max_rows=3)

    def test_only_the_first_sheet(self):
        import xlsxwriter

        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        first, second = book.add_worksheet("Một"), book.add_worksheet("Hai")
        first.write_row(0, 0, ["Mã xã", "Năm"])
        first.write_row(1, 0, ["31135", 2025])
        second.write_row(0, 0, ["Khác", "Cột"])
        book.close()
        assert read_table(output.getvalue(), "x.xlsx").headers == ["Mã xã", "Năm"]


class TestCsv:
    def test_utf8_with_bom_and_semicolons(self):
        text = "\ufeffMã xã;Tên xã;Năm;Số phụ nữ từ 18 tuổi\n31135;Phường Ninh Kiều;2025;12.345\n"
        table = read_table(text.encode("utf-8"), "dan-so.csv")
        assert table.headers == HEADERS
        assert table.rows == [["31135", "Phường Ninh Kiều", "2025", "12.345"]]

    def test_a_title_line_above_semicolons(self):
        # csv.Sniffer gave up on such files (the title has no separator) and read commas
        text = "Dân số nữ từ 18 tuổi, năm 2025\nMã xã;Tên xã;Năm;Số phụ nữ từ 18 tuổi\n31135;Phường Ninh Kiều;2025;12.345\n"
        table = read_table(text.encode("utf-8"), "dan-so.csv")
        assert table.headers == HEADERS
        assert table.rows == [["31135", "Phường Ninh Kiều", "2025", "12.345"]]

    def test_tabs_with_commas_inside_fields(self):
        text = "Mã xã\tTên xã\tNăm\tSố phụ nữ từ 18 tuổi\n31135\tPhường Ninh Kiều, Cần Thơ\t2025\t12,345\n"
        table = read_table(text.encode("utf-8"), "dan-so.csv")
        assert table.rows == [["31135", "Phường Ninh Kiều, Cần Thơ", "2025", "12,345"]]

    def test_utf8_with_commas_and_quotes(self):
        text = 'Mã xã,Tên xã,Năm,Số phụ nữ từ 18 tuổi\n31135,"Phường Ninh Kiều, Cần Thơ",2025,"12,345"\n'
        table = read_table(text.encode("utf-8"), "dan-so.csv")
        assert table.rows[0][1] == "Phường Ninh Kiều, Cần Thơ"
        assert parse_int(table.rows[0][3]) == 12345

    def test_windows_1258(self):
        text = "Mã xã;Tên xã;Năm;Số phụ nữ từ 18 tuổi\r\n31135;Phường Ninh Kiều;2025;500\r\n"
        data = cp1258_bytes(text)
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        table = read_table(data, "dan-so.csv")
        assert [fold(h) for h in table.headers] == [fold(h) for h in HEADERS]
        assert fold(table.rows[0][1]) == "phuong ninh kieu"

    def test_title_line_above_the_header(self):
        # As Excel saves a sheet with a title row: the title padded with separators.
        text = "Danh sách năm 2025;;\nMã xã;Năm;Số phụ nữ\n31135;2025;9\n"
        table = read_table(text.encode(), "x.csv")
        assert table.headers == ["Mã xã", "Năm", "Số phụ nữ"]
        assert table.first_row_number == 3

    def test_file_without_extension_read_as_csv(self):
        assert read_table(b"a,b\n1,2\n", "upload").rows == [["1", "2"]]


class TestBrokenFiles:
    def test_empty_file(self):
        with pytest.raises(SpreadsheetError, match="empty"):
            read_table(b"", "dan-so.xlsx")

    def test_oversize_file(self, settings):
        settings.HOISO_MAX_UPLOAD_BYTES = 1024 * 1024
        with pytest.raises(SpreadsheetError, match="too large"):
            read_table(b"a,b\n" + b"1,2\n" * 300_000, "big.csv")

    def test_xlsx_that_is_really_text(self):
        with pytest.raises(SpreadsheetError, match="not really an Excel file"):
            read_table("Mã xã,Năm\n31135,2025\n".encode(), "dan-so.xlsx")

    def test_zip_that_is_not_a_workbook(self):
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w") as archive:
            archive.writestr("anh/chan-dung.txt", "không phải bảng tính")
        with pytest.raises(SpreadsheetError, match="not a spreadsheet"):
            read_table(output.getvalue(), "dan-so.xlsx")

    def test_truncated_zip(self):
        data = xlsx_bytes([HEADERS, ["31135", "x", 2025, 1]])
        with pytest.raises(SpreadsheetError, match="damaged"):
            read_table(data[: len(data) // 2], "dan-so.xlsx")

    def test_workbook_with_broken_content(self):
        """A zip with the workbook's file names but garbage inside."""
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "this is not xml <<<")
        with pytest.raises(SpreadsheetError, match="damaged"):
            read_table(output.getvalue(), "dan-so.xlsx")

    def test_binary_junk(self):
        with pytest.raises(SpreadsheetError, match="not a spreadsheet"):
            read_table(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "anh.csv")

    def test_old_xls_header_with_garbage(self):
        with pytest.raises(SpreadsheetError, match="damaged"):
            read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "cu.xls")

    def test_no_header_row(self):
        with pytest.raises(SpreadsheetError, match="No header row"):
            read_table(xlsx_bytes([["Chỉ có một dòng tiêu đề"], ["31135"]]), "x.xlsx")

    def test_hostile_strings_are_data(self):
        rows = [["Mã xã", "Tên xã"], ["=cmd|'/c calc'!A0", "<script>alert(1)</script>"]]
        table = read_table(xlsx_bytes(rows), "x.xlsx")
        assert table.rows == [["=cmd|'/c calc'!A0", "<script>alert(1)</script>"]]


class TestMatchColumns:
    SPEC = {
        "code": (["ma xa", "code"], False),
        "year": (["nam", "year"], True),
        "count": (["so phu nu", "women 18+"], True),
    }

    def test_any_order_any_accents_any_case(self):
        assert match_columns(["SỐ PHỤ NỮ", "Năm", "Mã xã"], self.SPEC) == {
            "code": 2,
            "year": 1,
            "count": 0,
        }

    def test_underscore_as_space(self):
        assert match_columns(["ma_xa", "nam", "so_phu_nu"], self.SPEC) == {
            "code": 0,
            "year": 1,
            "count": 2,
        }

    def test_missing_required_columns_are_named(self, english):
        with pytest.raises(SpreadsheetError) as caught:
            match_columns(["Mã xã", "Ghi chú"], self.SPEC)
        message = str(caught.value)
        assert "nam" in message and "so phu nu" in message
        assert "Ghi chú" in message  # what the file has, so the official can compare

    def test_one_column_for_one_field(self):
        spec = {"a": (["nam"], True), "b": (["nam"], False)}
        assert match_columns(["Năm"], spec) == {"a": 0}


class TestParseInt:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (12345, 12345),
            (12345.0, 12345),
            ("12345", 12345),
            ("12.345", 12345),
            ("12,345", 12345),
            ("12 345", 12345),
            ("12\u00a0345", 12345),
            ("1.234.567", 1234567),
            ("12345.0", 12345),
            ("  42 ", 42),
            (0, 0),
            ("0", 0),
        ],
    )
    def test_whole_numbers_as_people_write_them(self, value, expected):
        assert parse_int(value) == expected

    @pytest.mark.parametrize(
        "value",
        [
            None,
            "",
            "abc",
            "12a",
            "-5",
            12.5,
            "1e3",
            True,
            False,
            "١٢",
            "12,5",
            "1.23",
            "1.234,567",
            "12.34.5",
        ],
    )
    def test_not_a_whole_number(self, value):
        assert parse_int(value) is None
