"""Reporting periods as dates: pure functions, plus reading the cut-off days.

A period of kind K, year Y and number N covers calendar months (a month, a quarter, the
first or last six months, the first nine months, the year). Its figures run from the day after
the previous cut-off to its own cut-off: the cut-off day of the period's last month (clamped to
the month's length: 31 is always the month's last day, 30 is 28 or 29 February), and the
window opens the day after the cut-off day of the month before the period's first month.

The default, 14, is the closing day of the State's periodic reports (Decree 09/2019/NĐ-CP,
art. 12): the month of March counts from 15 February to 14 March, the year from 15 December
of the year before to 14 December. Consecutive months, quarters and years tile the calendar:
no day is counted twice or left out.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from hoiso.reporting.models import Period, PeriodCutOff

DEFAULT_CUT_OFF_DAY = 14
Kind = Period.Kind

# kind → (how many periods in a year, months per period)
SHAPES = {
    Kind.MONTH: (12, 1),
    Kind.QUARTER: (4, 3),
    Kind.HALF: (2, 6),
    Kind.NINE_MONTHS: (1, 9),
    Kind.YEAR: (1, 12),
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    """A kind, year or number that names no period; the message is for the user."""


@dataclass(frozen=True)
class Dates:
    start: datetime.date
    end: datetime.date
    counts_from: datetime.date
    cut_off: datetime.date


def check(kind: str, year: int, number: int) -> None:
    if kind not in SHAPES:
        raise PeriodError(_("Unknown kind of period."))
    if not 2000 <= year <= 2100:
        raise PeriodError(_("The year must be between 2000 and 2100."))
    count = SHAPES[kind][0]
    if not 1 <= number <= count:
        raise PeriodError(
            _("A %(kind)s is numbered from 1 to %(n)d.")
            % {"kind": Kind(kind).label.lower(), "n": count}
        )


def months(kind: str, number: int) -> tuple[int, int]:
    """The first and last month of the period."""
    length = SHAPES[kind][1]
    first = (number - 1) * length + 1
    return first, first + length - 1


def day_in(year: int, month: int, day: int) -> datetime.date:
    """`day` of the month, or the month's last day when it has fewer."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def dates(kind: str, year: int, number: int, cut_off_day: int) -> Dates:
    check(kind, year, number)
    if not 1 <= cut_off_day <= 31:
        raise PeriodError(_("The cut-off day must be between 1 and 31."))
    first, last = months(kind, number)
    start = datetime.date(year, first, 1)
    end = day_in(year, last, 31)
    before_year, before_month = (year, first - 1) if first > 1 else (year - 1, 12)
    previous_cut_off = day_in(before_year, before_month, cut_off_day)
    return Dates(
        start=start,
        end=end,
        counts_from=previous_cut_off + datetime.timedelta(days=1),
        cut_off=day_in(year, last, cut_off_day),
    )


def label(kind: str, year: int, number: int) -> str:
    if kind == Kind.MONTH:
        return _("Month %(n)d/%(year)d") % {"n": number, "year": year}
    if kind == Kind.QUARTER:
        return _("Quarter %(n)s/%(year)d") % {"n": ROMAN[number], "year": year}
    if kind == Kind.HALF:
        if number == 1:
            return _("First six months of %(year)d") % {"year": year}
        return _("Last six months of %(year)d") % {"year": year}
    if kind == Kind.NINE_MONTHS:
        return _("First nine months of %(year)d") % {"year": year}
    return _("Year %(year)d") % {"year": year}


def cut_off_days() -> dict[str, int]:
    """The cut-off day of every kind: the stored one, else the default."""
    stored = dict(PeriodCutOff.objects.values_list("kind", "day"))
    return {kind: stored.get(kind, DEFAULT_CUT_OFF_DAY) for kind in Kind.values}


def containing(kind: str, day: datetime.date) -> tuple[int, int]:
    """(year, number) of the calendar period of `kind` that contains `day`. (The nine
    months contain only January–September; later days give that year's nine months.)"""
    length = SHAPES[kind][1]
    count = SHAPES[kind][0]
    return day.year, min((day.month - 1) // length + 1, count)


def resolve(kind: str, year: int, number: int) -> Period:
    """The stored period, or an unsaved one with today's cut-off day (reading never writes;
    services.period_ensure stores it)."""
    check(kind, year, number)
    found = Period.objects.filter(kind=kind, year=year, number=number).first()
    if found is not None:
        return found
    d = dates(kind, year, number, cut_off_days()[kind])
    return Period(kind=kind, year=year, number=number, start=d.start, end=d.end,
                  counts_from=d.counts_from, cut_off=d.cut_off)  # fmt: skip
