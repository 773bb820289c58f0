"""Period bounds and cut-offs: months, quarters, six and nine months, years; leap years; the
configured cut-off days; reading never writes."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoiso.reporting import periods
from hoiso.reporting.models import Period, PeriodCutOff
from hoiso.reporting.periods import PeriodError, dates, label
from hoiso.reporting.services import ReportingError, cut_off_set, period_ensure

D = datetime.date


def window(d):
    return (d.counts_from, d.cut_off)


@pytest.mark.parametrize(("kind", "number", "start", "end"), [
    ("month", 2, D(2024, 2, 1), D(2024, 2, 29)),  # leap year
    ("month", 12, D(2024, 12, 1), D(2024, 12, 31)),
    ("quarter", 1, D(2024, 1, 1), D(2024, 3, 31)),
    ("quarter", 4, D(2024, 10, 1), D(2024, 12, 31)),
    ("half", 1, D(2024, 1, 1), D(2024, 6, 30)),
    ("half", 2, D(2024, 7, 1), D(2024, 12, 31)),
    ("nine_months", 1, D(2024, 1, 1), D(2024, 9, 30)),
    ("year", 1, D(2024, 1, 1), D(2024, 12, 31)),
])  # fmt: skip
def test_calendar_bounds(kind, number, start, end):
    d = dates(kind, 2024, number, 31)
    assert (d.start, d.end) == (start, end)
    assert window(d) == (start, end)  # cut-off 31: the figures are the calendar period's


def test_the_default_cut_off_follows_decree_09_2019():
    """Month: the 15th of the month before to the 14th; the year: 15 December to 14 December."""
    day = periods.DEFAULT_CUT_OFF_DAY
    assert day == 14
    assert window(dates("month", 2026, 3, day)) == (D(2026, 2, 15), D(2026, 3, 14))
    assert window(dates("month", 2026, 1, day)) == (D(2025, 12, 15), D(2026, 1, 14))
    assert window(dates("quarter", 2026, 2, day)) == (D(2026, 3, 15), D(2026, 6, 14))
    assert window(dates("half", 2026, 1, day)) == (D(2025, 12, 15), D(2026, 6, 14))
    assert window(dates("half", 2026, 2, day)) == (D(2026, 6, 15), D(2026, 12, 14))
    assert window(dates("nine_months", 2026, 1, day)) == (D(2025, 12, 15), D(2026, 9, 14))
    assert window(dates("year", 2026, 1, day)) == (D(2025, 12, 15), D(2026, 12, 14))


def test_late_cut_off_days_in_february_and_leap_years():
    assert window(dates("month", 2024, 2, 30)) == (D(2024, 1, 31), D(2024, 2, 29))
    assert window(dates("month", 2024, 3, 30)) == (D(2024, 3, 1), D(2024, 3, 30))
    assert window(dates("month", 2025, 2, 29)) == (D(2025, 1, 30), D(2025, 2, 28))
    assert window(dates("month", 2025, 3, 29)) == (D(2025, 3, 1), D(2025, 3, 29))
    assert window(dates("month", 2100, 2, 29)) == (D(2100, 1, 30), D(2100, 2, 28))  # not leap
    assert window(dates("month", 2000, 2, 29)) == (D(2000, 1, 30), D(2000, 2, 29))  # leap
    assert window(dates("quarter", 2024, 1, 30)) == (D(2023, 12, 31), D(2024, 3, 30))


@given(day=st.integers(1, 31), year=st.integers(2001, 2099),
       kind=st.sampled_from(["month", "quarter", "half"]))  # fmt: skip
def test_consecutive_periods_tile_the_calendar(day, year, kind):
    """No day counted twice, none left out, across years too."""
    count = periods.SHAPES[kind][0]
    chain = [dates(kind, year, n, day) for n in range(1, count + 1)]
    chain.append(dates(kind, year + 1, 1, day))
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.counts_from == before.cut_off + datetime.timedelta(days=1)
    assert dates("year", year + 1, 1, day).counts_from == dates(
        "year", year, 1, day
    ).cut_off + datetime.timedelta(days=1)
    nine, year_ = dates("nine_months", year, 1, day), dates("year", year, 1, day)
    third_quarter = dates("quarter", year, 3, day)
    assert window(nine) == (year_.counts_from, third_quarter.cut_off)
    assert chain[0].counts_from == year_.counts_from and chain[-2].cut_off == year_.cut_off


@pytest.mark.parametrize(("kind", "year", "number"), [
    ("month", 2026, 0), ("month", 2026, 13), ("quarter", 2026, 5), ("half", 2026, 3),
    ("nine_months", 2026, 2), ("year", 2026, 2), ("week", 2026, 1), ("year", 1999, 1),
])  # fmt: skip
def test_periods_that_do_not_exist(kind, year, number, english):
    with pytest.raises(PeriodError):
        dates(kind, year, number, 14)


def test_labels(english):
    assert label("month", 2026, 3) == "Month 3/2026"
    assert label("quarter", 2026, 4) == "Quarter IV/2026"
    assert label("half", 2026, 1) == "First six months of 2026"
    assert label("half", 2026, 2) == "Last six months of 2026"
    assert label("nine_months", 2026, 1) == "First nine months of 2026"
    assert label("year", 2026, 1) == "Year 2026"


@pytest.mark.django_db
def test_configured_cut_off_days_and_reading_writes_nothing(superuser):
    assert periods.cut_off_days()["month"] == 14
    unsaved = periods.resolve("month", 2026, 3)
    assert unsaved.pk is None and not Period.objects.exists()
    cut_off_set(actor=superuser, kind="month", day=20)
    assert periods.cut_off_days() == {**{k: 14 for k in Period.Kind.values}, "month": 20}
    assert window(periods.resolve("month", 2026, 3)) == (D(2026, 2, 21), D(2026, 3, 20))


@pytest.mark.django_db
def test_stored_periods_keep_their_dates_once_over(superuser, settings):
    past = period_ensure(kind="year", year=2020, number=1)
    future = period_ensure(kind="year", year=2099, number=1)
    assert period_ensure(kind="year", year=2020, number=1).pk == past.pk  # stored once
    cut_off_set(actor=superuser, kind="year", day=31)
    past.refresh_from_db()
    future.refresh_from_db()
    assert window(past) == (D(2019, 12, 15), D(2020, 12, 14))  # closed with the old day
    assert window(future) == (D(2099, 1, 1), D(2099, 12, 31))
    assert PeriodCutOff.objects.get(kind="year").day == 31
    with pytest.raises(ReportingError):
        period_ensure(kind="quarter", year=2026, number=5)


@pytest.mark.django_db
def test_only_national_administrators_set_cut_off_days(tinh_admin, superuser, english):
    with pytest.raises(ReportingError, match="national administrators"):
        cut_off_set(actor=tinh_admin, kind="month", day=20)  # province p is not the whole country
    for bad in (0, 32, "14"):
        with pytest.raises(ReportingError):
            cut_off_set(actor=superuser, kind="month", day=bad)
    assert not PeriodCutOff.objects.exists()


@pytest.mark.django_db
def test_several_cut_off_days_are_set_all_or_none(superuser):
    from hoiso.reporting.services import cut_offs_set

    with pytest.raises(ReportingError):
        cut_offs_set(actor=superuser, days={"month": 20, "quarter": 40})
    assert not PeriodCutOff.objects.exists()  # the month's day was not kept either
    cut_offs_set(actor=superuser, days={"month": 20, "quarter": 31})
    assert dict(PeriodCutOff.objects.values_list("kind", "day")) == {"month": 20, "quarter": 31}
