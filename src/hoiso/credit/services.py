"""Every write of savings and credit. Keyword-only, typed; each checks the actor's scope
itself (views, commands, tasks and the demo call the same functions), runs in one
transaction with an audit row, locks the rows that concurrent writers could race on, and
refuses bad input with a CreditError (a ValidationError and a ServiceError) whose message is
Vietnamese through gettext — nothing is posted then.

Who may do what (core.permissions.Action, at the group's unit or above):
  MANAGE_CREDIT   groups, members of groups, savings accounts, deposits and withdrawals,
                  loan applications, disbursements, repayments
  APPROVE_CREDIT  approve or reject a loan (never one she entered herself: maker–checker),
                  reschedule, write off, reverse an entry, close a period
  COLLECT_CREDIT  submit a meeting's collection sheet (also branch leaders)

The collection sheet and its submission live in `collection.py`, month-end in
`monthend.py`; both are re-exported here.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hoiso.core import audit
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.credit import allocation, loanstate
from hoiso.credit.ledger import (
    CreditError,
    Purpose,
    account,
    check_open,
    post,
    reversal,
    vnd,
    whole_vnd,
)
from hoiso.credit.models import (
    GroupMembership,
    JournalEntry,
    Loan,
    PeriodClose,
    Posting,
    Programme,
    SavingsAccount,
    SavingsGroup,
)
from hoiso.credit.schedules import DAYS_ACTUAL, period_interest
from hoiso.members.models import Member
from hoiso.org.models import Unit

Kind = JournalEntry.Kind
GROUP_UNIT_KINDS = (Unit.Kind.COMMUNE, Unit.Kind.AFFILIATED, Unit.Kind.BRANCH)


def _require(actor, action: str, path: str) -> None:
    if not user_can(actor, action, path):
        messages = {
            Action.APPROVE_CREDIT: _("You cannot approve credit operations of this unit."),
            Action.COLLECT_CREDIT: _("You cannot enter collections for this group."),
        }
        raise CreditError(
            messages.get(action, _("You cannot manage savings and credit of this unit."))
        )


def _day(on: datetime.date) -> str:
    return date_format(on, "SHORT_DATE_FORMAT")


# --- groups ---------------------------------------------------------------------------------


@transaction.atomic
def group_create(*, actor, unit: Unit, name: str, meeting_day: int, formed_on: datetime.date,
                 programmes: list[Programme], code: str = "") -> SavingsGroup:  # fmt: skip
    """A savings group under a commune or branch union, meeting on `meeting_day` (1–28)."""
    _require(actor, Action.MANAGE_CREDIT, unit.path)
    if unit.kind not in GROUP_UNIT_KINDS:
        raise CreditError(_("A savings group belongs to a commune union or a branch."))
    if not name.strip():
        raise CreditError(_("Give the group a name."))
    if not 1 <= int(meeting_day) <= 28:
        raise CreditError(_("The meeting day must be between 1 and 28."))
    if not programmes:
        raise CreditError(_("Choose at least one programme."))
    Unit.objects.select_for_update().get(pk=unit.pk)  # numbering the unit's groups
    code = code or f"TK{unit.pk}-{SavingsGroup.objects.filter(unit=unit).count() + 1:03d}"
    if SavingsGroup.objects.filter(code=code).exists():
        raise CreditError(_("Another group already has this code."))
    group = SavingsGroup.objects.create(unit=unit, name=name.strip(), code=code,
                                        meeting_day=meeting_day, formed_on=formed_on,
                                        created_by=actor)  # fmt: skip
    group.programmes.set(programmes)
    audit.record(actor=actor, action="credit.group_create", obj=group)
    return group


def _lock_group(group: SavingsGroup) -> SavingsGroup:
    return SavingsGroup.objects.select_for_update().select_related("unit").get(pk=group.pk)


def _open_membership(group: SavingsGroup, member: Member) -> GroupMembership | None:
    return GroupMembership.objects.filter(group=group, member=member, left_on__isnull=True).first()


@transaction.atomic
def group_add_member(*, actor, group: SavingsGroup, member: Member,
                     joined_on: datetime.date) -> GroupMembership:  # fmt: skip
    """Add a member of the group's unit (or a unit under it); a group holds at most 60."""
    group = _lock_group(group)
    _require(actor, Action.MANAGE_CREDIT, group.unit_path)
    if not member.unit_path.startswith(group.unit_path):
        raise CreditError(_("Only members of the group's own union can join it."))
    if member.status != Member.Status.ACTIVE:
        raise CreditError(_("Only an active member can join a savings group."))
    if _open_membership(group, member):
        raise CreditError(_("She is already in this group."))
    count = GroupMembership.objects.filter(group=group, left_on__isnull=True).count()
    if count >= SavingsGroup.MAX_MEMBERS:
        raise CreditError(_("A savings group has at most 60 members."))
    membership = GroupMembership.objects.create(unit=group.unit, group=group, member=member,
                                                joined_on=joined_on)  # fmt: skip
    audit.record(actor=actor, action="credit.member_add", obj=group,
                 details={"member": member.pk})  # fmt: skip
    return membership


@transaction.atomic
def group_remove_member(*, actor, group: SavingsGroup, member: Member,
                        left_on: datetime.date) -> GroupMembership:  # fmt: skip
    """She leaves the group: only with no loan running and her savings paid out."""
    group = _lock_group(group)
    _require(actor, Action.MANAGE_CREDIT, group.unit_path)
    membership = _open_membership(group, member)
    if membership is None:
        raise CreditError(_("She is not in this group."))
    if Loan.objects.filter(group=group, member=member,
                           status__in=[Loan.Status.APPLIED, Loan.Status.APPROVED,
                                       Loan.Status.ACTIVE]).exists():  # fmt: skip
        raise CreditError(_("She still has a loan in this group: it must be closed first."))
    if SavingsAccount.objects.filter(group=group, member=member).exclude(balance=0).exists():
        raise CreditError(_("Her savings must be paid out before she leaves the group."))
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    if group.leader_id == member.pk:
        SavingsGroup.objects.filter(pk=group.pk).update(leader=None)
    audit.record(actor=actor, action="credit.member_remove", obj=group,
                 details={"member": member.pk})  # fmt: skip
    return membership


@transaction.atomic
def group_set_leader(*, actor, group: SavingsGroup, member: Member) -> SavingsGroup:
    group = _lock_group(group)
    _require(actor, Action.MANAGE_CREDIT, group.unit_path)
    if _open_membership(group, member) is None:
        raise CreditError(_("The leader must be a member of the group."))
    group.leader = member
    group.save(update_fields=["leader"])
    audit.record(
        actor=actor, action="credit.group_leader", obj=group, details={"member": member.pk}
    )
    return group


# --- savings --------------------------------------------------------------------------------


@transaction.atomic
def savings_open(*, actor, group: SavingsGroup, member: Member, product: Programme,
                 opened_on: datetime.date) -> SavingsAccount:  # fmt: skip
    """Open a compulsory or voluntary savings account of a group member (one of each kind)."""
    group = _lock_group(group)
    _require(actor, Action.MANAGE_CREDIT, group.unit_path)
    if product.product != Programme.Product.SAVINGS or not product.active:
        raise CreditError(_("This is not a savings product."))
    if not group.programmes.filter(pk=product.pk).exists():
        raise CreditError(_("The group does not take part in this programme."))
    if _open_membership(group, member) is None:
        raise CreditError(_("Only a member of the group can open savings in it."))
    if SavingsAccount.objects.filter(group=group, member=member, kind=product.savings_kind,
                                     status=SavingsAccount.Status.OPEN).exists():  # fmt: skip
        raise CreditError(_("She already has an open account of this kind in this group."))
    number = f"{group.code}-TK{SavingsAccount.objects.filter(group=group).count() + 1:04d}"
    acct = SavingsAccount.objects.create(unit=group.unit, group=group, member=member,
                                         product=product, kind=product.savings_kind,
                                         number=number, opened_on=opened_on,
                                         opened_by=actor)  # fmt: skip
    account(unit=group.unit, purpose=Purpose.SAVINGS, savings_account=acct)
    audit.record(actor=actor, action="credit.savings_open", obj=acct)
    return acct


def _lock_savings(acct: SavingsAccount) -> SavingsAccount:
    return (SavingsAccount.objects.select_for_update().select_related("unit", "product")
            .get(pk=acct.pk))  # fmt: skip


def _savings_refresh(acct: SavingsAccount) -> int:
    total = -(Posting.objects.filter(account__savings_account=acct)
              .aggregate(t=Sum("amount"))["t"] or 0)  # fmt: skip
    SavingsAccount.objects.filter(pk=acct.pk).update(balance=total)
    acct.balance = total
    return total


def _savings_post(*, actor, acct: SavingsAccount, amount: int, on, kind, memo, submission=None,
                  idempotency_key=None) -> JournalEntry:  # fmt: skip
    liability = account(unit=acct.unit, purpose=Purpose.SAVINGS, savings_account=acct)
    cash = account(unit=acct.unit, purpose=Purpose.CASH)
    sign = 1 if kind == Kind.DEPOSIT else -1
    entry = post(unit=acct.unit, on=on, kind=kind, actor=actor, memo=memo or acct.number,
                 savings_account=acct, submission=submission, idempotency_key=idempotency_key,
                 lines=[(cash, sign * amount), (liability, -sign * amount)])  # fmt: skip
    # The row is locked: its cached balance moves by exactly this entry (checked against the
    # ledger by credit_check_balances).
    acct.balance += sign * amount
    SavingsAccount.objects.filter(pk=acct.pk).update(balance=acct.balance)
    return entry


def _deposit(*, actor, acct, amount, on, memo="", submission=None, idempotency_key=None):
    acct = _lock_savings(acct)
    amount = whole_vnd(amount)
    if acct.status != SavingsAccount.Status.OPEN:
        raise CreditError(_("This savings account is closed."))
    if amount < acct.product.min_deposit:
        raise CreditError(
            _("A deposit is at least %(min)s.") % {"min": vnd(acct.product.min_deposit)}
        )
    entry = _savings_post(actor=actor, acct=acct, amount=amount, on=on, kind=Kind.DEPOSIT,
                          memo=memo, submission=submission, idempotency_key=idempotency_key)  # fmt: skip
    audit.record(
        actor=actor,
        action="credit.deposit",
        obj=acct,
        details={"amount": amount, "entry": entry.pk},
    )
    return entry


@transaction.atomic
def savings_deposit(*, actor, account: SavingsAccount, amount: int, on: datetime.date,
                    memo: str = "", idempotency_key: str | None = None) -> JournalEntry:  # fmt: skip
    """Deposit `amount` (at least the product's minimum, 5.000 đ) in cash."""
    _require(actor, Action.MANAGE_CREDIT, account.unit_path)
    return _deposit(actor=actor, acct=account, amount=amount, on=on, memo=memo,
                    idempotency_key=idempotency_key)  # fmt: skip


@transaction.atomic
def savings_withdraw(*, actor, account: SavingsAccount, amount: int, on: datetime.date,
                     memo: str = "") -> JournalEntry:  # fmt: skip
    """Pay out `amount`: never beyond the balance; compulsory savings only while she has no
    loan running in the group (they are the group's guarantee)."""
    _require(actor, Action.MANAGE_CREDIT, account.unit_path)
    acct = _lock_savings(account)
    amount = whole_vnd(amount)
    if acct.status != SavingsAccount.Status.OPEN:
        raise CreditError(_("This savings account is closed."))
    if amount > acct.balance:
        raise CreditError(_("The withdrawal of %(amount)s is more than the balance of %(balance)s.")
                          % {"amount": vnd(amount), "balance": vnd(acct.balance)})  # fmt: skip
    if (
        acct.kind == Programme.SavingsKind.COMPULSORY
        and Loan.objects.filter(
            group_id=acct.group_id, member_id=acct.member_id, status=Loan.Status.ACTIVE
        ).exists()
    ):
        raise CreditError(_("Compulsory savings cannot be withdrawn while she has a loan running."))
    entry = _savings_post(
        actor=actor, acct=acct, amount=amount, on=on, kind=Kind.WITHDRAWAL, memo=memo
    )
    audit.record(
        actor=actor,
        action="credit.withdraw",
        obj=acct,
        details={"amount": amount, "entry": entry.pk},
    )
    return entry


@transaction.atomic
def savings_close(*, actor, account: SavingsAccount, on: datetime.date) -> SavingsAccount:
    """Close an account whose balance has been paid out."""
    _require(actor, Action.MANAGE_CREDIT, account.unit_path)
    acct = _lock_savings(account)
    if acct.balance != 0:
        raise CreditError(_("Pay out the balance before closing the account."))
    acct.status, acct.closed_on = SavingsAccount.Status.CLOSED, on
    acct.save(update_fields=["status", "closed_on"])
    audit.record(actor=actor, action="credit.savings_close", obj=acct)
    return acct


# --- loans ----------------------------------------------------------------------------------


def _lock_loan(loan: Loan) -> Loan:
    return (Loan.objects.select_for_update().select_related("unit", "group", "programme")
            .get(pk=loan.pk))  # fmt: skip


def _status(loan: Loan, *allowed: str) -> None:
    if loan.status not in allowed:
        raise CreditError(_("This loan is %(status)s: that cannot be done now.")
                          % {"status": loan.get_status_display().lower()})  # fmt: skip


def _not_before_last(loan: Loan, on: datetime.date) -> None:
    last = loanstate.last_entry_date(loan)
    if last is not None and on < last:
        raise CreditError(_("The loan already has an entry on %(date)s: later operations cannot be dated earlier.")
                          % {"date": _day(last)})  # fmt: skip


@transaction.atomic
def loan_apply(*, actor, group: SavingsGroup, member: Member, programme: Programme, amount: int,
               term_months: int, applied_on: datetime.date, purpose: str = "") -> Loan:  # fmt: skip
    """Enter a member's application on a programme of the group. The terms (rate, method,
    grace, day count) are copied from the programme."""
    group = _lock_group(group)
    _require(actor, Action.MANAGE_CREDIT, group.unit_path)
    amount = whole_vnd(amount)
    if programme.product != Programme.Product.LOAN or not programme.active:
        raise CreditError(_("This programme does not lend."))
    if not group.programmes.filter(pk=programme.pk).exists():
        raise CreditError(_("The group does not take part in this programme."))
    if _open_membership(group, member) is None:
        raise CreditError(_("Only a member of the group can borrow through it."))
    if programme.max_amount and amount > programme.max_amount:
        raise CreditError(
            _("This programme lends at most %(max)s.") % {"max": vnd(programme.max_amount)}
        )
    if not programme.min_term_months <= term_months <= programme.max_term_months:
        raise CreditError(_("The term must be between %(min)d and %(max)d months.")
                          % {"min": programme.min_term_months, "max": programme.max_term_months})  # fmt: skip
    if programme.grace_months >= term_months:
        raise CreditError(_("The term must be longer than the grace period."))
    number = f"{group.code}-V{Loan.objects.filter(group=group).count() + 1:04d}"
    loan = Loan.objects.create(
        unit=group.unit, group=group, member=member, programme=programme, number=number,
        amount=amount, term_months=term_months, monthly_rate=programme.monthly_rate,
        method=programme.method, grace_months=programme.grace_months,
        day_count=programme.day_count, purpose=purpose.strip()[:200], applied_on=applied_on,
        entered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    audit.record(actor=actor, action="credit.loan_apply", obj=loan, details={"amount": amount})
    return loan


@transaction.atomic
def loan_approve(*, actor, loan: Loan, on: datetime.date) -> Loan:
    """Approve an application: by an official other than the one who entered it."""
    loan = _lock_loan(loan)
    _require(actor, Action.APPROVE_CREDIT, loan.unit_path)
    _status(loan, Loan.Status.APPLIED)
    if loan.entered_by_id is None or loan.entered_by_id == getattr(actor, "pk", None):
        raise CreditError(
            _("A loan must be approved by an official other than the one who entered it.")
        )
    loan.status, loan.approved_by, loan.approved_on = Loan.Status.APPROVED, actor, on
    loan.save(update_fields=["status", "approved_by", "approved_on"])
    audit.record(actor=actor, action="credit.loan_approve", obj=loan)
    return loan


@transaction.atomic
def loan_reject(*, actor, loan: Loan, reason: str) -> Loan:
    loan = _lock_loan(loan)
    _require(actor, Action.APPROVE_CREDIT, loan.unit_path)
    _status(loan, Loan.Status.APPLIED, Loan.Status.APPROVED)
    if not reason.strip():
        raise CreditError(_("Say why the application is rejected."))
    loan.status, loan.rejection_reason = Loan.Status.REJECTED, reason.strip()[:255]
    loan.save(update_fields=["status", "rejection_reason"])
    audit.record(actor=actor, action="credit.loan_reject", obj=loan, details={"reason": reason})
    return loan


@transaction.atomic
def loan_disburse(*, actor, loan: Loan, on: datetime.date) -> JournalEntry:
    """Pay out an approved loan: principal receivable debited, the programme's capital
    credited; its schedule (version 1) starts on `on`."""
    loan = _lock_loan(loan)
    _require(actor, Action.MANAGE_CREDIT, loan.unit_path)
    _status(loan, Loan.Status.APPROVED)
    if on < loan.approved_on:
        raise CreditError(_("A loan cannot be disbursed before it was approved."))
    accts = loanstate.loan_accounts(loan)
    capital = account(unit=loan.unit, purpose=Purpose.CAPITAL, programme=loan.programme)
    entry = post(unit=loan.unit, on=on, kind=Kind.DISBURSEMENT, actor=actor, loan=loan,
                 memo=loan.number, lines=[(accts[Purpose.PRINCIPAL], loan.amount),
                                          (capital, -loan.amount)])  # fmt: skip
    version = (
        loan.schedules.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    loanstate.make_schedule(loan=loan, version=version, start=on, principal=loan.amount,
                            months=loan.term_months, grace_months=loan.grace_months, actor=actor)  # fmt: skip
    loan.status, loan.disbursed_on = Loan.Status.ACTIVE, on
    loan.save(update_fields=["status", "disbursed_on"])
    loanstate.refresh_cache(loan)
    audit.record(actor=actor, action="credit.loan_disburse", obj=loan, details={"entry": entry.pk})
    return entry


def _maybe_close(loan: Loan, st: loanstate.LoanState, on: datetime.date) -> None:
    if st.principal_outstanding == 0 and st.interest_receivable == 0 and st.penalty_receivable == 0:
        loan.status, loan.closed_on = Loan.Status.CLOSED, on
        loan.save(update_fields=["status", "closed_on"])


def _repay(*, actor, loan: Loan, amount: int, on: datetime.date, memo: str = "", submission=None,
           idempotency_key: str | None = None) -> JournalEntry:  # fmt: skip
    loan = _lock_loan(loan)
    amount = whole_vnd(amount)
    _status(loan, Loan.Status.ACTIVE)
    _not_before_last(loan, on)
    check_open(loan.unit, on)
    st = loanstate.state(loan)
    accts = loanstate.loan_accounts(loan)
    loanstate.accrue(st, on, actor=actor, accounts=accts)
    owed = st.owed(on)
    split = allocation.allocate(amount, st.dues(), on=on,
                                order=allocation.parse_order(loan.programme.allocation_order))  # fmt: skip
    if split.overpayment and loan.programme.overpayment == Programme.Overpayment.REFUSE:
        raise CreditError(_("The payment of %(amount)s is more than the %(owed)s owed; this programme does not hold overpayments.")
                          % {"amount": vnd(amount), "owed": vnd(owed)})  # fmt: skip
    cash = account(unit=loan.unit, purpose=Purpose.CASH)
    entry = post(unit=loan.unit, on=on, kind=Kind.REPAYMENT, actor=actor, loan=loan,
                 memo=memo or loan.number, submission=submission, idempotency_key=idempotency_key,
                 lines=[(cash, amount), (accts[Purpose.PENALTY_RECEIVABLE], -split.penalty),
                        (accts[Purpose.INTEREST_RECEIVABLE], -split.interest),
                        (accts[Purpose.PRINCIPAL], -split.principal),
                        (accts[Purpose.OVERPAYMENT], -split.overpayment)])  # fmt: skip
    # What is left follows from the state read under the lock and this entry's parts.
    left = st.principal_outstanding - split.principal
    Loan.objects.filter(pk=loan.pk).update(principal_outstanding=left)
    loan.principal_outstanding = left
    if (
        not left
        and st.interest_receivable == split.interest
        and st.penalty_receivable == split.penalty
    ):
        loan.status, loan.closed_on = Loan.Status.CLOSED, on
        loan.save(update_fields=["status", "closed_on"])
    audit.record(actor=actor, action="credit.loan_repay", obj=loan,
                 details={"amount": amount, "entry": entry.pk, "principal": split.principal,
                          "interest": split.interest, "penalty": split.penalty,
                          "overpayment": split.overpayment})  # fmt: skip
    return entry


@transaction.atomic
def loan_repay(*, actor, loan: Loan, amount: int, on: datetime.date, memo: str = "",
               idempotency_key: str | None = None) -> JournalEntry:  # fmt: skip
    """Take a repayment: interest due is accrued first, then the payment is allocated
    (allocation.allocate, in the programme's order, oldest instalment first); beyond what
    is owed it is held as an overpayment or refused, by the programme's rule. The loan
    closes when nothing is left owing."""
    _require(actor, Action.MANAGE_CREDIT, loan.unit_path)
    return _repay(actor=actor, loan=loan, amount=amount, on=on, memo=memo,
                  idempotency_key=idempotency_key)  # fmt: skip


def payoff(loan: Loan, on: datetime.date) -> dict[str, int]:
    """What repaying the whole loan on `on` costs: principal outstanding, interest due by
    then (accrued or not), the broken period's interest on actual days since the last due
    date (outstanding × rate × days / 30), and the penalty."""
    st = loanstate.state(loan)
    due_interest = max(st.interest_due_by(on) - st.interest_paid, 0)
    past = [i.due_date for i in st.instalments if i.due_date <= on]
    since = max(past) if past else (st.schedule.effective_on if st.schedule else on)
    broken = period_interest(
        st.principal_outstanding, loan.monthly_rate, (on - since).days, DAYS_ACTUAL
    )
    principal = st.principal_outstanding
    return {"principal": principal, "interest": due_interest + broken, "broken_interest": broken,
            "penalty": st.penalty_receivable, "total": principal + due_interest + broken + st.penalty_receivable}  # fmt: skip


@transaction.atomic
def loan_repay_early(*, actor, loan: Loan, on: datetime.date, amount: int) -> JournalEntry:
    """Repay the whole loan before its term: `amount` must be the payoff (`payoff(...)`),
    which the official reads out and the member pays. Closes the loan."""
    _require(actor, Action.MANAGE_CREDIT, loan.unit_path)
    loan = _lock_loan(loan)
    amount = whole_vnd(amount)
    _status(loan, Loan.Status.ACTIVE)
    _not_before_last(loan, on)
    check_open(loan.unit, on)
    figures = payoff(loan, on)
    if amount != figures["total"]:
        raise CreditError(_("Repaying the whole loan on %(date)s takes exactly %(total)s.")
                          % {"date": _day(on), "total": vnd(figures["total"])})  # fmt: skip
    st = loanstate.state(loan)
    loanstate.accrue(st, on, actor=actor)
    accts = loanstate.loan_accounts(loan)
    if figures["broken_interest"]:
        income = account(unit=loan.unit, purpose=Purpose.INTEREST_INCOME)
        post(unit=loan.unit, on=on, kind=Kind.ACCRUAL, actor=actor, loan=loan,
             memo=_("Interest to the day of early repayment"),
             lines=[(accts[Purpose.INTEREST_RECEIVABLE], figures["broken_interest"]),
                    (income, -figures["broken_interest"])])  # fmt: skip
    st = loanstate.state(loan)
    cash = account(unit=loan.unit, purpose=Purpose.CASH)
    entry = post(unit=loan.unit, on=on, kind=Kind.REPAYMENT, actor=actor, loan=loan,
                 memo=_("Early repayment"),
                 lines=[(cash, amount), (accts[Purpose.PENALTY_RECEIVABLE], -st.penalty_receivable),
                        (accts[Purpose.INTEREST_RECEIVABLE], -st.interest_receivable),
                        (accts[Purpose.PRINCIPAL], -st.principal_outstanding)])  # fmt: skip
    loanstate.refresh_cache(loan)
    _maybe_close(loan, loanstate.state(loan), on)
    audit.record(
        actor=actor,
        action="credit.loan_repay_early",
        obj=loan,
        details={"amount": amount, "entry": entry.pk},
    )
    return entry


@transaction.atomic
def loan_reschedule(*, actor, loan: Loan, on: datetime.date, term_months: int,
                    reason: str) -> loanstate.Schedule:  # fmt: skip
    """A new schedule for the principal outstanding, over `term_months` from `on` (gia hạn,
    điều chỉnh kỳ hạn). Interest and penalty due must be paid first; the earlier schedule
    is kept."""
    loan = _lock_loan(loan)
    _require(actor, Action.APPROVE_CREDIT, loan.unit_path)
    _status(loan, Loan.Status.ACTIVE)
    _not_before_last(loan, on)
    check_open(loan.unit, on)
    if not reason.strip():
        raise CreditError(_("Say why the loan is rescheduled."))
    if not 1 <= term_months <= loan.programme.max_term_months:
        raise CreditError(_("The new term must be between 1 and %(max)d months.")
                          % {"max": loan.programme.max_term_months})  # fmt: skip
    st = loanstate.state(loan)
    loanstate.accrue(st, on, actor=actor)
    if st.interest_receivable or st.penalty_receivable:
        raise CreditError(_("Interest and penalty due (%(amount)s) must be paid before rescheduling.")
                          % {"amount": vnd(st.interest_receivable + st.penalty_receivable)})  # fmt: skip
    version = st.schedule.version + 1
    schedule = loanstate.make_schedule(
        loan=loan, version=version, start=on, principal=st.principal_outstanding,
        months=term_months, grace_months=0, principal_before=st.principal_paid,
        interest_before=st.interest_accrued, actor=actor, reason=reason,
    )  # fmt: skip
    audit.record(actor=actor, action="credit.loan_reschedule", obj=loan,
                 details={"version": version, "term_months": term_months, "reason": reason})  # fmt: skip
    return schedule


@transaction.atomic
def loan_write_off(*, actor, loan: Loan, on: datetime.date, reason: str) -> JournalEntry:
    """Write off what the loan still owes (principal, interest and penalty receivable)
    against the write-off expense."""
    loan = _lock_loan(loan)
    _require(actor, Action.APPROVE_CREDIT, loan.unit_path)
    _status(loan, Loan.Status.ACTIVE)
    _not_before_last(loan, on)
    if not reason.strip():
        raise CreditError(_("Say why the loan is written off."))
    st = loanstate.state(loan)
    accts = loanstate.loan_accounts(loan)
    expense = account(unit=loan.unit, purpose=Purpose.WRITE_OFF)
    total = st.principal_outstanding + st.interest_receivable + st.penalty_receivable
    entry = post(unit=loan.unit, on=on, kind=Kind.WRITE_OFF, actor=actor, loan=loan, memo=reason,
                 lines=[(expense, total), (accts[Purpose.PRINCIPAL], -st.principal_outstanding),
                        (accts[Purpose.INTEREST_RECEIVABLE], -st.interest_receivable),
                        (accts[Purpose.PENALTY_RECEIVABLE], -st.penalty_receivable)])  # fmt: skip
    loan.status, loan.written_off_on = Loan.Status.WRITTEN_OFF, on
    loan.save(update_fields=["status", "written_off_on"])
    loanstate.refresh_cache(loan)
    audit.record(
        actor=actor,
        action="credit.loan_write_off",
        obj=loan,
        details={"amount": total, "reason": reason},
    )
    return entry


@transaction.atomic
def loan_close(*, actor, loan: Loan, on: datetime.date) -> Loan:
    """Close a disbursed loan that owes nothing (repayments close loans themselves; this is
    for one left open, e.g. after a reversal was itself corrected)."""
    loan = _lock_loan(loan)
    _require(actor, Action.MANAGE_CREDIT, loan.unit_path)
    _status(loan, Loan.Status.ACTIVE)
    st = loanstate.state(loan)
    if st.principal_outstanding or st.interest_receivable or st.penalty_receivable:
        raise CreditError(_("The loan still owes %(amount)s: it cannot be closed.")
                          % {"amount": vnd(st.principal_outstanding + st.interest_receivable + st.penalty_receivable)})  # fmt: skip
    _maybe_close(loan, st, on)
    audit.record(actor=actor, action="credit.loan_close", obj=loan)
    return loan


# --- corrections and closing ----------------------------------------------------------------

REVERSIBLE = (Kind.REPAYMENT, Kind.DEPOSIT, Kind.WITHDRAWAL, Kind.DISBURSEMENT)


@transaction.atomic
def entry_reverse(*, actor, entry: JournalEntry, on: datetime.date, reason: str) -> JournalEntry:
    """Undo a mistaken repayment, deposit, withdrawal or disbursement: a new entry dated `on`
    (in an open period) with every posting negated, linked to the original, which stays.
    A repayment that closed the loan reopens it; a disbursement can be reversed only while
    nothing else has been posted to the loan, and the loan goes back to approved."""
    entry = JournalEntry.objects.select_for_update().select_related("unit").get(pk=entry.pk)
    _require(actor, Action.APPROVE_CREDIT, entry.unit_path)
    if not reason.strip():
        raise CreditError(_("Say why the entry is reversed."))
    if entry.reverses_id is not None:
        raise CreditError(_("A reversal cannot itself be reversed: post the right entry again."))
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise CreditError(_("This entry has already been reversed."))
    if entry.kind not in REVERSIBLE:
        raise CreditError(_("Entries of this kind are not reversed by hand."))
    if on < entry.date:
        raise CreditError(_("A reversal cannot be dated before the entry it reverses."))
    loan = _lock_loan(entry.loan) if entry.loan_id else None
    if loan is not None:
        _reverse_loan_checks(loan, entry)
    acct = _lock_savings(entry.savings_account) if entry.savings_account_id else None
    if acct is not None and entry.kind == Kind.DEPOSIT:
        amount = sum(p.amount for p in entry.postings.all() if p.account.purpose == Purpose.SAVINGS)
        if acct.balance + amount < 0:
            raise CreditError(
                _("Reversing this deposit would take the savings balance below zero.")
            )
    memo = _("Reversal of entry %(number)s: %(reason)s") % {
        "number": entry.pk,
        "reason": reason.strip(),
    }
    undone = reversal(entry=entry, on=on, actor=actor, memo=memo)
    if loan is not None:
        _after_loan_reversal(loan, entry)
    if acct is not None:
        _savings_refresh(acct)
    audit.record(actor=actor, action="credit.entry_reverse", obj=entry,
                 details={"reversal": undone.pk, "reason": reason})  # fmt: skip
    return undone


def _reverse_loan_checks(loan: Loan, entry: JournalEntry) -> None:
    later = JournalEntry.objects.filter(loan=loan).exclude(pk=entry.pk)
    if entry.kind == Kind.DISBURSEMENT and later.exists():
        raise CreditError(_("The loan has later entries: reverse those first."))
    if loan.status == Loan.Status.WRITTEN_OFF:
        raise CreditError(_("The loan has been written off: its entries are no longer reversed."))
    current = loanstate.current_schedule([loan.pk]).get(loan.pk)
    if (
        entry.kind == Kind.REPAYMENT
        and current
        and current.version > 1
        and entry.date < current.effective_on
    ):
        raise CreditError(
            _("The loan was rescheduled after this repayment: it can no longer be reversed.")
        )


def _after_loan_reversal(loan: Loan, entry: JournalEntry) -> None:
    loanstate.refresh_cache(loan)
    if entry.kind == Kind.DISBURSEMENT:
        # The schedule never ran: it goes, as the disbursement did (nothing refers to it).
        from hoiso.credit.models import Instalment, Schedule

        Instalment.objects.filter(loan=loan).delete()
        Schedule.objects.filter(loan=loan).delete()
        loan.status, loan.disbursed_on = Loan.Status.APPROVED, None
        loan.save(update_fields=["status", "disbursed_on"])
    elif loan.status == Loan.Status.CLOSED:
        loan.status, loan.closed_on = Loan.Status.ACTIVE, None
        loan.save(update_fields=["status", "closed_on"])


@transaction.atomic
def period_close(*, actor, unit: Unit, closed_to: datetime.date, note: str = "") -> PeriodClose:
    """Close the books of `unit` and its whole subtree up to and including `closed_to`.
    A closing only moves forward."""
    _require(actor, Action.APPROVE_CREDIT, unit.path)
    Unit.objects.select_for_update().get(pk=unit.pk)
    last = PeriodClose.objects.filter(unit=unit).order_by("-closed_to").first()
    if last is not None and closed_to <= last.closed_to:
        raise CreditError(_("The books of this unit are already closed up to %(date)s.")
                          % {"date": _day(last.closed_to)})  # fmt: skip
    closing = PeriodClose.objects.create(
        unit=unit, closed_to=closed_to, note=note[:255], closed_by=actor
    )
    audit.record(actor=actor, action="credit.period_close", obj=closing, unit_path=unit.path,
                 details={"closed_to": closed_to.isoformat()})  # fmt: skip
    return closing


# Re-exported: the services module is the one door for every write and the meeting's sheet.
from hoiso.credit.collection import (  # noqa: E402, F401
    CollectionLine,
    collection_sheet,
    collection_submit,
)
from hoiso.credit.monthend import month_end  # noqa: E402, F401

# --- appended by the credit pages (phase 2) -------------------------------------------------


@transaction.atomic
def group_update(*, actor, group: SavingsGroup, name: str, meeting_day: int,
                 programmes: list[Programme]) -> SavingsGroup:  # fmt: skip
    """Rename a group, move its meeting day or change its programmes. A programme that still
    has a loan applied for, approved or running in the group cannot be taken off."""
    group = _lock_group(group)
    _require(actor, Action.MANAGE_CREDIT, group.unit_path)
    if not name.strip():
        raise CreditError(_("Give the group a name."))
    if not 1 <= int(meeting_day) <= 28:
        raise CreditError(_("The meeting day must be between 1 and 28."))
    if not programmes:
        raise CreditError(_("Choose at least one programme."))
    kept = {p.pk for p in programmes}
    in_use = (Loan.objects.filter(group=group, status__in=[Loan.Status.APPLIED, Loan.Status.APPROVED,
                                                          Loan.Status.ACTIVE])
              .exclude(programme_id__in=kept).select_related("programme").first())  # fmt: skip
    if in_use is not None:
        raise CreditError(_("The programme %(programme)s still has loans in this group: it cannot be taken off.")
                          % {"programme": in_use.programme.name})  # fmt: skip
    in_use = (SavingsAccount.objects.filter(group=group, status=SavingsAccount.Status.OPEN)
              .exclude(product_id__in=kept).select_related("product").first())  # fmt: skip
    if in_use is not None:
        raise CreditError(_("The programme %(programme)s still has open savings accounts in this group: it cannot be taken off.")
                          % {"programme": in_use.product.name})  # fmt: skip
    before = {"name": group.name, "meeting_day": group.meeting_day,
              "programmes": sorted(group.programmes.values_list("pk", flat=True))}  # fmt: skip
    group.name, group.meeting_day = name.strip(), int(meeting_day)
    group.save(update_fields=["name", "meeting_day"])
    group.programmes.set(programmes)
    audit.record(actor=actor, action="credit.group_update", obj=group,
                 details={"before": before, "after": {"name": group.name, "meeting_day": group.meeting_day,
                                                      "programmes": sorted(kept)}})  # fmt: skip
    return group
