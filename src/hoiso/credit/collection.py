"""The monthly meeting: the collection sheet of a group (what each member owes and is
expected to save) and the one submission of what was collected.

`collection_submit` posts every repayment and deposit of a meeting in one transaction and
only once: its idempotency key is unique (a second submission with the same key changes
nothing and returns the first one's record), a (group, day) pair is submitted once, and the
group's row is locked while posting, so two concurrent submissions on PostgreSQL count once.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hoiso.core import audit
from hoiso.core.permissions import Action
from hoiso.credit import allocation, loanstate
from hoiso.credit.ledger import (
    CreditError,
    Purpose,
    account,
    checked_open,
    post_many,
    vnd,
    whole_vnd,
)
from hoiso.credit.models import (
    CollectionSubmission,
    GroupMembership,
    JournalEntry,
    LedgerAccount,
    Loan,
    Posting,
    Programme,
    SavingsAccount,
    SavingsGroup,
)
from hoiso.members.models import Member

Kind = JournalEntry.Kind


@dataclass
class SheetLoan:
    """One loan of a member on the sheet: what falls due by the meeting day."""

    loan: Loan
    outstanding: int
    principal_due: int
    interest_due: int
    penalty: int
    overdue_principal: int
    overdue_interest: int

    @property
    def total_due(self) -> int:
        return self.principal_due + self.interest_due + self.penalty


@dataclass
class SheetSavings:
    account: SavingsAccount
    balance: int
    expected: int  # the compulsory monthly saving not yet paid in that day; 0 for voluntary


@dataclass
class SheetLine:
    member: Member
    loans: list[SheetLoan] = field(default_factory=list)
    savings: list[SheetSavings] = field(default_factory=list)

    @property
    def total_due(self) -> int:
        return sum(x.total_due for x in self.loans) + sum(s.expected for s in self.savings)


@dataclass
class CollectionSheet:
    group: SavingsGroup
    on: datetime.date
    lines: list[SheetLine]
    submission: CollectionSubmission | None

    def total(self, name: str) -> int:
        """Sum over the sheet of a SheetLoan field ("interest_due", …) or "savings"."""
        if name == "savings":
            return sum(s.expected for line in self.lines for s in line.savings)
        return sum(getattr(x, name) for line in self.lines for x in line.loans)


def collection_sheet(*, group: SavingsGroup, on: datetime.date) -> CollectionSheet:
    """For each member of `group` on `on`: her running loans with principal and interest due
    by `on` (overdue: due before it), penalty, and her savings with the compulsory monthly
    amount. A constant number of queries whatever the size of the group. The caller has
    checked the reader's scope (selectors.collection_sheet_for).

    A past day's sheet is that day's: the members, loans and accounts of then, and only what
    was posted by then (a later payment does not lower what was due at that meeting)."""
    past = on < timezone.localdate()
    memberships = GroupMembership.objects.filter(group=group, left_on__isnull=True)
    loans = Loan.objects.filter(group=group, status=Loan.Status.ACTIVE)
    accounts = SavingsAccount.objects.filter(group=group, status=SavingsAccount.Status.OPEN)
    if past:
        memberships = GroupMembership.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gt=on), group=group, joined_on__lte=on
        )
        loans = Loan.objects.filter(
            Q(status=Loan.Status.ACTIVE) | Q(closed_on__gt=on, status__in=(Loan.Status.CLOSED, Loan.Status.WRITTEN_OFF)),
            group=group, disbursed_on__lte=on)  # fmt: skip
        accounts = SavingsAccount.objects.filter(
            Q(status=SavingsAccount.Status.OPEN) | Q(closed_on__gt=on), group=group,
            opened_on__lte=on)  # fmt: skip
    memberships = memberships.select_related("member").order_by("member__name_sort", "member_id")
    lines = {m.member_id: SheetLine(m.member) for m in memberships}
    loans = list(loans.filter(member_id__in=lines).select_related("programme").order_by("pk"))
    for loan in loans:
        loan.group = group
    states = loanstate.states(loans, due_by=on, light=True, as_of=on if past else None)
    for _loan_id, st in states.items():
        due = st.due_now(on)
        lines[st.loan.member_id].loans.append(SheetLoan(
            st.loan, st.principal_outstanding, due["principal"], due["interest"], due["penalty"],
            due["overdue_principal"], due["overdue_interest"]))  # fmt: skip
    accounts = list(accounts.filter(member_id__in=lines).select_related("product")
                    .order_by("kind", "pk"))  # fmt: skip
    balances = {acct.pk: acct.balance for acct in accounts}
    if past and accounts:
        balances = dict.fromkeys(balances, 0) | {
            row["account__savings_account_id"]: -row["t"]
            for row in Posting.objects.filter(account__savings_account__in=accounts, date__lte=on)
            .values("account__savings_account_id").annotate(t=Sum("amount")).order_by()
        }  # fmt: skip
    # What was deposited on the day itself (at the meeting, once entered, or before it) counts
    # towards the compulsory amount: the sheet shows what is still to be paid in.
    compulsory = [a for a in accounts if a.kind == Programme.SavingsKind.COMPULSORY]
    paid_in = {}
    if compulsory:
        paid_in = {
            row["account__savings_account_id"]: -row["t"]
            for row in Posting.objects.filter(account__savings_account__in=compulsory, date=on,
                                              kind=Kind.DEPOSIT)
            .values("account__savings_account_id").annotate(t=Sum("amount")).order_by()
        }  # fmt: skip
    for acct in accounts:
        expected = 0
        if acct.kind == Programme.SavingsKind.COMPULSORY:
            expected = max(acct.product.min_deposit - paid_in.get(acct.pk, 0), 0)
        lines[acct.member_id].savings.append(SheetSavings(acct, balances[acct.pk], expected))
    submission = CollectionSubmission.objects.filter(group=group, on=on).first()
    return CollectionSheet(group, on, list(lines.values()), submission)


@dataclass(frozen=True)
class CollectionLine:
    """One amount collected at the meeting: a repayment of `loan_id` or a deposit to
    `savings_account_id` (exactly one of them). Zero amounts are skipped."""

    amount: int
    loan_id: int | None = None
    savings_account_id: int | None = None


def _check_lines(group: SavingsGroup, lines: list[CollectionLine]) -> tuple[dict, dict]:
    loan_ids = [line.loan_id for line in lines if line.loan_id]
    acct_ids = [line.savings_account_id for line in lines if line.savings_account_id]
    for line in lines:
        if (line.loan_id is None) == (line.savings_account_id is None):
            raise CreditError(_("Each collected amount goes to one loan or one savings account."))
        whole_vnd(line.amount, allow_zero=True)
    if len(set(loan_ids)) != len(loan_ids) or len(set(acct_ids)) != len(acct_ids):
        raise CreditError(_("A loan or savings account appears twice on the sheet."))
    # Locked here for the posting (in id order; the group's row is already locked). They
    # share the group's unit; their few programmes are read once.
    loans = {loan.pk: loan for loan in Loan.objects.select_for_update(of=("self",))
             .filter(group=group, pk__in=loan_ids).order_by("pk")}  # fmt: skip
    accounts = {acct.pk: acct for acct in SavingsAccount.objects.select_for_update(of=("self",))
                .filter(group=group, pk__in=acct_ids).order_by("pk")}  # fmt: skip
    wanted = {x.programme_id for x in loans.values()} | {x.product_id for x in accounts.values()}
    programmes = Programme.objects.in_bulk(wanted) if wanted else {}
    for row in [*loans.values(), *accounts.values()]:
        if row.unit_id == group.unit_id:
            row.unit = group.unit
    for loan in loans.values():
        loan.programme, loan.group = programmes[loan.programme_id], group
    for acct in accounts.values():
        acct.product = programmes[acct.product_id]
    if len(loans) != len(set(loan_ids)) or len(accounts) != len(set(acct_ids)):
        raise CreditError(_("The sheet names a loan or savings account of another group."))
    return loans, accounts


def collection_submit(*, actor, group: SavingsGroup, on: datetime.date,
                      lines: Iterable[CollectionLine], idempotency_key: str) -> CollectionSubmission:  # fmt: skip
    """Post what a meeting collected, atomically and once (see the module doc). Returns the
    submission, whose `result` holds the totals; with a key already used for this group and
    day, returns that submission unchanged."""
    from hoiso.credit import services

    key = (idempotency_key or "").strip()
    if not key or len(key) > 120:
        raise CreditError(_("The submission needs an identifier (idempotency key)."))
    lines = list(lines)
    with transaction.atomic():
        group = services._lock_group(group)
        services._require(actor, Action.COLLECT_CREDIT, group.unit_path)
        existing = CollectionSubmission.objects.filter(idempotency_key=key).first()
        if existing is not None:
            if existing.group_id != group.pk or existing.on != on:
                raise CreditError(_("This identifier was used for another collection sheet."))
            return existing
        if CollectionSubmission.objects.filter(group=group, on=on).exists():
            raise CreditError(_("The collections of this group on %(date)s have already been submitted; correct them by reversing entries.")
                              % {"date": date_format(on, "SHORT_DATE_FORMAT")})  # fmt: skip
        loans, accounts = _check_lines(group, lines)
        submission = CollectionSubmission.objects.create(unit=group.unit, group=group, on=on,
                                                         idempotency_key=key, submitted_by=actor)  # fmt: skip
        with checked_open(group.unit, on):
            repaid, deposited, entries = _post_lines(
                actor, submission, key, on, lines, loans, accounts
            )
        submission.result = {"repaid": repaid, "deposited": deposited, "entries": entries,
                             "total": repaid + deposited}  # fmt: skip
        CollectionSubmission.objects.filter(pk=submission.pk).update(result=submission.result)
        audit.record(actor=actor, action="credit.collection_submit", obj=group,
                     details={"submission": submission.pk, **submission.result})  # fmt: skip
        return submission


def _post_lines(actor, submission, key, on, lines, loans, accounts) -> tuple[int, int, int]:
    """Post every non-zero line as `services._repay` / `services._deposit` would one after
    the other — the same checks and messages, the same entries in the same order (a loan's
    accrual to the day, then its repayment), the same cached balances and audit rows — with
    the reads and writes batched: the loans and accounts (locked by `_check_lines`), the
    loans' states read in three queries, the entries, postings and audit rows inserted in bulk. About 25
    queries for a sheet of any size instead of ~15 per line."""
    from hoiso.credit import services

    todo = [(n, line) for n, line in enumerate(lines) if line.amount]
    if not todo:
        return 0, 0, 0
    unit = submission.unit
    loan_ids = sorted({line.loan_id for _n, line in todo if line.loan_id})
    acct_ids = sorted({line.savings_account_id for _n, line in todo if line.savings_account_id})
    locked = {pk: loans[pk] for pk in loan_ids}  # locked by _check_lines
    savings = accounts
    last = dict(JournalEntry.objects.filter(loan_id__in=loan_ids).values("loan_id")
                .annotate(last=Max("date")).values_list("loan_id", "last").order_by())  # fmt: skip
    states = loanstate.states(locked.values(), light=True) if locked else {}
    sub_accounts: dict[int, dict[str, LedgerAccount]] = defaultdict(dict)
    for acct in LedgerAccount.objects.filter(loan_id__in=loan_ids).order_by():
        sub_accounts[acct.loan_id][acct.purpose] = acct
    liabilities = {a.savings_account_id: a for a in LedgerAccount.objects.filter(
        savings_account_id__in=acct_ids, purpose=Purpose.SAVINGS).order_by()}  # fmt: skip
    cash = account(unit=unit, purpose=Purpose.CASH)
    income = None
    entries, audits, changed_loans, changed_savings = [], [], {}, {}
    repaid = deposited = 0
    for n, line in todo:
        line_key = f"{key}:{n}"
        if line.loan_id:
            loan = locked[line.loan_id]
            amount = whole_vnd(line.amount)
            services._status(loan, Loan.Status.ACTIVE)
            if last.get(loan.pk) is not None and on < last[loan.pk]:
                services._not_before_last(loan, on)  # raises, with the message
            st = states[loan.pk]
            accts = sub_accounts[loan.pk]
            for purpose in LedgerAccount.LOAN_PURPOSES:
                if purpose not in accts:
                    accts[purpose] = account(unit=loan.unit, purpose=purpose, loan=loan)
            gap = st.interest_due_by(on) - st.interest_accrued
            if gap > 0:  # loanstate.accrue
                income = income or account(unit=unit, purpose=Purpose.INTEREST_INCOME)
                entries.append({"unit": loan.unit, "on": on, "kind": Kind.ACCRUAL, "actor": actor,
                                "loan": loan, "memo": f"{loan.number}",
                                "lines": [(accts[Purpose.INTEREST_RECEIVABLE], gap), (income, -gap)]})  # fmt: skip
                accrued = (Purpose.INTEREST_RECEIVABLE, Kind.ACCRUAL)
                st.sums[accrued] = st.sums.get(accrued, 0) + gap
            owed = st.owed(on)
            split = allocation.allocate(amount, st.dues(), on=on,
                                        order=allocation.parse_order(loan.programme.allocation_order))  # fmt: skip
            if split.overpayment and loan.programme.overpayment == Programme.Overpayment.REFUSE:
                raise CreditError(_("The payment of %(amount)s is more than the %(owed)s owed; this programme does not hold overpayments.")
                                  % {"amount": vnd(amount), "owed": vnd(owed)})  # fmt: skip
            entry = {"unit": loan.unit, "on": on, "kind": Kind.REPAYMENT, "actor": actor,
                     "loan": loan, "memo": loan.number, "submission": submission,
                     "idempotency_key": line_key,
                     "lines": [(cash, amount), (accts[Purpose.PENALTY_RECEIVABLE], -split.penalty),
                               (accts[Purpose.INTEREST_RECEIVABLE], -split.interest),
                               (accts[Purpose.PRINCIPAL], -split.principal),
                               (accts[Purpose.OVERPAYMENT], -split.overpayment)]}  # fmt: skip
            entries.append(entry)
            left = st.principal_outstanding - split.principal
            loan.principal_outstanding = left
            if (not left and st.interest_receivable == split.interest
                    and st.penalty_receivable == split.penalty):  # fmt: skip
                loan.status, loan.closed_on = Loan.Status.CLOSED, on
            changed_loans[loan.pk] = loan
            audits.append((entry, "credit.loan_repay", loan,
                           {"amount": amount, "entry": None, "principal": split.principal,
                            "interest": split.interest, "penalty": split.penalty,
                            "overpayment": split.overpayment}))  # fmt: skip
            repaid += line.amount
        else:
            acct = savings[line.savings_account_id]
            amount = whole_vnd(line.amount)
            if acct.status != SavingsAccount.Status.OPEN:
                raise CreditError(_("This savings account is closed."))
            if amount < acct.product.min_deposit:
                raise CreditError(
                    _("A deposit is at least %(min)s.") % {"min": vnd(acct.product.min_deposit)}
                )
            if acct.pk not in liabilities:
                liabilities[acct.pk] = account(unit=acct.unit, purpose=Purpose.SAVINGS,
                                               savings_account=acct)  # fmt: skip
            entry = {"unit": acct.unit, "on": on, "kind": Kind.DEPOSIT, "actor": actor,
                     "memo": acct.number, "savings_account": acct, "submission": submission,
                     "idempotency_key": line_key,
                     "lines": [(cash, amount), (liabilities[acct.pk], -amount)]}  # fmt: skip
            entries.append(entry)
            acct.balance += amount
            acct.deposited = amount
            changed_savings[acct.pk] = acct
            audits.append((entry, "credit.deposit", acct, {"amount": amount, "entry": None}))
            deposited += line.amount
    made = post_many(entries)
    by_spec = {id(spec): entry for spec, entry in zip(entries, made, strict=True)}
    _update_caches(on, changed_loans, changed_savings)
    audit.record_many(actor=actor, rows=[(action, obj, {**details, "entry": by_spec[id(spec)].pk})
                                         for spec, action, obj, details in audits])  # fmt: skip
    return repaid, deposited, len(todo)


def _update_caches(on, loans: dict[int, Loan], savings: dict[int, SavingsAccount]) -> None:
    """The cached balances the services set, in a few statements: a loan's outstanding
    principal from the ledger (what `_repay` computes from the state it read and the entry
    it posted), the loans paid off closed, each savings balance moved by its deposits."""
    if loans:
        principal = (Posting.objects.filter(account__loan=OuterRef("pk"), account__purpose=Purpose.PRINCIPAL)
                     .values("account__loan").annotate(t=Sum("amount")).values("t")[:1])  # fmt: skip
        Loan.objects.filter(pk__in=loans).update(
            principal_outstanding=Coalesce(Subquery(principal), 0)
        )
        closed = [pk for pk, loan in loans.items() if loan.status == Loan.Status.CLOSED]
        if closed:
            Loan.objects.filter(pk__in=closed).update(status=Loan.Status.CLOSED, closed_on=on)
    by_amount: dict[int, list[int]] = defaultdict(list)
    for acct in savings.values():
        by_amount[acct.deposited].append(acct.pk)
    for amount, ids in by_amount.items():
        SavingsAccount.objects.filter(pk__in=ids).update(balance=F("balance") + amount)
