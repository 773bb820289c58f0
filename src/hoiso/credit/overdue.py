"""Arrears as of any date, read from the ledger and the schedules in set-based SQL (a few
queries whatever the number of loans), for the selectors, PAR and month-end.

As of a day D, only postings dated on or before D count. An instalment is overdue from the
day after its due date until what is cumulatively due by it has been repaid (payments go
oldest first): a loan's days overdue are D minus the due date of its oldest instalment not
fully repaid. Its overdue principal is the principal fallen due before D less the principal
repaid. Rescheduled loans count against the schedule version in force on D.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from hoiso.core.scoping import path_q
from hoiso.credit.models import Loan

BUCKETS = (("1_30", 1, 30), ("31_60", 31, 60), ("61_90", 61, 90), ("91_180", 91, 180),
           ("over_180", 181, None))  # fmt: skip


def bucket(days: int) -> str | None:
    """The ageing bucket of `days` overdue (None when not overdue)."""
    for name, low, high in BUCKETS:
        if days >= low and (high is None or days <= high):
            return name
    return None


@dataclass(frozen=True)
class Arrears:
    loan_id: int
    group_id: int
    unit_path: str
    programme_id: int
    outstanding: int
    overdue_principal: int = 0
    overdue_interest: int = 0
    days: int = 0

    @property
    def bucket(self) -> str | None:
        return bucket(self.days)


def live_loans(on: datetime.date, paths: list[str] | None = None):
    """Loans disbursed by `on` and neither closed nor written off by then."""
    loans = Loan.objects.filter(disbursed_on__lte=on).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on),
        Q(written_off_on__isnull=True) | Q(written_off_on__gt=on),
    )
    return loans.filter(path_q("unit_path", paths)) if paths is not None else loans


def _date(value) -> datetime.date:
    return (
        value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])
    )


# Per loan, from postings dated by the day: principal outstanding, and principal and interest
# repaid (one pass over the loans' principal and interest accounts).
FIGURES_SQL = """
SELECT a.loan_id,
  SUM(CASE WHEN a.purpose = 'principal' THEN p.amount ELSE 0 END),
  -SUM(CASE WHEN a.purpose = 'principal' AND p.kind = 'repayment' THEN p.amount ELSE 0 END),
  -SUM(CASE WHEN a.purpose = 'interest_recv' AND p.kind = 'repayment' THEN p.amount ELSE 0 END)
FROM credit_posting p JOIN credit_ledgeraccount a ON a.id = p.account_id
WHERE a.loan_id IN ({loans}) AND a.purpose IN ('principal', 'interest_recv') AND p.date <= %s
GROUP BY a.loan_id
"""

# The instalments fallen due before the day of each loan's schedule in force on it (the
# latest version effective by then), oldest first.
DUES_SQL = """
SELECT s.loan_id, s.principal_before, s.interest_before, i.due_date, i.principal, i.interest
FROM credit_schedule s JOIN credit_instalment i ON i.schedule_id = s.id
WHERE s.loan_id IN ({loans}) AND s.effective_on <= %s AND i.due_date < %s
  AND NOT EXISTS (SELECT 1 FROM credit_schedule s2 WHERE s2.loan_id = s.loan_id
                  AND s2.effective_on <= %s AND s2.version > s.version)
ORDER BY s.loan_id, i.number
"""


def _late(rows, paid: dict[int, tuple[int, int]]) -> dict[int, tuple]:
    """{loan id: (first due date not fully repaid, overdue principal, overdue interest)} of
    the loans with something overdue: payments go oldest first, so an instalment is repaid
    when the cumulative sums repaid (less what was repaid before its schedule) cover the
    cumulative sums due by it."""
    late: dict[int, tuple] = {}
    for loan_id, dues in itertools.groupby(rows, key=lambda row: row[0]):
        pp, ip = paid.get(loan_id, (0, 0))
        cp = ci = 0
        first = None
        for _loan, p_before, i_before, due_date, principal, interest in dues:
            cp, ci = cp + principal, ci + interest
            if first is None and (cp > pp - p_before or ci > ip - i_before):
                first = _date(due_date)
        if first is not None:
            late[loan_id] = (first, max(cp - pp + p_before, 0), max(ci - ip + i_before, 0))
    return late


def arrears(*, on: datetime.date, paths: list[str] | None = None,
            loans=None) -> dict[int, Arrears]:  # fmt: skip
    """{loan id: Arrears} for every loan with principal outstanding on `on` in the subtrees
    `paths` (None: everywhere), or among the queryset `loans`. Three queries whatever the
    number of loans: the loans, their sums from the postings, their instalments due."""
    base = (loans if loans is not None else live_loans(on, paths)).order_by()
    loan_sql, loan_params = base.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(FIGURES_SQL.format(loans=loan_sql), [*loan_params, on])
        sums = {row[0]: row[1:] for row in cursor.fetchall() if row[1]}
        if not sums:
            return {}
        cursor.execute(DUES_SQL.format(loans=loan_sql), [*loan_params, on, on, on])
        late = _late(
            cursor.fetchall(), {pk: (int(pp), int(ip)) for pk, (_o, pp, ip) in sums.items()}
        )
    result = {}
    for loan_id, group_id, path, programme_id in base.values_list("id", "group_id", "unit_path",
                                                                  "programme_id"):  # fmt: skip
        if loan_id not in sums:
            continue
        total = int(sums[loan_id][0])
        first, principal, interest = late.get(loan_id, (None, 0, 0))
        result[loan_id] = Arrears(loan_id, group_id, path, programme_id, total,
                                  min(principal, total), interest,
                                  (on - first).days if first else 0)  # fmt: skip
    return result
