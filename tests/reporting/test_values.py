"""Figures as officials type them: numbers the Vietnamese or English way, and clear messages
for what is not a number or is impossible for the measure."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from hoiso.core.indicators import Ratio
from hoiso.reporting.models import Indicator
from hoiso.reporting.values import check, check_ratio, parse_number

pytestmark = pytest.mark.usefixtures("english")

PEOPLE = Indicator(
    code="HV_MOI", name="New members", measure="people", rollup="sum", source="entered"
)
RATE = Indicator(code="GD_TL", name="Households rate", measure="percent", rollup="ratio",
                 source="entered", decimal_places=1)  # fmt: skip
MONEY = Indicator(code="TD_TIEN", name="Savings", measure="vnd", rollup="sum", source="entered")


def message(call, *args) -> str:
    with pytest.raises(ValidationError) as caught:
        call(*args)
    return caught.value.messages[0]


@pytest.mark.parametrize(("typed", "integral", "value"), [
    ("1.234.567", True, Decimal(1234567)),
    ("1,234,567", True, Decimal(1234567)),
    ("1.234", True, Decimal(1234)),
    ("1 234", True, Decimal(1234)),
    ("1\u00a0234", True, Decimal(1234)),
    ("12,5", False, Decimal("12.5")),
    ("12.5", False, Decimal("12.5")),
    ("1,234", False, Decimal("1.234")),  # a rate: one mark is the decimal mark
    ("1.234,5", False, Decimal("1234.5")),
    ("1,234.5", False, Decimal("1234.5")),
    (" 42 ", True, Decimal(42)),
    ("-3", True, Decimal(-3)),
    (7, True, Decimal(7)),
    (2.5, False, Decimal("2.5")),
])  # fmt: skip
def test_numbers_as_typed(typed, integral, value):
    assert parse_number(typed, integral=integral) == value


@pytest.mark.parametrize("typed", ["abc", "12a", "1.2.3,4,5", "--3", "1e5", "NaN", "½", True, "="])
def test_not_a_number(typed):
    assert "is not a number" in message(parse_number, typed)


def test_empty_and_huge():
    assert message(parse_number, "") == "Enter a number."
    assert message(parse_number, "   ") == "Enter a number."
    assert message(parse_number, "9" * 16) == "This number is too large."
    assert message(parse_number, Decimal("Infinity")).endswith("is not a number.")


def test_impossible_values_are_named_after_the_indicator():
    assert message(check, PEOPLE, "-3") == "New members: it cannot be negative."
    assert message(check, PEOPLE, "2,5") == "New members: it must be a whole number."
    assert message(check, PEOPLE, "ba") == "New members: “ba” is not a number."
    assert message(check, MONEY, "1500,5") == "Savings: it must be a whole number."
    assert message(check, RATE, "100,5") == "Households rate: a rate cannot be above 100%."
    assert message(check, RATE, "-0,1") == "Households rate: it cannot be negative."


def test_possible_values_come_back_in_their_kind():
    assert check(PEOPLE, "1.234") == 1234 and isinstance(check(PEOPLE, "1.234"), int)
    assert check(MONEY, "25.000.000") == 25_000_000
    assert check(RATE, "99,96") == Decimal("100.0")  # rounded to its decimal places
    assert check(RATE, "0") == Decimal("0.0")
    assert check(PEOPLE, None) is None


def test_entered_ratios():
    assert check_ratio(RATE, "45", "50") == Ratio(45, 50)
    assert check_ratio(RATE, "0", "0") == Ratio(0, 0)
    assert message(check_ratio, RATE, "60", "50") == (
        "Households rate: the part (60) cannot be larger than the whole (50): the rate would pass 100%."
    )
    assert (
        message(check_ratio, RATE, "5", "0") == "Households rate: the denominator cannot be zero."
    )
    assert (
        message(check_ratio, RATE, "-5", "10")
        == "Households rate: the numerator cannot be negative."
    )
    assert (
        message(check_ratio, RATE, "5", "mười")
        == "Households rate: the denominator: “mười” is not a number."
    )
    assert message(check, RATE, Ratio(6, 5)).startswith("Households rate: the part (6)")
