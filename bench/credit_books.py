"""Savings-and-credit books of province size for the credit benchmarks, written as plain rows.

Going through the services one operation at a time would take hours for 50,000 loans, so
this writes the rows they would write — with the same pure functions (schedules.build for
the schedules; loanstate/allocation for what each meeting collects) — and copies them in
(core.bulk.copy_rows: COPY on PostgreSQL):

- per savings group (a commune's, 5–60 members): the group and its programmes, the
  memberships, a compulsory savings account per member with its ledger account;
- per loan: the loan as approved and disbursed (terms copied from the programme, entered by
  one official and approved by another), its four sub-ledger accounts, the disbursement
  entry (principal debited, the programme's capital credited) and schedule version 1;
- per monthly meeting (the group's meeting day): one collection submission; every member
  deposits her compulsory saving; a member who pays pays what the sheet says — the
  instalment falling due that day — as the services post it: an accrual entry bringing her
  interest receivable to the interest due (loanstate.accrue), then the repayment entry
  (cash; interest, principal) with the line's idempotency key; the cached balances move.
- a share of the borrowers stop paying at some month: their loans fall overdue (PAR30 > 0).

Month-end has not been run on these books before (the bench runs it). No audit rows are
written. `check()` runs the project's own balance check (credit_check_balances) on the
result, and every 50th repayment is also allocated by `allocation.allocate` and compared.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from types import SimpleNamespace

from django.utils import timezone

from hoiso.core.bulk import copy_rows, reset_sequence
from hoiso.credit import allocation, loanstate, schedules
from hoiso.credit.models import (
    CollectionSubmission,
    GroupMembership,
    Instalment,
    JournalEntry,
    LedgerAccount,
    Loan,
    Posting,
    Programme,
    SavingsAccount,
    SavingsGroup,
    Schedule,
)

P = LedgerAccount.Purpose
K = JournalEntry.Kind
COLUMNS = {
    model: [f.attname for f in model._meta.concrete_fields if f.attname != "id" or keep_id]
    for model, keep_id in [
        (SavingsGroup, True), (GroupMembership, False), (SavingsAccount, True), (Loan, True),
        (Schedule, True), (Instalment, False), (LedgerAccount, True), (JournalEntry, True),
        (Posting, False), (CollectionSubmission, True),
    ]
}  # fmt: skip
THROUGH = SavingsGroup.programmes.through
WITH_IDS = [SavingsGroup, SavingsAccount, Loan, Schedule, LedgerAccount, JournalEntry,
            CollectionSubmission]  # fmt: skip


def _next_id(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


class Books:
    """Collects rows group by group; `flush()` copies them in (call it every few groups)."""

    def __init__(self, *, maker, checker, programmes: dict[str, Programme]) -> None:
        self.maker, self.checker, self.programmes = maker, checker, programmes
        self.now = timezone.now()
        self.ids = {model: _next_id(model) for model in WITH_IDS}
        self.rows: dict = defaultdict(list)
        self.unit_accounts: dict[tuple, int] = {
            (a.unit_id, a.purpose, a.programme_id): a.pk
            for a in LedgerAccount.objects.filter(loan__isnull=True, savings_account__isnull=True)
        }
        self.counts: dict[str, int] = defaultdict(int)
        self.checked = 0

    def _id(self, model) -> int:
        pk = self.ids[model]
        self.ids[model] += 1
        return pk

    def _add(self, model, values: dict) -> None:
        self.rows[model].append(tuple(values[c] for c in COLUMNS[model]))

    def _account(self, unit, purpose, *, programme_id=None, loan_id=None, savings_id=None) -> int:
        key = (unit.pk, purpose, programme_id)
        if loan_id is None and savings_id is None and key in self.unit_accounts:
            return self.unit_accounts[key]
        pk = self._id(LedgerAccount)
        self._add(LedgerAccount, {"id": pk, "unit_id": unit.pk, "unit_path": unit.path,
                                  "purpose": purpose, "programme_id": programme_id,
                                  "loan_id": loan_id, "savings_account_id": savings_id})  # fmt: skip
        if loan_id is None and savings_id is None:
            self.unit_accounts[key] = pk
        return pk

    def _entry(self, unit, on, kind, memo, lines, *, loan_id=None, savings_id=None,
               submission_id=None, key=None, actor=None) -> int:  # fmt: skip
        lines = [(a, amount) for a, amount in lines if amount]
        assert sum(amount for _a, amount in lines) == 0 and len(lines) >= 2
        pk = self._id(JournalEntry)
        self._add(JournalEntry, {
            "id": pk, "unit_id": unit.pk, "unit_path": unit.path, "date": on, "kind": kind,
            "memo": memo[:255], "created_by_id": actor.pk if actor else None,
            "created_at": self.now, "idempotency_key": key, "reverses_id": None,
            "loan_id": loan_id, "savings_account_id": savings_id, "submission_id": submission_id,
        })  # fmt: skip
        for account_id, amount in lines:
            self.rows[Posting].append((pk, account_id, amount, on, kind))
        self.counts["entries"] += 1
        return pk

    # --- a group and its history -------------------------------------------------------------

    def group(self, *, unit, code: str, name: str, meeting_day: int, formed_on, member_ids,
              loans: list[tuple], meetings: list[datetime.date]) -> None:  # fmt: skip
        """A group of `member_ids` with a compulsory savings account each; `loans` lists
        (member index, programme code, amount, months, disbursed on, stops paying on or
        None); a meeting on every date of `meetings`."""
        gid = self._id(SavingsGroup)
        self._add(SavingsGroup, {"id": gid, "unit_id": unit.pk, "unit_path": unit.path,
                                 "code": code, "name": name, "leader_id": member_ids[0],
                                 "meeting_day": meeting_day, "formed_on": formed_on,
                                 "closed_on": None, "created_by_id": self.maker.pk,
                                 "created_at": self.now})  # fmt: skip
        for prog in self.programmes.values():
            self.rows[THROUGH].append((gid, prog.pk))
        savings = self.programmes["TKBB"]
        accounts = []
        for n, member_id in enumerate(member_ids):
            self._add(GroupMembership, {"unit_id": unit.pk, "unit_path": unit.path,
                                        "group_id": gid, "member_id": member_id,
                                        "joined_on": formed_on, "left_on": None})  # fmt: skip
            sid = self._id(SavingsAccount)
            number = f"{code}-TK{n + 1:04d}"
            accounts.append(SimpleNamespace(pk=sid, number=number, member_id=member_id,
                                            balance=0, row={
                "id": sid, "unit_id": unit.pk, "unit_path": unit.path, "number": number,
                "group_id": gid, "member_id": member_id, "product_id": savings.pk,
                "kind": savings.savings_kind, "status": "open", "opened_on": formed_on,
                "closed_on": None, "opened_by_id": self.maker.pk}))  # fmt: skip
            accounts[-1].ledger = self._account(unit, P.SAVINGS, savings_id=sid)
        cash = self._account(unit, P.CASH)
        running = [self._loan(unit, gid, code, n + 1, member_ids, meeting_day, *spec)
                   for n, spec in enumerate(loans)]  # fmt: skip
        for on in meetings:
            self._meeting(unit, gid, code, on, cash, accounts, savings, running)
        for acct in accounts:
            self._add(SavingsAccount, {**acct.row, "balance": acct.balance})
        for loan in running:
            self._add(Loan, {**loan.row, "principal_outstanding": loan.outstanding})
        self.counts["groups"] += 1
        self.counts["members"] += len(member_ids)
        self.counts["loans"] += len(running)

    def _loan(self, unit, gid, code, n, member_ids, meeting_day, member, prog_code, amount, months,
              disbursed_on, stops_on):  # fmt: skip
        prog = self.programmes[prog_code]
        lid = self._id(Loan)
        number = f"{code}-V{n:04d}"
        row = {
            "id": lid, "unit_id": unit.pk, "unit_path": unit.path, "number": number,
            "group_id": gid, "member_id": member_ids[member], "programme_id": prog.pk,
            "amount": amount, "term_months": months, "monthly_rate": prog.monthly_rate,
            "method": prog.method, "grace_months": prog.grace_months, "day_count": prog.day_count,
            "purpose": "Chăn nuôi", "status": Loan.Status.ACTIVE,
            "applied_on": disbursed_on - datetime.timedelta(days=7),
            "entered_by_id": self.maker.pk, "approved_by_id": self.checker.pk,
            "approved_on": disbursed_on - datetime.timedelta(days=3), "rejection_reason": "",
            "disbursed_on": disbursed_on, "closed_on": None, "written_off_on": None,
            "created_at": self.now,
        }  # fmt: skip
        accts = {purpose: self._account(unit, purpose, loan_id=lid)
                 for purpose in LedgerAccount.LOAN_PURPOSES}  # fmt: skip
        capital = self._account(unit, P.CAPITAL, programme_id=prog.pk)
        self._entry(unit, disbursed_on, K.DISBURSEMENT, number,
                    [(accts[P.PRINCIPAL], amount), (capital, -amount)], loan_id=lid,
                    actor=self.maker)  # fmt: skip
        rows = schedules.build(amount=amount, months=months, monthly_rate=prog.monthly_rate,
                               start=disbursed_on, method=prog.method,
                               grace_months=prog.grace_months, day_count=prog.day_count,
                               due_day=meeting_day)  # fmt: skip
        sid = self._id(Schedule)
        self._add(Schedule, {"id": sid, "loan_id": lid, "version": 1, "effective_on": disbursed_on,
                             "principal": amount, "principal_before": 0, "interest_before": 0,
                             "reason": "", "created_by_id": self.maker.pk, "created_at": self.now})  # fmt: skip
        for r in rows:
            self._add(Instalment, {"schedule_id": sid, "loan_id": lid, "number": r.number,
                                   "due_date": r.due_date, "principal": r.principal,
                                   "interest": r.interest})  # fmt: skip
        return SimpleNamespace(pk=lid, number=number, prog=prog, accts=accts, rows=rows,
                               by_date={r.due_date: r for r in rows}, paid=0, accrued=0,
                               principal_paid=0, interest_paid=0, outstanding=amount,
                               stops_on=stops_on, row=row)  # fmt: skip

    def _meeting(self, unit, gid, code, on, cash, accounts, savings, running) -> None:
        sub = self._id(CollectionSubmission)
        key = f"bench-{code}-{on.isoformat()}"
        line = repaid = deposited = 0
        for loan in running:
            due = loan.by_date.get(on)
            if due is None or (loan.stops_on is not None and on >= loan.stops_on):
                continue
            # She is paid up: the sheet asks for this instalment; accrual brings the interest
            # receivable to the interest due by today, then the repayment pays it.
            self._check(loan, on, due)
            gap = due.interest
            if gap:
                income = self._account(unit, P.INTEREST_INCOME)
                self._entry(unit, on, K.ACCRUAL, loan.number,
                            [(loan.accts[P.INTEREST_RECEIVABLE], gap), (income, -gap)],
                            loan_id=loan.pk, actor=self.maker)  # fmt: skip
                loan.accrued += gap
            amount = due.principal + due.interest
            self._entry(unit, on, K.REPAYMENT, loan.number,
                        [(cash, amount), (loan.accts[P.INTEREST_RECEIVABLE], -due.interest),
                         (loan.accts[P.PRINCIPAL], -due.principal)],
                        loan_id=loan.pk, submission_id=sub, key=f"{key}:{line}", actor=self.maker)  # fmt: skip
            loan.principal_paid += due.principal
            loan.interest_paid += due.interest
            loan.outstanding -= due.principal
            repaid += amount
            line += 1
        for acct in accounts:
            amount = savings.min_deposit
            self._entry(unit, on, K.DEPOSIT, acct.number, [(cash, amount), (acct.ledger, -amount)],
                        savings_id=acct.pk, submission_id=sub, key=f"{key}:{line}",
                        actor=self.maker)  # fmt: skip
            acct.balance += amount
            deposited += amount
            line += 1
        result = {"repaid": repaid, "deposited": deposited, "entries": line,
                  "total": repaid + deposited}  # fmt: skip
        self._add(CollectionSubmission, {"id": sub, "unit_id": unit.pk, "unit_path": unit.path,
                                         "group_id": gid, "on": on, "idempotency_key": key,
                                         "submitted_by_id": self.maker.pk,
                                         "submitted_at": self.now, "result": json.dumps(result)})  # fmt: skip

    def _check(self, loan, on, due) -> None:
        """Every 50th payment: what the services' own reading of the loan says is due and how
        the payment is allocated must be what is written."""
        self.checked += 1
        if self.checked % 50:
            return
        st = loanstate.LoanState(loan=None, schedule=SimpleNamespace(principal_before=0,
                                                                     interest_before=0),
                                 instalments=loan.rows, sums={
            (P.PRINCIPAL, K.REPAYMENT): -loan.principal_paid,
            (P.INTEREST_RECEIVABLE, K.REPAYMENT): -loan.interest_paid,
            (P.INTEREST_RECEIVABLE, K.ACCRUAL): loan.accrued})  # fmt: skip
        now = st.due_now(on)
        assert (now["principal"], now["interest"], now["penalty"]) == (
            due.principal,
            due.interest,
            0,
        )
        assert st.interest_due_by(on) - st.interest_accrued == due.interest
        split = allocation.allocate(due.principal + due.interest, st.dues(), on=on,
                                    order=allocation.parse_order(loan.prog.allocation_order))  # fmt: skip
        assert (split.principal, split.interest, split.penalty, split.overpayment) == (
            due.principal, due.interest, 0, 0)  # fmt: skip

    def flush(self) -> None:
        order = [SavingsGroup, THROUGH, GroupMembership, SavingsAccount, Loan, Schedule,
                 Instalment, LedgerAccount, CollectionSubmission, JournalEntry, Posting]  # fmt: skip
        for model in order:
            rows, self.rows[model] = self.rows[model], []
            if not rows:
                continue
            columns = COLUMNS.get(model) or ["savingsgroup_id", "programme_id"]
            copy_rows(model, columns, rows)
            if model is Posting:
                self.counts["postings"] += len(rows)

    def finish(self) -> None:
        self.flush()
        for model in WITH_IDS:
            reset_sequence(model)


def check() -> list:
    """The project's balance check (manage.py credit_check_balances) on the books."""
    from hoiso.credit.checks import differences

    return differences()
