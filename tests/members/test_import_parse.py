"""Reading the cells and headers of members' spreadsheets: dates in every form, phones and
CCCDs typed as numbers, names in NFD, Vietnamese headers in any order and wording."""

import datetime
import unicodedata

import pytest

from hoiso.members.importing.columns import header_key, propose_mapping, remembered_from
from hoiso.members.importing.parse import (
    parse_bool,
    parse_cccd,
    parse_date,
    parse_education,
    parse_ethnicity,
    parse_gender,
    parse_phone,
    parse_religion,
    parse_vneid,
    text,
)
from hoiso.members.importing.report import neutralise
from hoiso.members.validators import ValueProblem

pytestmark = pytest.mark.portable
MAY_12 = datetime.date(1990, 5, 12)


@pytest.mark.parametrize("cell", ["12/05/1990", "12/5/1990", "12-05-1990", "12.05.1990", "12/5/90",
                                  "1990-05-12", "1990-05-12 00:00:00", 33005, 33005.0, "33005",
                                  datetime.datetime(1990, 5, 12, 0, 0), MAY_12, " 12/05/1990 "])  # fmt: skip
def test_dates_in_every_form(cell):
    assert parse_date(cell) == MAY_12


def test_two_digit_years_take_the_nearest_past_century():
    assert parse_date("1/2/05") == datetime.date(2005, 2, 1)
    assert parse_date("1/2/85") == datetime.date(1985, 2, 1)


@pytest.mark.parametrize("cell", ["31/02/1990", "12/13/1990", "ngày 12", "1990", "12/05", True, -3])
def test_impossible_or_unreadable_dates(cell, english):
    with pytest.raises(ValueProblem):
        parse_date(cell)


def test_blank_date_is_none():
    assert parse_date("  ") is None and parse_date(None) is None


@pytest.mark.parametrize("cell", [912345678, 912345678.0, "0912 345 678", "+84 912.345.678",
                                  "84912345678", "912345678"])  # fmt: skip
def test_phones_as_numbers_or_text(cell):
    assert parse_phone(cell) == "0912345678"


def test_cccd_with_lost_zeros_is_restored_and_flagged():
    assert parse_cccd(92190001234) == ("092190001234", True)
    assert parse_cccd(92190001234.0) == ("092190001234", True)
    assert parse_cccd("092190001234") == ("092190001234", False)
    assert parse_cccd("092 190 001 234") == ("092190001234", False)
    with pytest.raises(ValueProblem):
        parse_cccd(12345)


def test_names_in_nfd_become_nfc():
    nfd = unicodedata.normalize("NFD", "Nguyễn  Thị Ánh")
    assert text(nfd) == "Nguyễn Thị Ánh" and unicodedata.is_normalized("NFC", text(nfd))


def test_the_report_apostrophe_is_taken_off():
    assert text(neutralise("+84 912 345 678")) == "+84 912 345 678"
    assert text(neutralise("=1+2")) == "=1+2"
    assert text("'quote") == "'quote"


def test_yes_no_sex_and_lists():
    assert [parse_bool(v) for v in ("x", "Có", 1, True, "", "không", 0)] == [True] * 4 + [False] * 3
    assert parse_gender("Nữ") == "F" and parse_gender("NAM") == "M" and parse_gender("") == "F"
    assert parse_ethnicity("Khơ-me") == "05" and parse_ethnicity("Kinh") == "01"
    assert parse_ethnicity("Bru Vân Kiều") == "24" and parse_ethnicity(1) == "01"
    assert (
        parse_religion("Phật giáo") == "buddhism"
        and parse_religion("Thiên Chúa giáo") == "catholic"
    )
    assert (
        parse_education("9/12") == "lower_secondary"
        and parse_education("THPT") == "upper_secondary"
    )
    assert parse_vneid("Mức 2") == 2 and parse_vneid("x") == 2 and parse_vneid("") == 0
    for reader, cell in [(parse_bool, "có lẽ"), (parse_gender, "?"), (parse_ethnicity, "Elf"),
                         (parse_religion, "Jedi"), (parse_education, "đại học")]:  # fmt: skip
        with pytest.raises(ValueProblem):
            reader(cell)


def test_headers_in_any_order_and_wording():
    headers = ["STT", "SĐT", "HỌ TÊN (*)", "Ngày tháng năm sinh (dd/mm/yyyy)", "Số căn cước công dân",
               "Tên chi hội", "Tổ", "Zalo", "Dân tộc", "Ghi chú", "ho va ten"]  # fmt: skip
    assert propose_mapping(headers) == ["", "phone", "full_name", "date_of_birth", "cccd",
                                        "branch", "group", "uses_zalo", "ethnicity", "", ""]  # fmt: skip
    assert header_key("  Ngày  vào Hội: ") == "ngay vao hoi"


def test_a_remembered_mapping_comes_first():
    headers = ["Tên", "Cột A"]
    remembered = remembered_from(headers, ["full_name", "hamlet"])
    assert propose_mapping(["TÊN", "cột a"], remembered) == ["full_name", "hamlet"]
    assert propose_mapping(["TÊN", "cột a"]) == ["full_name", ""]
