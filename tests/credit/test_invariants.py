"""Invariants over random sequences of operations (hypothesis), on the real database:

- every entry balances and all postings together sum to zero;
- each cached balance equals the sum of its postings (credit_check_balances finds nothing);
- every schedule's principal sums to the amount it schedules;
- a payment's allocation sums to the payment (its entry's cash line equals its parts);
- nothing changes in a closed period (balances as of the closed day stay as they were);
- the province's portfolio equals the sum of its communes';
- replaying the same operations gives the same balances.
"""

import datetime

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from hoiso.credit import selectors, services
from hoiso.credit.checks import differences
from hoiso.credit.ledger import CreditError
from hoiso.credit.models import Instalment, JournalEntry, Loan, Posting, Schedule
from tests.credit.helpers import balances_by_key

START = datetime.date(2025, 1, 6)
SETTINGS = settings(max_examples=12, stateful_step_count=14, deadline=None,
                    suppress_health_check=list(HealthCheck))  # fmt: skip


class World:
    def __init__(self, *, group, savings, borrowers, programmes, maker, checker, admin, tree):
        self.group, self.savings, self.borrowers, self.programmes = (
            group,
            savings,
            borrowers,
            programmes,
        )
        self.maker, self.checker, self.admin, self.tree = maker, checker, admin, tree


def apply_op(w: World, op: tuple, state: dict) -> None:
    """One operation; refusals (CreditError) are part of the game and change nothing."""
    kind, day, *args = op
    on = max(state.get("today", START), START + datetime.timedelta(days=day))
    state["today"] = on
    try:
        if kind == "loan":
            code, amount, months, member = args
            loan = services.loan_apply(actor=w.maker, group=w.group, member=w.borrowers[member],
                                       programme=w.programmes[code], amount=amount, term_months=months,
                                       applied_on=on)  # fmt: skip
            services.loan_approve(actor=w.checker, loan=loan, on=on)
            services.loan_disburse(actor=w.maker, loan=loan, on=on)
        elif kind == "repay":
            loan = _pick(Loan.objects.filter(status=Loan.Status.ACTIVE), args[0])
            if loan:
                services.loan_repay(actor=w.maker, loan=loan, amount=args[1], on=on)
        elif kind == "deposit":
            services.savings_deposit(
                actor=w.maker, account=w.savings[args[0]], amount=args[1], on=on
            )
        elif kind == "withdraw":
            services.savings_withdraw(
                actor=w.maker, account=w.savings[args[0]], amount=args[1], on=on
            )
        elif kind == "reverse":
            entry = _pick(JournalEntry.objects.filter(kind__in=["repayment", "deposit"],
                                                      reverses__isnull=True, reversed_by__isnull=True), args[0])  # fmt: skip
            if entry:
                services.entry_reverse(actor=w.checker, entry=entry, on=on, reason="Nhầm")
        elif kind == "month_end":
            services.month_end(on=on)
        elif kind == "collect":
            lines = [
                services.CollectionLine(args[0], loan_id=loan.pk)
                for loan in Loan.objects.filter(group=w.group, status=Loan.Status.ACTIVE)
            ]
            services.collection_submit(actor=w.maker, group=w.group, on=on, lines=lines,
                                       idempotency_key=f"meeting-{on}")  # fmt: skip
        elif kind == "early":
            loan = _pick(Loan.objects.filter(status=Loan.Status.ACTIVE), args[0])
            if loan:
                services.loan_repay_early(actor=w.maker, loan=loan, on=on,
                                          amount=services.payoff(loan, on)["total"])  # fmt: skip
    except CreditError:
        pass


def _pick(qs, index):
    items = list(qs.order_by("pk"))
    return items[index % len(items)] if items else None


day = st.integers(0, 45)
OPS = st.one_of(
    st.tuples(st.just("loan"), day, st.sampled_from(["HN", "QH", "NSVS", "CN"]),
              st.integers(1, 40).map(lambda n: n * 500_000), st.integers(12, 24), st.integers(0, 5)),
    st.tuples(st.just("repay"), day, st.integers(0, 9), st.integers(-1_000, 3_000_000)),
    st.tuples(st.just("deposit"), day, st.sampled_from(["compulsory", "voluntary"]), st.integers(1, 400_000)),
    st.tuples(st.just("withdraw"), day, st.sampled_from(["compulsory", "voluntary"]), st.integers(1, 400_000)),
    st.tuples(st.just("reverse"), day, st.integers(0, 9)),
    st.tuples(st.just("month_end"), day),
    st.tuples(st.just("collect"), day, st.integers(0, 1_500_000)),
    st.tuples(st.just("early"), day, st.integers(0, 9)),
)  # fmt: skip


def check_books(w: World) -> None:
    assert not Posting.objects.values("entry_id").annotate(t=Sum("amount")).exclude(t=0).exists()
    assert (Posting.objects.aggregate(t=Sum("amount"))["t"] or 0) == 0
    assert differences() == []
    for schedule in Schedule.objects.all():
        total = Instalment.objects.filter(schedule=schedule).aggregate(t=Sum("principal"))["t"]
        assert total == schedule.principal
    for entry in JournalEntry.objects.filter(kind="repayment").prefetch_related(
        "postings__account"
    ):
        cash = sum(p.amount for p in entry.postings.all() if p.account.purpose == "cash")
        parts = sum(-p.amount for p in entry.postings.all() if p.account.purpose != "cash")
        assert cash == parts


@pytest.fixture
def world(group, savings, borrowers, programmes, xa_officer, credit_officer, tinh_admin, tree):
    return World(group=group, savings=savings, borrowers=borrowers, programmes=programmes,
                 maker=xa_officer, checker=credit_officer, admin=tinh_admin, tree=tree)  # fmt: skip


def test_random_operations_keep_the_books(world):
    class Books(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.state: dict = {}
            self.closed: tuple | None = None  # (day, balances as of it)

        @rule(op=OPS)
        def operate(self, op):
            apply_op(world, op, self.state)

        @precondition(lambda self: "today" in self.state)
        @rule(back=st.integers(0, 20))
        def close_period(self, back):
            day = self.state["today"] - datetime.timedelta(days=back)
            try:
                services.period_close(actor=world.admin, unit=world.tree.p, closed_to=day)
            except CreditError:
                return
            self.closed = (day, balances_by_key(on=day))

        @rule(index=st.integers(0, 9), amount=st.integers(1, 500_000))
        def post_in_closed_period(self, index, amount):
            if not self.closed:
                return
            loan = _pick(Loan.objects.filter(status=Loan.Status.ACTIVE), index)
            if loan:
                with pytest.raises(CreditError):
                    services.loan_repay(
                        actor=world.maker, loan=loan, amount=amount, on=self.closed[0]
                    )

        @invariant()
        def books_balance(self):
            check_books(world)

        @invariant()
        def closed_period_unchanged(self):
            if self.closed:
                assert balances_by_key(on=self.closed[0]) == self.closed[1]

        def teardown(self):
            try:
                on = self.state.get("today", START)
                p, tree = world.tree.p, world.tree
                whole = selectors.portfolio(user=world.admin, unit=p, start=START, end=on)
                parts = selectors.portfolio_by_child(user=world.admin, unit=p, start=START, end=on)
                for name in (
                    "outstanding",
                    "savings",
                    "disbursed",
                    "collected",
                    "overdue",
                    "par30_outstanding",
                ):
                    assert getattr(whole, name) == sum(getattr(f, name) for _u, f in parts), name
                assert any(u == tree.a for u, _f in parts)
            finally:
                transaction.set_rollback(True)
                self.atomic.__exit__(None, None, None)

    run_state_machine_as_test(Books, settings=SETTINGS)


@given(ops=st.lists(OPS, min_size=1, max_size=10))
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_replaying_the_same_operations_gives_the_same_balances(world, ops):
    def run() -> dict:
        with transaction.atomic():
            state: dict = {}
            for op in ops:
                apply_op(world, op, state)
            result = {(k[0], k[1], k[2], k[3] and k[3].rsplit("-", 1)[-1], k[4]): v
                      for k, v in balances_by_key().items()}  # fmt: skip
            transaction.set_rollback(True)
        return result

    assert run() == run()
