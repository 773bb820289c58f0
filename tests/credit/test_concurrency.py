"""PostgreSQL only: two officials submitting the same meeting at the same moment post it
once; the database itself refuses to change or delete ledger rows."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError

from hoiso.credit import services
from hoiso.credit.ledger import CreditError
from hoiso.credit.models import CollectionSubmission, JournalEntry, Posting

pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL behaviour")
FEB10 = datetime.date(2025, 2, 10)


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 — the outcome is what the test checks
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pg_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_count_once(make_loan, group, savings, xa_officer, credit_officer):
    loan = make_loan(code="QH", amount=3_000_000, months=3)
    lines = [
        services.CollectionLine(1_024_000, loan_id=loan.pk),
        services.CollectionLine(10_000, savings_account_id=savings["compulsory"].pk),
    ]

    def submit(actor, key):
        return lambda: services.collection_submit(actor=actor, group=group, on=FEB10, lines=lines,
                                                  idempotency_key=key)  # fmt: skip

    same = _race([submit(xa_officer, "meeting-1"), submit(credit_officer, "meeting-1")])
    assert all(isinstance(r, CollectionSubmission) for r in same), same
    assert same[0].pk == same[1].pk
    assert CollectionSubmission.objects.count() == 1
    assert JournalEntry.objects.filter(kind="repayment").count() == 1
    # Different keys for the same meeting: one posts, the other is told it was submitted.
    other = _race([submit(xa_officer, "m-2a"), submit(credit_officer, "m-2b")])
    assert all(isinstance(r, CreditError) for r in other)  # the meeting of 10 Feb is taken


@pg_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_repayments_never_overpay_a_refusing_programme(
    make_loan, xa_officer, credit_officer
):
    loan = make_loan(code="QH", amount=1_000_000, months=3)
    payoff = 1_000_000 + 8_000  # principal + the first month's interest at 0.8%

    def pay(actor):
        return lambda: services.loan_repay(actor=actor, loan=loan, amount=payoff, on=FEB10)

    results = _race([pay(xa_officer), pay(credit_officer)])
    assert sum(isinstance(r, JournalEntry) for r in results) == 1
    assert sum(isinstance(r, CreditError) for r in results) == 1


@pg_only
def test_database_refuses_to_change_or_delete_postings(make_loan):
    make_loan()
    for sql in ("UPDATE credit_posting SET amount = amount + 1",
                "DELETE FROM credit_posting", "DELETE FROM credit_journalentry",
                "UPDATE credit_journalentry SET memo = 'x'"):  # fmt: skip
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    with connection.cursor() as cursor:  # moving a subtree rewrites the stored path: allowed
        cursor.execute("UPDATE credit_journalentry SET unit_path = unit_path")
    assert Posting.objects.count() == 2
