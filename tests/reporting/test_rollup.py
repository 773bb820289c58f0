"""The roll-up engine: pure functions over the figures of the parts."""

import datetime
from decimal import Decimal

import pytest

from hoiso.core.indicators import Ratio
from hoiso.reporting.rollup import Figure, ratio_value, roll_up


def test_a_ratio_rolls_up_as_the_sum_of_its_parts_never_an_average():
    small = Figure.of(Ratio(50, 100))  # 50%
    large = Figure.of(Ratio(900, 900))  # 100%
    whole = roll_up("ratio", [small, large])
    assert (whole.numerator, whole.denominator) == (950, 1000)
    assert whole.value == Decimal("95.00")  # the average of the rates would say 75%


def test_ratios_roll_up_again_from_rolled_up_parts():
    communes = [Figure.of(Ratio(n, d)) for n, d in [(1, 3), (2, 3), (5, 10), (0, 7)]]
    provinces = [roll_up("ratio", communes[:2]), roll_up("ratio", communes[2:])]
    assert roll_up("ratio", provinces) == roll_up("ratio", communes)
    assert roll_up("ratio", communes).value == Decimal("34.78")  # 8 / 23


def test_parts_without_figures_count_for_nothing():
    assert roll_up("sum", [Figure(3), Figure(None), Figure(4)]).value == 7
    assert roll_up("sum", [Figure(None), Figure(None)]).value is None
    assert roll_up("sum", []).value is None
    assert roll_up("ratio", [Figure.of(None), Figure.of(Ratio(1, 4))]).value == Decimal("25.00")
    assert roll_up("ratio", [Figure.of(None)]) == Figure()
    assert roll_up("ratio", [Figure.of(Ratio(0, 0))]).value is None  # nothing to divide by


def test_scale_and_places():
    per_loan = roll_up("ratio", [Figure.of(Ratio(30_000_000, 2), scale=1)], scale=1, places=0)
    assert per_loan.value == Decimal("15000000")
    assert ratio_value(1, 3, 100, 1) == Decimal("33.3")
    assert ratio_value(2, 3, 100, 0) == Decimal("67")


def test_max_and_latest():
    d = datetime.date
    assert roll_up("max", [Figure(3), Figure(Decimal("7.5")), Figure(None)]).value == Decimal("7.5")
    assert roll_up("max", [Figure(None)]).value is None
    figures = [Figure(10, as_of=d(2026, 3, 14)), Figure(12, as_of=d(2026, 6, 14)),
               Figure(None, as_of=d(2026, 9, 14)), Figure(11, as_of=d(2026, 1, 14))]  # fmt: skip
    assert roll_up("latest", figures).value == 12  # the newest figure that exists
    assert roll_up("latest", [Figure(1), Figure(2)]).value == 2  # undated: the last given
    assert roll_up("latest", []).value is None


def test_unknown_rule():
    with pytest.raises(ValueError):
        roll_up("average", [Figure(1)])


def test_halves_round_up_as_reports_do():
    assert ratio_value(2, 1600) == Decimal("0.13")  # 0.125
    assert ratio_value(1, 8, 100, 1) == Decimal("12.5")
    assert ratio_value(1, 16, 100, 1) == Decimal("6.3")  # 6.25
    assert Ratio(2, 1600).percent() == Decimal("0.13")
