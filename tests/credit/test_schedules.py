"""Schedules against hand-checked figures (each case written out in full), and the
properties every schedule keeps. Pure functions: no database."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoiso.credit import schedules

pytestmark = pytest.mark.portable
JAN10 = datetime.date(2025, 1, 10)


def rows(**terms):
    return [(r.principal, r.interest) for r in schedules.build(start=JAN10, **terms)]


def test_declining_10m_12_months_055_30_day_months():
    # Principal 10,000,000 / 12 = 833,333 (the 4 VND of rounding go to the last row);
    # interest 0.55% of the balance before each row: 10,000,000 × 0.0055 = 55,000;
    # 9,166,667 × 0.0055 = 50,416.67 → 50,417; 8,333,334 × 0.0055 = 45,833.34 → 45,833 …
    # Total interest 357,500 = 10,000,000 × 0.0055 × (12 + 1) / 2 — the textbook sum.
    assert rows(amount=10_000_000, months=12, monthly_rate=Decimal("0.55")) == [
        (833_333, 55_000), (833_333, 50_417), (833_333, 45_833), (833_333, 41_250),
        (833_333, 36_667), (833_333, 32_083), (833_333, 27_500), (833_333, 22_917),
        (833_333, 18_333), (833_333, 13_750), (833_333, 9_167), (833_337, 4_583),
    ]  # fmt: skip


def test_annuity_10m_12_months_1_percent():
    # Instalment 10,000,000 × 0.01 / (1 − 1.01^−12) = 888,487.89 → 888,488. Row 1: interest
    # 100,000, principal 788,488, balance 9,211,512; row 2: 92,115.12 → 92,115, principal
    # 796,373; row 3: 84,151.39 → 84,151 … the last row repays the 879,688 left (888,485 in
    # all: the rounding difference).
    got = rows(amount=10_000_000, months=12, monthly_rate=Decimal("1"), method="annuity")
    assert got == [
        (788_488, 100_000), (796_373, 92_115), (804_337, 84_151), (812_380, 76_108),
        (820_504, 67_984), (828_709, 59_779), (836_996, 51_492), (845_366, 43_122),
        (853_820, 34_668), (862_358, 26_130), (870_981, 17_507), (879_688, 8_797),
    ]  # fmt: skip
    assert all(p + i == 888_488 for p, i in got[:-1])


def test_flat_6m_6_months_075():
    # Interest on the amount lent every month: 6,000,000 × 0.0075 = 45,000.
    assert (
        rows(amount=6_000_000, months=6, monthly_rate=Decimal("0.75"), method="flat")
        == [(1_000_000, 45_000)] * 6
    )


def test_flat_rounding_goes_to_the_last_instalment():
    # 10,000,000 / 3 = 3,333,333.33: two rows of 3,333,333, the last 3,333,334; 0.8% flat = 80,000.
    assert rows(amount=10_000_000, months=3, monthly_rate=Decimal("0.8"), method="flat") == [
        (3_333_333, 80_000),
        (3_333_333, 80_000),
        (3_333_334, 80_000),
    ]


def test_grace_months_carry_interest_only():
    # 12,000,000 over 6 months, 2 of grace, 0.5%: interest only on 12m twice, then 3,000,000
    # of principal a month; interest on 12m, 12m, 12m, 9m, 6m, 3m.
    assert rows(amount=12_000_000, months=6, grace_months=2, monthly_rate=Decimal("0.5")) == [
        (0, 60_000), (0, 60_000), (3_000_000, 60_000), (3_000_000, 45_000),
        (3_000_000, 30_000), (3_000_000, 15_000),
    ]  # fmt: skip


def test_annuity_with_grace():
    # 2 months of interest (1% of 3,000,000 = 30,000), then the annuity of 3,000,000 over 2
    # months: 1.01^2 = 1.0201, 1/1.0201 = 0.98029605, so 30,000 / 0.01970395 = 1,522,537.31
    # → 1,522,537: interest 30,000, principal 1,492,537; then the 1,507,463 left, interest
    # 15,074.63 → 15,075.
    assert rows(amount=3_000_000, months=4, grace_months=2, monthly_rate=Decimal("1"),
                method="annuity") == [(0, 30_000), (0, 30_000), (1_492_537, 30_000),
                                      (1_507_463, 15_075)]  # fmt: skip


def test_actual_days():
    # Due 10 Feb (31 days), 10 Mar (28), 10 Apr (31); interest = balance × 0.55% × days / 30:
    # 10,000,000 × 0.0055 × 31/30 = 56,833.33 → 56,833; 6,666,667 × 0.0055 × 28/30 =
    # 34,222.22 → 34,222; 3,333,334 × 0.0055 × 31/30 = 18,944.45 → 18,944.
    built = schedules.build(amount=10_000_000, months=3, monthly_rate=Decimal("0.55"),
                            start=JAN10, day_count="actual")  # fmt: skip
    assert [(r.due_date, r.days, r.principal, r.interest) for r in built] == [
        (datetime.date(2025, 2, 10), 31, 3_333_333, 56_833),
        (datetime.date(2025, 3, 10), 28, 3_333_333, 34_222),
        (datetime.date(2025, 4, 10), 31, 3_333_334, 18_944),
    ]


def test_due_dates_follow_the_meeting_day_and_clamp_to_month_end():
    assert schedules.due_dates(datetime.date(2025, 1, 25), 2, day=10) == [
        datetime.date(2025, 2, 10),
        datetime.date(2025, 3, 10),
    ]
    assert schedules.due_dates(datetime.date(2024, 1, 31), 3) == [
        datetime.date(2024, 2, 29),
        datetime.date(2024, 3, 31),
        datetime.date(2024, 4, 30),
    ]


@pytest.mark.parametrize("terms", [
    {"amount": 0, "months": 12}, {"amount": 1_000_000, "months": 0},
    {"amount": 1_000_000, "months": 6, "grace_months": 6}, {"amount": 1.5, "months": 6},
])  # fmt: skip
def test_impossible_terms_are_refused(terms):
    with pytest.raises(ValueError):
        schedules.build(start=JAN10, monthly_rate=Decimal("0.5"), **terms)


@settings(max_examples=150, deadline=None)
@given(amount=st.integers(1, 500_000_000), months=st.integers(1, 120),
       rate=st.decimals(0, 3, places=4), method=st.sampled_from(schedules.METHODS),
       day_count=st.sampled_from(schedules.DAY_COUNTS), grace=st.integers(0, 24),
       day=st.integers(1, 31))  # fmt: skip
def test_principal_always_sums_to_the_amount(amount, months, rate, method, day_count, grace, day):
    grace = min(grace, months - 1)
    built = schedules.build(amount=amount, months=months, monthly_rate=rate, method=method,
                            start=datetime.date(2025, 1, day), grace_months=grace,
                            day_count=day_count)  # fmt: skip
    assert sum(r.principal for r in built) == amount
    assert all(r.principal >= 0 and r.interest >= 0 for r in built)
    assert built[-1].balance_after == 0
    assert [r.number for r in built] == list(range(1, months + 1))
