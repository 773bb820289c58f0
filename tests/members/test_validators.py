"""Phone numbers and citizen IDs (CCCD) as officials type them or Excel mangles them."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoiso.members.reference import CCCD_PROVINCE_CODES
from hoiso.members.validators import ValueProblem, check_cccd, normalize_cccd, normalize_phone
from tests.members.helpers import make_cccd

pytestmark = pytest.mark.usefixtures("english")


# ------------------------------------------------------------------ phone


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "09.12.34.56.78",
        "0912-345-678",
        "(0912) 345 678",
        "+84 912 345 678",
        "+84912345678",
        "84912345678",
        "912345678",  # Excel dropped the leading zero
        912345678,
        "  0912345678  ",
    ],
)
def test_phone_forms_give_one_number(raw):
    assert normalize_phone(raw) == "0912345678"


@pytest.mark.parametrize("raw", [912345678.0, "912345678.0"])
def test_phone_read_from_excel_as_a_float(raw):
    assert normalize_phone(raw) == "0912345678"


def test_landline_keeps_its_eleven_digits():
    assert normalize_phone("0292 3821 234") == "02923821234"
    assert normalize_phone("+84 292 3821 234") == "02923821234"


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_empty_phone_stays_empty(raw):
    assert normalize_phone(raw) == ""


@pytest.mark.parametrize("raw", ["09a2345678", "O912345678", "0912 345 67x", "zalo: 0912345678"])
def test_phone_with_letters_refused(raw):
    with pytest.raises(ValueProblem, match="other than digits"):
        normalize_phone(raw)


@pytest.mark.parametrize("raw", ["09123", "091234567", "12345678", "0", "091234567890"])
def test_phone_of_the_wrong_length_refused(raw):
    with pytest.raises(ValueProblem, match="10 digits"):
        normalize_phone(raw)


@given(st.sampled_from("35789"), st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_any_mobile_written_any_way_normalises_to_itself(prefix, rest):
    number = "0" + prefix + rest
    spaced = f"{number[:4]} {number[4:7]} {number[7:]}"
    for raw in (
        number,
        spaced,
        "+84" + number[1:],
        "84" + number[1:],
        number[1:],
        number.replace("", ".")[1:-1],
    ):
        assert normalize_phone(raw) == number, raw


# ------------------------------------------------------------------ CCCD: normalisation


def test_twelve_digits_kept():
    assert normalize_cccd("092190001234") == ("092190001234", False)
    assert normalize_cccd("092 190 001 234") == ("092190001234", False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("92190001234", "092190001234"),  # one zero lost (11 digits)
        (92190001234, "092190001234"),
        ("1190001234", "001190001234"),  # Hà Nội: two zeros lost (10 digits)
    ],
)
def test_lost_leading_zeros_restored_and_flagged(raw, expected):
    assert normalize_cccd(raw) == (expected, True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (92190001234.0, "092190001234"),
        ("92190001234.0", "092190001234"),
        ("1190001234.0", "001190001234"),
    ],
)
def test_cccd_read_from_excel_as_a_float(raw, expected):
    """Excel gives the number as a float: the ".0" is not two more digits."""
    assert normalize_cccd(raw) == (expected, True)


def test_missing_zeros_not_restored_before_an_unknown_province():
    assert "003" not in CCCD_PROVINCE_CODES
    with pytest.raises(ValueProblem, match="12 digits"):
        normalize_cccd("3190001234")  # 10 digits → 003…, no such province


@pytest.mark.parametrize("raw", ["09219000123", "0921900012", "123", "0921900012345"])
def test_wrong_length_refused_unless_zeros_restorable(raw):
    restorable = len(raw) in (10, 11) and raw.zfill(12)[:3] in CCCD_PROVINCE_CODES
    if restorable:
        assert normalize_cccd(raw)[1] is True
    else:
        with pytest.raises(ValueProblem, match="12 digits"):
            normalize_cccd(raw)


@pytest.mark.parametrize("raw", ["09219000123A", "CCCD092190001234", "092l90001234"])
def test_cccd_with_letters_refused(raw):
    with pytest.raises(ValueProblem, match="other than digits"):
        normalize_cccd(raw)


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_empty_cccd_stays_empty(raw):
    assert normalize_cccd(raw) == ("", False)


# ------------------------------------------------------------------ CCCD: consistency


def test_province_code_must_exist():
    with pytest.raises(ValueProblem, match="no province code"):
        check_cccd("003190001234", date_of_birth=None, female=None)
    with pytest.raises(ValueProblem, match="no province code"):
        check_cccd("999190001234", date_of_birth=None, female=None)


@pytest.mark.parametrize(
    ("cccd", "born", "female"),
    [
        ("092090001234", datetime.date(1990, 5, 12), False),  # 0: man born in the 1900s
        ("092190001234", datetime.date(1990, 5, 12), True),  # 1: woman born in the 1900s
        ("092205001234", datetime.date(2005, 1, 1), False),  # 2: man born in the 2000s
        ("092305001234", datetime.date(2005, 1, 1), True),  # 3: woman born in the 2000s
        ("001100001234", datetime.date(1900, 1, 1), True),
        ("001199001234", datetime.date(1999, 12, 31), True),
        ("079300001234", datetime.date(2000, 1, 1), True),
    ],
)
def test_consistent_cccd_passes(cccd, born, female):
    assert check_cccd(cccd, date_of_birth=born, female=female) is None
    assert check_cccd(cccd, date_of_birth=None, female=None) is None


def test_fourth_digit_against_sex():
    with pytest.raises(ValueProblem, match="sex"):
        check_cccd("092090001234", date_of_birth=datetime.date(1990, 1, 1), female=True)
    with pytest.raises(ValueProblem, match="sex"):
        check_cccd("092305001234", date_of_birth=datetime.date(2005, 1, 1), female=False)


def test_fourth_digit_against_century():
    with pytest.raises(ValueProblem, match="century"):
        check_cccd("092190001234", date_of_birth=datetime.date(2090, 1, 1), female=True)
    with pytest.raises(ValueProblem, match="century"):
        check_cccd("092305001234", date_of_birth=datetime.date(1905, 1, 1), female=True)


def test_fifth_and_sixth_digits_against_year():
    with pytest.raises(ValueProblem, match="year of birth"):
        check_cccd("092190001234", date_of_birth=datetime.date(1991, 5, 12), female=True)
    with pytest.raises(ValueProblem, match="year of birth"):
        check_cccd("092305001234", date_of_birth=datetime.date(2006, 5, 12), female=True)


# ------------------------------------------------------------------ CCCD: properties

provinces = st.sampled_from(sorted(CCCD_PROVINCE_CODES))
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31))
serials = st.integers(min_value=0, max_value=999_999)


@given(provinces, births, st.booleans(), serials)
def test_generated_cccd_passes(province, born, female, serial):
    cccd = make_cccd(province, born=born, female=female, serial=serial)
    assert normalize_cccd(cccd) == (cccd, False)
    check_cccd(cccd, date_of_birth=born, female=female)


@given(provinces, births, st.booleans(), serials)
def test_cccd_without_its_leading_zeros_comes_back(province, born, female, serial):
    cccd = make_cccd(province, born=born, female=female, serial=serial)
    stripped = cccd.lstrip("0")
    if len(stripped) in (10, 11):
        assert normalize_cccd(int(stripped)) == (cccd, True)


@given(provinces, births, st.booleans(), serials, st.sampled_from([3, 4, 5]), st.integers(1, 9))
def test_flipping_a_constrained_digit_fails(province, born, female, serial, position, shift):
    """The 4th digit (century and sex) and the 5th–6th (year) are checked; changing any of
    them makes the number contradict its holder."""
    cccd = make_cccd(province, born=born, female=female, serial=serial)
    digit = str((int(cccd[position]) + shift) % 10)
    flipped = cccd[:position] + digit + cccd[position + 1 :]
    with pytest.raises(ValueProblem):
        check_cccd(flipped, date_of_birth=born, female=female)


@given(st.text(alphabet="0123456789", min_size=3, max_size=3).filter(lambda c: c not in CCCD_PROVINCE_CODES),
       births, st.booleans(), serials)  # fmt: skip
def test_unknown_province_fails(code, born, female, serial):
    cccd = make_cccd(code, born=born, female=female, serial=serial)
    with pytest.raises(ValueProblem, match="no province code"):
        check_cccd(cccd, date_of_birth=born, female=female)
