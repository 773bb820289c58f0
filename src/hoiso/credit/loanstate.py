"""What a loan owes, read from its schedule and its ledger accounts.

A loan's sub-ledger has four accounts (principal, interest receivable, penalty receivable,
overpayment). Payments go oldest first, so what is left of each instalment follows from the
cumulative sums repaid (allocation.outstanding): no paid amounts are stored on instalments.
Interest becomes receivable when it falls due (accrual: at month-end for every loan, and
on demand before a repayment, an early repayment or a rescheduling of this loan), so the
interest receivable is never negative.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Sum

from hoiso.credit import allocation, schedules
from hoiso.credit.ledger import Purpose, account, post
from hoiso.credit.models import Instalment, JournalEntry, LedgerAccount, Loan, Posting, Schedule

Kind = JournalEntry.Kind


@dataclass
class LoanState:
    """A loan's figures now (every posting so far), with its schedule in force."""

    loan: Loan
    schedule: Schedule | None
    instalments: list[Instalment]
    sums: dict[tuple[str, str], int] = field(default_factory=dict)  # (purpose, kind) → sum

    def _balance(self, purpose: str) -> int:
        return sum(v for (p, _k), v in self.sums.items() if p == purpose)

    @property
    def principal_outstanding(self) -> int:
        return self._balance(Purpose.PRINCIPAL)

    @property
    def interest_receivable(self) -> int:
        return self._balance(Purpose.INTEREST_RECEIVABLE)

    @property
    def penalty_receivable(self) -> int:
        return self._balance(Purpose.PENALTY_RECEIVABLE)

    @property
    def overpayment(self) -> int:
        return -self._balance(Purpose.OVERPAYMENT)

    @property
    def principal_paid(self) -> int:
        return -self.sums.get((Purpose.PRINCIPAL, Kind.REPAYMENT), 0)

    @property
    def interest_paid(self) -> int:
        return -self.sums.get((Purpose.INTEREST_RECEIVABLE, Kind.REPAYMENT), 0)

    @property
    def interest_accrued(self) -> int:
        return self.sums.get((Purpose.INTEREST_RECEIVABLE, Kind.ACCRUAL), 0)

    def interest_due_by(self, on: datetime.date) -> int:
        """Scheduled interest fallen due on or before `on` (what accrual brings it to)."""
        if self.schedule is None:
            return 0
        due = sum(i.interest for i in self.instalments if i.due_date <= on)
        return self.schedule.interest_before + due

    def dues(self) -> list[allocation.Due]:
        if self.schedule is None:
            return []
        return allocation.outstanding(
            self.instalments,
            principal_paid=self.principal_paid - self.schedule.principal_before,
            interest_paid=self.interest_paid - self.schedule.interest_before,
            penalty=self.penalty_receivable,
        )

    def owed(self, on: datetime.date) -> int:
        """What a payment on `on` may pay before it is an overpayment."""
        return allocation.owed(self.dues(), on=on)

    def due_now(self, on: datetime.date) -> dict[str, int]:
        """What falls to be paid at a meeting on `on`: principal and interest due by then
        (overdue: due before it), and the penalty."""
        dues = [d for d in self.dues() if d.due_date <= on]
        late = [d for d in dues if d.due_date < on]
        return {
            "principal": sum(d.principal for d in dues),
            "interest": sum(d.interest for d in dues),
            "penalty": self.penalty_receivable,
            "overdue_principal": sum(d.principal for d in late),
            "overdue_interest": sum(d.interest for d in late),
        }


def loan_accounts(loan: Loan) -> dict[str, LedgerAccount]:
    """The loan's four sub-ledger accounts (made on disbursement)."""
    found = {a.purpose: a for a in LedgerAccount.objects.filter(loan=loan).order_by()}
    missing = [p for p in LedgerAccount.LOAN_PURPOSES if p not in found]
    if len(missing) == len(LedgerAccount.LOAN_PURPOSES):
        # At disbursement (the loan's row is locked): all four in one insert, in this order.
        made = LedgerAccount.objects.bulk_create(
            LedgerAccount(unit=loan.unit, unit_path=loan.unit.path, purpose=p, loan=loan)
            for p in missing
        )
        found.update((a.purpose, a) for a in made)
    for purpose in missing:
        if purpose not in found:
            found[purpose] = account(unit=loan.unit, purpose=purpose, loan=loan)
    return found


def current_schedule(loan_ids: Iterable[int]) -> dict[int, Schedule]:
    latest: dict[int, Schedule] = {}
    for schedule in Schedule.objects.filter(loan_id__in=list(loan_ids)).order_by("version"):
        latest[schedule.loan_id] = schedule
    return latest


class _Row(NamedTuple):
    """An instalment's figures, without a model instance (the meeting's many loans)."""

    id: int
    schedule_id: int
    loan_id: int
    number: int
    due_date: datetime.date
    principal: int
    interest: int


def states(loans: Iterable[Loan], *, due_by: datetime.date | None = None,
           light: bool = False, as_of: datetime.date | None = None) -> dict[int, LoanState]:  # fmt: skip
    """The states of many loans in three queries (the collection sheet). With `due_by`, only
    the instalments falling due by that day are read: enough for `due_now(due_by)` and the
    balances (payments go oldest first, so later instalments change nothing before them),
    not for `owed`, `dues` or the schedule. With `light`, the instalments are plain rows
    with the same attributes (number, due_date, principal, interest), not model instances.
    With `as_of`, only postings dated by that day count (a past meeting's sheet); the
    schedule is the one in force now."""
    loans = list(loans)
    ids = [loan.pk for loan in loans]
    schedules_by_loan = current_schedule(ids)
    rows: dict[int, list[Instalment]] = defaultdict(list)
    current = [s.pk for s in schedules_by_loan.values()]
    instalments = Instalment.objects.filter(schedule_id__in=current)
    if due_by is not None:
        instalments = instalments.filter(due_date__lte=due_by)
    instalments = instalments.order_by("schedule_id", "number")
    if light:
        instalments = (_Row(*values) for values in instalments.values_list(*_Row._fields))
    for inst in instalments:
        rows[inst.loan_id].append(inst)
    sums: dict[int, dict] = defaultdict(dict)
    postings = Posting.objects.filter(account__loan_id__in=ids)
    if as_of is not None:
        postings = postings.filter(date__lte=as_of)
    postings = (postings.values("account__loan_id", "account__purpose", "kind")
                .annotate(total=Sum("amount")).order_by())  # fmt: skip
    for row in postings:
        sums[row["account__loan_id"]][(row["account__purpose"], row["kind"])] = row["total"]
    return {loan.pk: LoanState(loan, schedules_by_loan.get(loan.pk), rows[loan.pk], sums[loan.pk])
            for loan in loans}  # fmt: skip


def state(loan: Loan) -> LoanState:
    return states([loan])[loan.pk]


def accrue(st: LoanState, on: datetime.date, *, actor=None, accounts=None) -> int:
    """Bring the loan's interest receivable up to the scheduled interest due by `on`
    (one accrual entry when anything is due). Returns the amount accrued."""
    gap = st.interest_due_by(on) - st.interest_accrued
    if gap <= 0:
        return 0
    loan = st.loan
    accts = accounts or loan_accounts(loan)
    income = account(unit=loan.unit, purpose=Purpose.INTEREST_INCOME)
    post(unit=loan.unit, on=on, kind=Kind.ACCRUAL, actor=actor, loan=loan,
         memo=f"{loan.number}", lines=[(accts[Purpose.INTEREST_RECEIVABLE], gap), (income, -gap)])  # fmt: skip
    key = (Purpose.INTEREST_RECEIVABLE, Kind.ACCRUAL)
    st.sums[key] = st.sums.get(key, 0) + gap
    return gap


def make_schedule(*, loan: Loan, version: int, start: datetime.date, principal: int, months: int,
                  grace_months: int, principal_before: int = 0, interest_before: int = 0,
                  actor=None, reason: str = "") -> Schedule:  # fmt: skip
    """Store a schedule version for `principal` from `start` on the loan's terms."""
    rows = schedules.build(amount=principal, months=months, monthly_rate=loan.monthly_rate,
                           start=start, method=loan.method, grace_months=grace_months,
                           day_count=loan.day_count, due_day=loan.group.meeting_day)  # fmt: skip
    schedule = Schedule.objects.create(
        loan=loan, version=version, effective_on=start, principal=principal,
        principal_before=principal_before, interest_before=interest_before,
        created_by=actor, reason=reason[:255],
    )  # fmt: skip
    Instalment.objects.bulk_create(
        Instalment(schedule=schedule, loan=loan, number=r.number, due_date=r.due_date,
                   principal=r.principal, interest=r.interest)
        for r in rows
    )  # fmt: skip
    return schedule


def last_entry_date(loan: Loan) -> datetime.date | None:
    return (
        JournalEntry.objects.filter(loan=loan)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )


def refresh_cache(loan: Loan) -> None:
    """Set the cached outstanding principal from the ledger."""
    total = (Posting.objects.filter(account__loan=loan, account__purpose=Purpose.PRINCIPAL)
             .aggregate(t=Sum("amount"))["t"] or 0)  # fmt: skip
    Loan.objects.filter(pk=loan.pk).update(principal_outstanding=total)
    loan.principal_outstanding = total
