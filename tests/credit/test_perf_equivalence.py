"""The fast paths write what the slow ones would: a meeting's submission (posted in bulk by
collection._post_lines) gives the same entries, postings, cached balances and audit rows as
the same repayments and deposits entered one by one through the services."""

import datetime

import pytest
from django.db import transaction

from hoiso.core.models import AuditEntry
from hoiso.credit import loanstate, services
from hoiso.credit.ledger import CreditError
from hoiso.credit.models import JournalEntry, Loan, Posting, SavingsAccount
from tests.credit.conftest import D0
from tests.credit.helpers import ledger_rows

pytestmark = [pytest.mark.portable]
FEB28, MAR10 = datetime.date(2025, 2, 28), datetime.date(2025, 3, 10)


class Rollback(Exception):
    pass


def books_since(entry_id: int, audit_id: int) -> dict:
    """What was written after the given ids, without ids (sequences move on after a
    rollback): entries in order, their postings by account's natural key, loans' and
    savings' cached figures, and the audit rows."""
    entries = list(JournalEntry.objects.filter(pk__gt=entry_id).order_by("pk"))
    index = {e.pk: n for n, e in enumerate(entries)}
    postings = Posting.objects.filter(entry_id__in=index).select_related("account").order_by("pk")
    return {
        "entries": [
            (
                e.date,
                e.kind,
                e.memo,
                e.loan_id,
                e.savings_account_id,
                e.idempotency_key,
                e.created_by_id,
                e.unit_id,
                e.unit_path,
            )
            for e in entries
        ],  # fmt: skip
        "postings": [
            (
                index[p.entry_id],
                p.account.purpose,
                p.account.loan_id,
                p.account.savings_account_id,
                p.account.programme_id,
                p.amount,
                p.date,
                p.kind,
            )
            for p in postings
        ],  # fmt: skip
        "loans": list(
            Loan.objects.order_by("pk").values_list(
                "pk", "status", "closed_on", "principal_outstanding"
            )
        ),  # fmt: skip
        "savings": list(SavingsAccount.objects.order_by("pk").values_list("pk", "balance")),
        "audit": [
            (
                a.action,
                a.object_id,
                a.object_repr,
                a.unit_path,
                a.actor_id,
                {k: v for k, v in a.details.items() if k != "entry"},
            )
            for a in AuditEntry.objects.filter(
                pk__gt=audit_id, action__in=["credit.loan_repay", "credit.deposit"]
            ).order_by("pk")
        ],  # fmt: skip
    }


def marks() -> tuple[int, int]:
    last_entry = JournalEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return last_entry, last_audit


@pytest.fixture
def meeting(make_loan, savings, xa_officer, borrowers, group, programmes):
    """Loans in every situation a meeting meets (late with a penalty, paid off, overpaid,
    part-paid, a refusing programme paid exactly) and deposits; nothing paid in February,
    month-end on 28 February charged penalties."""
    hn = make_loan(code="HN", amount=10_000_000, months=12, member=0)
    qh = make_loan(code="QH", amount=3_000_000, months=3, member=1)
    cn = make_loan(code="CN", amount=6_000_000, months=6, member=2)
    ns = make_loan(code="NSVS", amount=12_000_000, months=12, member=3)
    fresh = make_loan(code="HN", amount=5_000_000, months=6, member=4, on=MAR10)
    voluntary = services.savings_open(actor=xa_officer, group=group, member=borrowers[1],
                                      product=programmes["TKTN"], opened_on=D0)  # fmt: skip
    services.month_end(on=FEB28)
    qh_total = loanstate.state(qh).owed(MAR10)  # all principal and the interest due
    lines = [
        services.CollectionLine(2_000_000, loan_id=hn.pk),  # penalty, interest, principal
        services.CollectionLine(qh_total, loan_id=qh.pk),  # all principal: closes
        services.CollectionLine(9_000_000, loan_id=cn.pk),  # more than owed: held
        services.CollectionLine(150_000, loan_id=ns.pk),  # part of what is due
        services.CollectionLine(0, loan_id=fresh.pk),  # skipped
        services.CollectionLine(10_000, savings_account_id=savings["compulsory"].pk),
        services.CollectionLine(55_000, savings_account_id=voluntary.pk),
        services.CollectionLine(25_000, savings_account_id=savings["voluntary"].pk),
    ]
    return lines


def one_by_one(actor, lines, key):
    for n, line in enumerate(lines):
        if not line.amount:
            continue
        if line.loan_id:
            services.loan_repay(actor=actor, loan=Loan.objects.get(pk=line.loan_id),
                                amount=line.amount, on=MAR10, idempotency_key=f"{key}:{n}")  # fmt: skip
        else:
            services.savings_deposit(actor=actor,
                                     account=SavingsAccount.objects.get(pk=line.savings_account_id),
                                     amount=line.amount, on=MAR10, idempotency_key=f"{key}:{n}")  # fmt: skip


def test_submission_writes_what_the_services_write_one_by_one(meeting, xa_officer, group):
    start = marks()
    with pytest.raises(Rollback), transaction.atomic():
        one_by_one(xa_officer, meeting, "k")
        slow = books_since(*start)
        raise Rollback
    submission = services.collection_submit(actor=xa_officer, group=group, on=MAR10,
                                            lines=meeting, idempotency_key="k")  # fmt: skip
    fast = books_since(*start)
    assert fast == slow
    assert len(fast["entries"]) >= 8 and {k for _d, k, *_r in fast["entries"]} == {
        "accrual", "repayment", "deposit"}  # fmt: skip
    assert "closed" in {s for _pk, s, _c, _o in fast["loans"]}
    assert submission.result["entries"] == 7
    repaid = {e.pk for e in JournalEntry.objects.filter(submission=submission)}
    assert len(repaid) == 7  # accruals belong to no submission, as loanstate.accrue posts them


def test_a_refused_line_leaves_nothing_and_says_what_the_service_says(meeting, xa_officer,
                                                                      group, programmes):  # fmt: skip
    qh_line = meeting[1]
    too_much = [services.CollectionLine(qh_line.amount + 1, loan_id=qh_line.loan_id)]
    with pytest.raises(CreditError) as slow, transaction.atomic():
        one_by_one(xa_officer, too_much, "x")
    before = ledger_rows()
    with pytest.raises(CreditError) as fast:
        services.collection_submit(actor=xa_officer, group=group, on=MAR10,
                                   lines=[*meeting[:1], *too_much], idempotency_key="x")  # fmt: skip
    assert str(fast.value) == str(slow.value)
    assert ledger_rows() == before


def reference_arrears(loan, on):
    """Arrears as the definition reads, loan by loan: the schedule in force on `on`, the
    repayments dated by then allocated oldest first (allocation.outstanding), what of the
    instalments due before `on` is still owed."""
    from django.db.models import Sum

    from hoiso.credit import allocation
    from hoiso.credit.models import Instalment, Schedule

    schedule = (Schedule.objects.filter(loan=loan, effective_on__lte=on).order_by("-version")
                .first())  # fmt: skip
    rows = list(Instalment.objects.filter(schedule=schedule).order_by("number"))

    def repaid(purpose):
        return -(Posting.objects.filter(account__loan=loan, account__purpose=purpose, kind="repayment",
                                        date__lte=on).aggregate(t=Sum("amount"))["t"] or 0)  # fmt: skip

    outstanding = Posting.objects.filter(account__loan=loan, account__purpose="principal",
                                         date__lte=on).aggregate(t=Sum("amount"))["t"] or 0  # fmt: skip
    dues = allocation.outstanding(
        rows, principal_paid=repaid("principal") - schedule.principal_before,
        interest_paid=repaid("interest_recv") - schedule.interest_before,
    )  # fmt: skip
    late = [d for d in dues if d.due_date < on]
    return (outstanding, min(sum(d.principal for d in late), outstanding),
            sum(d.interest for d in late), (on - late[0].due_date).days if late else 0)  # fmt: skip


def test_arrears_agree_with_the_definition(make_loan, xa_officer, credit_officer):
    from hoiso.credit import overdue

    loans = [make_loan(code="HN", amount=12_000_000, months=12, member=n) for n in range(4)]
    pay = {0: [(MAR10, 1_000_000)], 1: [(datetime.date(2025, 2, 10), 600_000)],
           2: [(datetime.date(2025, 2, 10), 1_055_000), (MAR10, 1_050_000)], 3: []}  # fmt: skip
    for n, payments in pay.items():
        for on, amount in payments:
            services.loan_repay(actor=xa_officer, loan=loans[n], amount=amount, on=on)
    # The last one pays what is due, then is rescheduled over 24 months from 12 March.
    due = loanstate.state(loans[3]).owed(datetime.date(2025, 3, 12))
    services.loan_repay(actor=xa_officer, loan=loans[3], on=datetime.date(2025, 3, 12),
                        amount=due - 9_000_000)  # fmt: skip
    services.loan_reschedule(actor=credit_officer, loan=loans[3], on=datetime.date(2025, 3, 12),
                             term_months=24, reason="Thiên tai")  # fmt: skip
    for on in [datetime.date(2025, 2, 10), datetime.date(2025, 2, 11), MAR10,
               datetime.date(2025, 3, 11), datetime.date(2025, 4, 11), datetime.date(2025, 6, 30)]:  # fmt: skip
        found = overdue.arrears(on=on)
        for loan in loans:
            a = found[loan.pk]
            assert (a.outstanding, a.overdue_principal, a.overdue_interest, a.days) == (
                reference_arrears(loan, on)), (loan.pk, on)  # fmt: skip
    assert {found[loan.pk].days > 0 for loan in loans} == {True}
