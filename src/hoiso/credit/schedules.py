"""Loan schedules as pure functions: no database, no Django, whole VND.

Three methods, as the Union's own fund and the Bank for Social Policies' entrusted
programmes quote them (and as Apache Fineract names them):

- declining balance with equal principal (dư nợ giảm dần): the principal is split evenly over
  the repaying months, interest is charged each month on the balance still owed;
- annuity (trả góp đều): every repaying instalment has the same total, its interest part on
  the balance owed, its principal part the rest;
- flat (lãi phẳng): interest each month on the amount lent, principal split evenly.

Rates are percent per month (0.55 means 0.55%/month) and kept as Decimal. `grace_months`
instalments carry interest only. With `day_count="30"` every month counts 30 days (interest
= balance × rate); with `"actual"` the days between due dates count (interest = balance ×
rate × days / 30, the daily rate being the monthly one over 30, as the Bank computes it).
Interest is rounded half up to whole VND on every row; principal parts are whole VND rounded
down, the rounding difference going into the last instalment, so the principal always sums
to the amount lent.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DECLINING = "declining"
ANNUITY = "annuity"
FLAT = "flat"
METHODS = (DECLINING, ANNUITY, FLAT)
DAYS_30 = "30"
DAYS_ACTUAL = "actual"
DAY_COUNTS = (DAYS_30, DAYS_ACTUAL)


@dataclass(frozen=True)
class Row:
    """One instalment: what falls due on `due_date` and the principal still owed after it."""

    number: int
    due_date: datetime.date
    days: int
    principal: int
    interest: int
    balance_after: int

    @property
    def total(self) -> int:
        return self.principal + self.interest


def add_months(start: datetime.date, months: int, day: int | None = None) -> datetime.date:
    """The date `months` calendar months after `start`, on `day` (default: start's day),
    clamped to the month's last day (31 January + 1 month = 28/29 February)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day or start.day, last))


def due_dates(start: datetime.date, months: int, day: int | None = None) -> list[datetime.date]:
    """The monthly due dates of a loan disbursed on `start`: one month apart, on `day` of the
    month when given (a group's meeting day), else on the disbursement's day of the month."""
    return [add_months(start, n, day) for n in range(1, months + 1)]


def round_vnd(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def period_interest(balance: int, monthly_rate: Decimal, days: int, day_count: str) -> int:
    """Interest of one period on `balance`: a whole month's rate with 30-day months, the
    rate over 30 per actual day otherwise."""
    rate = Decimal(monthly_rate) / 100
    if day_count == DAYS_ACTUAL:
        return round_vnd(Decimal(balance) * rate * days / 30)
    return round_vnd(Decimal(balance) * rate)


def annuity_payment(amount: int, monthly_rate: Decimal, months: int) -> int:
    """The equal monthly instalment repaying `amount` over `months` at `monthly_rate`%."""
    rate = Decimal(monthly_rate) / 100
    if rate == 0:
        return -(-amount // months)
    return round_vnd(Decimal(amount) * rate / (1 - (1 + rate) ** -months))


def check_terms(*, amount: int, months: int, monthly_rate: Decimal, grace_months: int,
                method: str, day_count: str) -> None:  # fmt: skip
    """Raise ValueError on terms no schedule can be built from (the services check first and
    say it in Vietnamese; this guards the pure function itself)."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValueError("amount must be a positive whole number of VND")
    if months < 1 or not 0 <= grace_months < months:
        raise ValueError("need 1+ months and fewer grace months than months")
    if Decimal(monthly_rate) < 0:
        raise ValueError("negative rate")
    if method not in METHODS or day_count not in DAY_COUNTS:
        raise ValueError(f"unknown method {method!r} or day count {day_count!r}")


def build(*, amount: int, months: int, monthly_rate: Decimal, start: datetime.date,
          method: str = DECLINING, grace_months: int = 0, day_count: str = DAYS_30,
          due_day: int | None = None) -> list[Row]:  # fmt: skip
    """The schedule of a loan of `amount` VND disbursed on `start` (see the module doc)."""
    check_terms(amount=amount, months=months, monthly_rate=monthly_rate,
                grace_months=grace_months, method=method, day_count=day_count)  # fmt: skip
    dates = due_dates(start, months, due_day)
    repaying = months - grace_months
    equal_part = amount // repaying
    payment = annuity_payment(amount, monthly_rate, repaying) if method == ANNUITY else 0
    rows: list[Row] = []
    balance, previous = amount, start
    for number, due in enumerate(dates, start=1):
        days = (due - previous).days
        base = amount if method == FLAT else balance
        interest = period_interest(base, monthly_rate, days, day_count)
        if number <= grace_months:
            principal = 0
        elif number == months:
            principal = balance
        elif method == ANNUITY:
            principal = min(max(payment - interest, 0), balance)
        else:
            principal = equal_part
        balance -= principal
        rows.append(Row(number, due, days, principal, interest, balance))
        previous = due
    return rows
