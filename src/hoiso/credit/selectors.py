"""Every read of savings and credit, scoped to the reader: lists start from
`.visible_to(user)`, single records come through `get_object_for_user` (404 outside the
scope), and figures of a unit are refused (404) for a unit the reader does not see.

Balances are sums of postings (never the cached columns). Figures of a unit cover its whole
subtree (records store the unit path), so a province's totals are the sum of its communes'
(`portfolio_by_child` splits them by the next level down in one pass).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404

from hoiso.core.indicators import Ratio
from hoiso.core.permissions import Action
from hoiso.core.scoping import get_object_for_user, path_q, user_can
from hoiso.credit import loanstate, overdue
from hoiso.credit.collection import CollectionSheet, collection_sheet
from hoiso.credit.ledger import Purpose
from hoiso.credit.models import (
    GroupMembership,
    Instalment,
    JournalEntry,
    LedgerAccount,
    Loan,
    Posting,
    Programme,
    SavingsAccount,
    SavingsGroup,
)
from hoiso.org.models import PATH_SEGMENT_WIDTH, Unit

Kind = JournalEntry.Kind


def _check_unit(user, unit: Unit, action: str = Action.VIEW) -> None:
    if not user_can(user, action, unit.path):
        raise Http404


# --- lists and records ----------------------------------------------------------------------


def programmes(*, user, product: str | None = None) -> QuerySet[Programme]:
    qs = Programme.objects.visible_to(user).filter(active=True)
    return qs.filter(product=product) if product else qs


def groups(*, user, unit: Unit | None = None) -> QuerySet[SavingsGroup]:
    qs = SavingsGroup.objects.visible_to(user).select_related("unit", "leader")
    return qs.filter(path_q("unit_path", [unit.path])) if unit is not None else qs


def group_for(*, user, pk: int, action: str = Action.VIEW) -> SavingsGroup:
    return get_object_for_user(SavingsGroup.objects.select_related("unit"), user, action, pk=pk)


def loan_for(*, user, pk: int, action: str = Action.VIEW) -> Loan:
    qs = Loan.objects.select_related("unit", "group", "member", "programme")
    return get_object_for_user(qs, user, action, pk=pk)


def savings_account_for(*, user, pk: int, action: str = Action.VIEW) -> SavingsAccount:
    qs = SavingsAccount.objects.select_related("unit", "group", "member", "product")
    return get_object_for_user(qs, user, action, pk=pk)


def entry_for(*, user, pk: int, action: str = Action.VIEW) -> JournalEntry:
    return get_object_for_user(JournalEntry.objects.select_related("unit"), user, action, pk=pk)


def group_members(*, group: SavingsGroup) -> QuerySet[GroupMembership]:
    return (GroupMembership.objects.filter(group=group, left_on__isnull=True)
            .select_related("member").order_by("member__name_sort", "member_id"))  # fmt: skip


def loans(*, user, group: SavingsGroup | None = None, status: str | None = None) -> QuerySet[Loan]:
    qs = Loan.objects.visible_to(user).select_related("member", "programme", "group")
    if group is not None:
        qs = qs.filter(group=group)
    return qs.filter(status=status) if status else qs


def savings_accounts(*, user, group: SavingsGroup | None = None) -> QuerySet[SavingsAccount]:
    qs = SavingsAccount.objects.visible_to(user).select_related("member", "product", "group")
    return qs.filter(group=group) if group is not None else qs


def collection_sheet_for(*, user, group: SavingsGroup, on: datetime.date) -> CollectionSheet:
    """The meeting's collection sheet, for a reader who sees the group."""
    _check_unit(user, group.unit)
    return collection_sheet(group=group, on=on)


# --- balances and statements ----------------------------------------------------------------


def savings_balance(*, account: SavingsAccount, on: datetime.date | None = None) -> int:
    postings = Posting.objects.filter(account__savings_account=account)
    if on is not None:
        postings = postings.filter(date__lte=on)
    return -(postings.aggregate(t=Sum("amount"))["t"] or 0)


@dataclass(frozen=True)
class StatementRow:
    date: datetime.date
    entry_id: int
    kind: str
    memo: str
    amount_in: int
    amount_out: int
    balance: int
    reverses_id: int | None


def savings_statement(*, account: SavingsAccount, start: datetime.date | None = None,
                      end: datetime.date | None = None) -> tuple[int, list[StatementRow]]:  # fmt: skip
    """(opening balance before `start`, rows from `start` to `end` with the running balance)."""
    opening = (
        savings_balance(account=account, on=start - datetime.timedelta(days=1)) if start else 0
    )
    postings = (Posting.objects.filter(account__savings_account=account)
                .select_related("entry").order_by("date", "entry_id"))  # fmt: skip
    if start:
        postings = postings.filter(date__gte=start)
    if end:
        postings = postings.filter(date__lte=end)
    rows, running = [], opening
    for p in postings:
        running -= p.amount
        rows.append(StatementRow(p.date, p.entry_id, p.kind, p.entry.memo, max(-p.amount, 0),
                                 max(p.amount, 0), running, p.entry.reverses_id))  # fmt: skip
    return opening, rows


@dataclass(frozen=True)
class LoanStatementRow:
    date: datetime.date
    entry_id: int
    kind: str
    memo: str
    cash: int
    principal: int
    interest: int
    penalty: int
    overpayment: int
    principal_balance: int
    reverses_id: int | None


def loan_statement(*, loan: Loan) -> list[LoanStatementRow]:
    """Every entry of the loan, with what it did to each component (positive: the member
    owes more / paid) and the principal outstanding after it."""
    parts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for p in Posting.objects.filter(entry__loan=loan).select_related("account"):
        parts[p.entry_id][p.account.purpose] += p.amount
    rows, balance = [], 0
    for entry in JournalEntry.objects.filter(loan=loan).order_by("date", "pk"):
        got = parts[entry.pk]
        balance += got.get(Purpose.PRINCIPAL, 0)
        rows.append(LoanStatementRow(
            entry.date, entry.pk, entry.kind, entry.memo, got.get(Purpose.CASH, 0),
            got.get(Purpose.PRINCIPAL, 0), got.get(Purpose.INTEREST_RECEIVABLE, 0),
            got.get(Purpose.PENALTY_RECEIVABLE, 0), -got.get(Purpose.OVERPAYMENT, 0), balance,
            entry.reverses_id))  # fmt: skip
    return rows


@dataclass(frozen=True)
class ScheduleRow:
    number: int
    due_date: datetime.date
    principal: int
    interest: int
    principal_left: int  # of this instalment, not yet repaid
    interest_left: int


def loan_schedule(*, loan: Loan) -> list[ScheduleRow]:
    """The schedule in force with what is left of each instalment (payments oldest first)."""
    st = loanstate.state(loan)
    left = {d.number: d for d in st.dues()}
    return [ScheduleRow(i.number, i.due_date, i.principal, i.interest,
                        left[i.number].principal if i.number in left else 0,
                        left[i.number].interest if i.number in left else 0)
            for i in st.instalments]  # fmt: skip


def loan_schedule_versions(*, loan: Loan) -> dict[int, list[Instalment]]:
    """Every version of the schedule (rescheduling keeps the old ones)."""
    found: dict[int, list[Instalment]] = defaultdict(list)
    for inst in (
        Instalment.objects.filter(loan=loan)
        .select_related("schedule")
        .order_by("schedule__version", "number")
    ):
        found[inst.schedule.version].append(inst)
    return dict(found)


def loan_dues(*, loan: Loan, on: datetime.date) -> dict[str, int]:
    """What falls due by `on` (principal, interest, penalty, overdue parts) and what a
    payment could pay before it is an overpayment (`owed`)."""
    st = loanstate.state(loan)
    return {**st.due_now(on), "owed": st.owed(on), "outstanding": st.principal_outstanding,
            "overpayment": st.overpayment}  # fmt: skip


def loan_arrears(*, loan: Loan, on: datetime.date) -> overdue.Arrears | None:
    return overdue.arrears(on=on, loans=Loan.objects.filter(pk=loan.pk)).get(loan.pk)


# --- portfolio figures ----------------------------------------------------------------------


@dataclass
class Portfolio:
    """A subtree's figures: balances at `end`, flows over [start, end]."""

    outstanding: int = 0
    loans: int = 0
    borrowers: int = 0
    overdue_principal: int = 0
    overdue_interest: int = 0
    par30_outstanding: int = 0
    savings: int = 0
    disbursed: int = 0
    repaid_principal: int = 0
    repaid_interest: int = 0
    repaid_penalty: int = 0
    deposits: int = 0
    withdrawals: int = 0
    buckets: dict[str, int] = field(default_factory=lambda: {b[0]: 0 for b in overdue.BUCKETS})

    @property
    def overdue(self) -> int:
        return self.overdue_principal + self.overdue_interest

    @property
    def collected(self) -> int:
        return self.repaid_principal + self.repaid_interest + self.repaid_penalty

    @property
    def par30(self) -> Ratio:
        return Ratio(self.par30_outstanding, self.outstanding)


def _flows(paths, start, end, width: int | None = None) -> dict[str, dict]:
    """Sums over [start, end] of postings by (kind, purpose), per child path prefix."""
    postings = Posting.objects.filter(date__gte=start, date__lte=end).filter(
        path_q("account__unit_path", paths)
    )
    key = "account__unit_path"
    if width:
        postings = postings.annotate(child=Substr(F("account__unit_path"), 1, width))
        key = "child"
    rows = postings.values(key, "kind", "account__purpose").annotate(t=Sum("amount")).order_by()
    found: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        found[row[key] if width else ""][(row["kind"], row["account__purpose"])] += row["t"]
    return found


def _balances(paths, end, width: int | None = None) -> dict[str, int]:
    """Savings balances at `end`, per child path prefix (or all together under "")."""
    postings = Posting.objects.filter(date__lte=end, account__purpose=Purpose.SAVINGS).filter(
        path_q("account__unit_path", paths)
    )
    key = "account__unit_path"
    if width:
        postings = postings.annotate(child=Substr(F("account__unit_path"), 1, width))
        key = "child"
    rows = postings.values(key).annotate(t=Sum("amount")).order_by()
    found: dict[str, int] = defaultdict(int)
    for row in rows:  # without width, one row per unit: they add up
        found[row[key] if width else ""] -= row["t"]
    return dict(found)


def _fill(fig: Portfolio, flows: dict, savings: int) -> None:
    fig.savings = savings
    fig.disbursed = flows.get((Kind.DISBURSEMENT, Purpose.PRINCIPAL), 0)
    fig.repaid_principal = -flows.get((Kind.REPAYMENT, Purpose.PRINCIPAL), 0)
    fig.repaid_interest = -flows.get((Kind.REPAYMENT, Purpose.INTEREST_RECEIVABLE), 0)
    fig.repaid_penalty = -flows.get((Kind.REPAYMENT, Purpose.PENALTY_RECEIVABLE), 0)
    fig.deposits = -flows.get((Kind.DEPOSIT, Purpose.SAVINGS), 0)
    fig.withdrawals = flows.get((Kind.WITHDRAWAL, Purpose.SAVINGS), 0)


def _add_arrears(fig: Portfolio, items: list[overdue.Arrears]) -> None:
    for a in items:
        fig.outstanding += a.outstanding
        fig.loans += 1
        fig.overdue_principal += a.overdue_principal
        fig.overdue_interest += a.overdue_interest
        if a.days > 30:
            fig.par30_outstanding += a.outstanding
        if a.bucket:
            fig.buckets[a.bucket] += a.outstanding


def _borrowers(loan_ids) -> dict[int, int]:
    return dict(Loan.objects.filter(pk__in=list(loan_ids)).values_list("pk", "member_id"))


def unit_portfolio(*, unit: Unit, start: datetime.date, end: datetime.date) -> Portfolio:
    """A unit subtree's portfolio (no reader check: for indicators and tasks)."""
    paths = [unit.path]
    fig = Portfolio()
    items = list(overdue.arrears(on=end, paths=paths).values())
    _add_arrears(fig, items)
    fig.borrowers = len(set(_borrowers(a.loan_id for a in items).values()))
    _fill(fig, _flows(paths, start, end).get("", {}), _balances(paths, end).get("", 0))
    return fig


def portfolio(*, user, unit: Unit, start: datetime.date, end: datetime.date) -> Portfolio:
    """The portfolio of `unit`'s subtree: outstanding, overdue, PAR30, ageing and savings at
    `end`; disbursements, collections, deposits and withdrawals over [start, end]."""
    _check_unit(user, unit)
    return unit_portfolio(unit=unit, start=start, end=end)


def arrears_in(*, user, unit: Unit, on: datetime.date) -> list[overdue.Arrears]:
    """Every loan with principal outstanding in `unit`'s subtree on `on`, with its days and
    amounts overdue (three queries): computed once by a page that shows it several ways and
    handed to ageing, par30 and portfolio_by_child as `items`."""
    _check_unit(user, unit)
    return list(overdue.arrears(on=on, paths=[unit.path]).values())


@dataclass(frozen=True)
class LatePayer:
    loan: Loan
    arrears: overdue.Arrears

    @property
    def overdue(self) -> int:
        return self.arrears.overdue_principal + self.arrears.overdue_interest


def late_payers(*, user, unit: Unit, items: list[overdue.Arrears],
                limit: int = 100) -> tuple[list[LatePayer], int]:  # fmt: skip
    """The loans of `items` with something overdue, longest overdue first (then the larger
    overdue amount), at most `limit` of them with the borrower and group, and how many there
    are in all. Names are personal data: VIEW_PERSONAL on the unit (else 404)."""
    _check_unit(user, unit, Action.VIEW_PERSONAL)
    late = sorted((a for a in items if a.days > 0),
                  key=lambda a: (-a.days, -(a.overdue_principal + a.overdue_interest), a.loan_id))  # fmt: skip
    shown = late[:limit]
    loans = Loan.objects.select_related("member", "group").in_bulk([a.loan_id for a in shown])
    return [LatePayer(loans[a.loan_id], a) for a in shown], len(late)


def portfolio_by_child(*, user, unit: Unit, start: datetime.date, end: datetime.date,
                       items: list[overdue.Arrears] | None = None,
                       ) -> list[tuple[Unit | None, Portfolio]]:  # fmt: skip
    """The portfolio split by the units one level below `unit` (province → communes,
    commune → branches), plus (None, …) for what is held at `unit` itself. The parts add up
    to `portfolio(unit)`. A constant number of queries. `items`: arrears_in(unit, end), when
    the caller has them already."""
    _check_unit(user, unit)
    width = len(unit.path) + PATH_SEGMENT_WIDTH + 1
    children = {c.path: c for c in Unit.objects.filter(parent=unit)}
    figures: dict[str, Portfolio] = defaultdict(Portfolio)
    if items is None:
        items = list(overdue.arrears(on=end, paths=[unit.path]).values())
    members = _borrowers(a.loan_id for a in items)
    by_child: dict[str, list] = defaultdict(list)
    for a in items:
        by_child[a.unit_path[:width]].append(a)
    for child, group in by_child.items():
        _add_arrears(figures[child], group)
        figures[child].borrowers = len({members[a.loan_id] for a in group})
    flows, savings = _flows([unit.path], start, end, width), _balances([unit.path], end, width)
    for child in set(flows) | set(savings) | set(by_child):
        _fill(figures[child], flows.get(child, {}), savings.get(child, 0))
    rows = [(children.get(path), fig) for path, fig in figures.items()]
    for path, child in children.items():
        if path not in figures:
            rows.append((child, Portfolio()))
    return sorted(rows, key=lambda r: (r[0] is None, r[0].name_sort if r[0] else ""))


def portfolio_by_group(*, user, unit: Unit, start: datetime.date,
                       end: datetime.date) -> list[tuple[SavingsGroup, Portfolio]]:  # fmt: skip
    """The portfolio of each savings group in `unit`'s subtree."""
    _check_unit(user, unit)
    groups_ = {g.pk: g for g in SavingsGroup.objects.filter(path_q("unit_path", [unit.path]))}
    figures = {pk: Portfolio() for pk in groups_}
    items = list(overdue.arrears(on=end, paths=[unit.path]).values())
    members = _borrowers(a.loan_id for a in items)
    by_group: dict[int, list] = defaultdict(list)
    for a in items:
        by_group[a.group_id].append(a)
    for pk, group in by_group.items():
        _add_arrears(figures[pk], group)
        figures[pk].borrowers = len({members[a.loan_id] for a in group})
    flows = (Posting.objects.filter(date__gte=start, date__lte=end)
             .filter(Q(account__loan__group_id__in=groups_) | Q(account__savings_account__group_id__in=groups_))
             .values("account__loan__group_id", "account__savings_account__group_id", "kind",
                     "account__purpose").annotate(t=Sum("amount")).order_by())  # fmt: skip
    per: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for row in flows:
        gid = row["account__loan__group_id"] or row["account__savings_account__group_id"]
        per[gid][(row["kind"], row["account__purpose"])] += row["t"]
    saved = (Posting.objects.filter(date__lte=end, account__savings_account__group_id__in=groups_)
             .values("account__savings_account__group_id").annotate(t=Sum("amount")).order_by())  # fmt: skip
    savings = {r["account__savings_account__group_id"]: -r["t"] for r in saved}
    for pk, fig in figures.items():
        _fill(fig, per.get(pk, {}), savings.get(pk, 0))
    return sorted(((groups_[pk], fig) for pk, fig in figures.items()), key=lambda r: r[0].name)


def ageing(*, user, unit: Unit, on: datetime.date,
           items: list[overdue.Arrears] | None = None) -> dict[str, dict[str, int]]:  # fmt: skip
    """Loans and principal outstanding by bucket of days overdue (1–30 … over 180), plus
    "current" (not overdue). `items`: arrears_in(unit, on), when the caller has them."""
    _check_unit(user, unit)
    result = {name: {"loans": 0, "outstanding": 0} for name, *_ in overdue.BUCKETS}
    result["current"] = {"loans": 0, "outstanding": 0}
    if items is None:
        items = overdue.arrears(on=on, paths=[unit.path]).values()
    for a in items:
        slot = result[a.bucket or "current"]
        slot["loans"] += 1
        slot["outstanding"] += a.outstanding
    return result


def par30(*, unit: Unit, on: datetime.date, user=None,
          items: list[overdue.Arrears] | None = None) -> Ratio:  # fmt: skip
    """PAR30 of `unit`'s subtree on `on`: outstanding principal of loans with an instalment
    more than 30 days overdue over all outstanding principal, from postings dated by `on`.
    `items`: arrears_in(unit, on), when the caller has them."""
    if user is not None:
        _check_unit(user, unit)
    if items is None:
        items = overdue.arrears(on=on, paths=[unit.path]).values()
    return Ratio(
        sum(a.outstanding for a in items if a.days > 30), sum(a.outstanding for a in items)
    )


# --- the books ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialBalanceRow:
    code: str
    purpose: str
    label: str
    debit: int
    credit: int


def trial_balance(*, user, unit: Unit, on: datetime.date,
                  rolled_up: bool = True) -> list[TrialBalanceRow]:  # fmt: skip
    """Balances by chart account as of `on`: of `unit` alone, or rolled up over its subtree.
    Debits and credits are equal (every entry balances)."""
    _check_unit(user, unit)
    accounts = Q(account__unit=unit) if not rolled_up else path_q("account__unit_path", [unit.path])
    rows = (Posting.objects.filter(accounts, date__lte=on).values("account__purpose")
            .annotate(t=Sum("amount")).order_by())  # fmt: skip
    labels = dict(LedgerAccount.Purpose.choices)
    result = [TrialBalanceRow(LedgerAccount.CODES[r["account__purpose"]], r["account__purpose"],
                              str(labels[r["account__purpose"]]), max(r["t"], 0), max(-r["t"], 0))
              for r in rows if r["t"]]  # fmt: skip
    return sorted(result, key=lambda r: r.code)


@dataclass(frozen=True)
class CommissionRow:
    programme: Programme
    interest_collected: int
    rate: object
    commission: int


def commission(*, unit: Unit, start: datetime.date, end: datetime.date,
               user=None) -> list[CommissionRow]:  # fmt: skip
    """The commission the Union earns on entrusted programmes: the interest collected over
    [start, end] in `unit`'s subtree × the programme's commission rate (rounded per
    programme; month-end posts the same figure month by month)."""
    if user is not None:
        _check_unit(user, unit)
    from hoiso.credit.schedules import round_vnd

    rows = (Posting.objects.filter(kind=Kind.REPAYMENT, date__gte=start, date__lte=end,
                                   account__purpose=Purpose.INTEREST_RECEIVABLE,
                                   account__loan__programme__commission_rate__gt=0)
            .filter(path_q("account__unit_path", [unit.path]))
            .values("account__loan__programme_id").annotate(t=Sum("amount")).order_by())  # fmt: skip
    progs = Programme.objects.in_bulk([r["account__loan__programme_id"] for r in rows])
    result = []
    for r in rows:
        prog = progs[r["account__loan__programme_id"]]
        collected = -r["t"]
        result.append(CommissionRow(prog, collected, prog.commission_rate,
                                    round_vnd(collected * prog.commission_rate / 100)))  # fmt: skip
    return sorted(result, key=lambda r: r.programme.code)


# --- the meeting and report pages (appended by the meetings/reports pages) -------------------


def next_meeting(*, group: SavingsGroup, today: datetime.date) -> datetime.date:
    """The group's next meeting on its meeting day: today if it meets today, else the next
    month's day (a day past the month's end falls on its last day)."""
    from hoiso.credit.schedules import add_months

    for months in range(3):
        month = add_months(today.replace(day=1), months)
        day = _meeting_in(group, month)
        if day >= today:
            return day
    return today  # pragma: no cover - a meeting day always comes within two months


def _meeting_in(group: SavingsGroup, month: datetime.date) -> datetime.date:
    import calendar

    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=min(group.meeting_day or 1, last))


def past_meetings(
    *, group: SavingsGroup, today: datetime.date, count: int = 6
) -> list[datetime.date]:
    """The group's last `count` meeting days before today (newest first), from its meeting
    day — not before the group was formed."""
    from hoiso.credit.schedules import add_months

    days, month = [], today.replace(day=1)
    while len(days) < count:
        day = _meeting_in(group, month)
        if day < group.formed_on:
            break
        if day < today:
            days.append(day)
        month = add_months(month, -1)
    return days


def group_submissions(*, group: SavingsGroup) -> QuerySet:
    """The group's meeting submissions, newest first (the caller has checked the group)."""
    from hoiso.credit.models import CollectionSubmission

    return (CollectionSubmission.objects.filter(group=group).select_related("submitted_by")
            .order_by("-on", "-pk"))  # fmt: skip


def submission_for(*, group: SavingsGroup, on: datetime.date):
    return group_submissions(group=group).filter(on=on).first()


def submission_by_key(*, group: SavingsGroup, key: str):
    return group_submissions(group=group).filter(idempotency_key=key).first()


def period_closings(*, user, unit: Unit, action: str = Action.APPROVE_CREDIT):
    """The closings that bind `unit` (its own and its ancestors') and those of the units
    under it, newest first; None for a reader without `action` at the unit (→ 404)."""
    from hoiso.credit.models import PeriodClose

    _check_unit(user, unit, action)
    paths = unit.ancestor_paths() + [unit.path]
    return (PeriodClose.objects.filter(Q(unit_path__in=paths) | path_q("unit_path", [unit.path]))
            .select_related("unit", "closed_by").order_by("-closed_to", "-pk"))  # fmt: skip


@dataclass
class MemberLoanRow:
    """One loan in the lists groups keep (loan-use check, reconciliation)."""

    loan: Loan
    principal: int = 0  # outstanding at the end
    interest_due: int = 0  # interest receivable (accrued, not paid) at the end
    penalty_due: int = 0
    overpayment: int = 0
    principal_paid: int = 0  # over the period
    interest_paid: int = 0
    overdue_principal: int = 0
    overdue_interest: int = 0
    days_overdue: int = 0


@dataclass
class MemberSavingsRow:
    account: SavingsAccount
    opening: int = 0
    deposits: int = 0
    withdrawals: int = 0
    closing: int = 0


@dataclass
class MemberRow:
    member: object
    loans: list[MemberLoanRow] = field(default_factory=list)
    savings: list[MemberSavingsRow] = field(default_factory=list)

    def total(self, name: str) -> int:
        rows = (
            self.savings
            if name in ("opening", "deposits", "withdrawals", "closing")
            else self.loans
        )
        return sum(getattr(r, name) for r in rows)


@dataclass
class GroupBook:
    group: SavingsGroup
    members: list[MemberRow]

    def total(self, name: str) -> int:
        return sum(m.total(name) for m in self.members)


def group_books(*, groups: list[SavingsGroup], start: datetime.date,
                end: datetime.date) -> list[GroupBook]:  # fmt: skip
    """For each group, each member's loans (disbursed by `end`, not closed before `start`)
    and savings accounts (opened by `end`) with their balances at `end` and what moved over
    [start, end], from the postings. A constant number of queries whatever the number of
    groups and members. The caller has checked the reader's scope over the groups."""
    ids = [g.pk for g in groups]
    loans_ = list(Loan.objects.filter(group_id__in=ids, disbursed_on__lte=end)
                  .exclude(closed_on__lt=start).exclude(written_off_on__lt=start)
                  .select_related("member", "programme").order_by("pk"))  # fmt: skip
    accounts = list(SavingsAccount.objects.filter(group_id__in=ids, opened_on__lte=end)
                    .exclude(closed_on__lt=start).select_related("member", "product")
                    .order_by("kind", "pk"))  # fmt: skip
    sums = (Posting.objects.filter(date__lte=end)
            .filter(Q(account__loan__in=[x.pk for x in loans_])
                    | Q(account__savings_account__in=[a.pk for a in accounts]))
            .values("account__loan_id", "account__savings_account_id", "account__purpose", "kind")
            .annotate(before=Sum("amount", filter=Q(date__lt=start)),
                      during=Sum("amount", filter=Q(date__gte=start))).order_by())  # fmt: skip
    by_loan: dict[int, MemberLoanRow] = {x.pk: MemberLoanRow(x) for x in loans_}
    by_account = {a.pk: MemberSavingsRow(a) for a in accounts}
    for row in sums:
        before, during = row["before"] or 0, row["during"] or 0
        if row["account__savings_account_id"]:
            acct = by_account[row["account__savings_account_id"]]
            acct.opening -= before
            acct.closing -= before + during
            if row["kind"] == Kind.DEPOSIT:
                acct.deposits -= during
            elif row["kind"] == Kind.WITHDRAWAL:
                acct.withdrawals += during
            continue
        loan_row, purpose = by_loan[row["account__loan_id"]], row["account__purpose"]
        total = before + during
        if purpose == Purpose.PRINCIPAL:
            loan_row.principal += total
            if row["kind"] == Kind.REPAYMENT:
                loan_row.principal_paid -= during
        elif purpose == Purpose.INTEREST_RECEIVABLE:
            loan_row.interest_due += total
            if row["kind"] == Kind.REPAYMENT:
                loan_row.interest_paid -= during
        elif purpose == Purpose.PENALTY_RECEIVABLE:
            loan_row.penalty_due += total
        elif purpose == Purpose.OVERPAYMENT:
            loan_row.overpayment -= total
    live = [x.pk for x in loans_ if by_loan[x.pk].principal]
    for loan_id, a in overdue.arrears(on=end, loans=Loan.objects.filter(pk__in=live)).items():
        by_loan[loan_id].overdue_principal = a.overdue_principal
        by_loan[loan_id].overdue_interest = a.overdue_interest
        by_loan[loan_id].days_overdue = a.days
    members: dict[tuple[int, int], MemberRow] = {}
    for x in loans_:
        members.setdefault((x.group_id, x.member_id), MemberRow(x.member)).loans.append(
            by_loan[x.pk]
        )
    for a in accounts:
        members.setdefault((a.group_id, a.member_id), MemberRow(a.member)).savings.append(
            by_account[a.pk]
        )
    books = []
    for g in sorted(groups, key=lambda g: (g.name, g.pk)):
        rows = [row for (gid, _m), row in members.items() if gid == g.pk]
        rows.sort(key=lambda r: (r.member.name_sort, r.member.pk))
        books.append(GroupBook(g, rows))
    return books


# --- appended by the credit pages (phase 2) -------------------------------------------------


def approval_queue(*, user, unit: Unit | None = None) -> QuerySet[Loan]:
    """Applications waiting for a decision that `user` may take (APPROVE_CREDIT in scope;
    in `unit`'s subtree when given), oldest first; the ones she entered herself are listed
    too (the page says why she cannot approve them)."""
    qs = (Loan.objects.visible_to(user, Action.APPROVE_CREDIT).filter(status=Loan.Status.APPLIED)
          .select_related("member", "programme", "group", "unit", "entered_by")
          .order_by("applied_on", "pk"))  # fmt: skip
    return qs.filter(path_q("unit_path", [unit.path])) if unit is not None else qs


def group_balances(*, group: SavingsGroup) -> tuple[dict[int, int], dict[int, int]]:
    """({savings account id: balance}, {loan id: principal outstanding}) of a group, from
    the postings (two aggregate queries whatever the group's size)."""
    saved = (Posting.objects.filter(account__savings_account__group=group)
             .values("account__savings_account_id").annotate(t=Sum("amount")).order_by())  # fmt: skip
    owed = (Posting.objects.filter(account__loan__group=group, account__purpose=Purpose.PRINCIPAL)
            .values("account__loan_id").annotate(t=Sum("amount")).order_by())  # fmt: skip
    return ({r["account__savings_account_id"]: -r["t"] for r in saved},
            {r["account__loan_id"]: r["t"] for r in owed})  # fmt: skip


def entry_lines(*, entry: JournalEntry) -> list[Posting]:
    """The postings of an entry with their accounts (the reversal page shows them)."""
    return list(entry.postings.select_related("account").order_by("pk"))


def reversed_entry_ids(*, entry_ids) -> set[int]:
    """Which of these entries have been reversed already."""
    return set(JournalEntry.objects.filter(reverses_id__in=list(entry_ids))
               .values_list("reverses_id", flat=True))  # fmt: skip


def group_rows(*, user, unit: Unit | None = None, query: str = "") -> QuerySet[SavingsGroup]:
    """The groups of `unit`'s subtree the reader sees, with their number of current members,
    by name (`query`: part of the name or the code)."""
    from django.db.models import Count

    qs = groups(user=user, unit=unit).annotate(
        member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True))
    )
    query = query.strip()[:100]
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return qs.order_by("name", "pk")


def group_member_records(*, group: SavingsGroup):
    """The member records of the group's current members (choices of the savings and loan
    forms), in name order."""
    from hoiso.members.models import Member

    ids = GroupMembership.objects.filter(group=group, left_on__isnull=True).values("member_id")
    return Member.objects.filter(pk__in=ids).order_by("name_sort", "pk")


def group_programmes(*, group: SavingsGroup, product: str) -> QuerySet[Programme]:
    """The group's active programmes of one product (loan or savings)."""
    return Programme.objects.filter(pk__in=group.programmes.values("pk"), product=product,
                                    active=True).order_by("code")  # fmt: skip


def submission_entries(*, submission) -> list[JournalEntry]:
    """The entries a meeting's submission posted, each with `cash` (what was collected) and
    its loan's or savings account's member; one query."""
    cash = Sum("postings__amount", filter=Q(postings__account__purpose=Purpose.CASH))
    return list(JournalEntry.objects.filter(submission=submission)
                .select_related("loan__member", "savings_account__member", "reversed_by")
                .annotate(cash=cash).order_by("pk"))  # fmt: skip
