"""Cached balances against the ledger: the savings account's `balance` and the loan's
`principal_outstanding` must equal the sums of the postings to their accounts; the ledger
itself must balance (every entry, and all postings together, sum to zero)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from hoiso.credit.ledger import Purpose
from hoiso.credit.models import JournalEntry, Loan, Posting, SavingsAccount


@dataclass(frozen=True)
class Difference:
    what: str
    pk: int
    label: str
    cached: int
    ledger: int


def differences() -> list[Difference]:
    """Every cached balance that disagrees with its postings, and every unbalanced entry."""
    found = []
    savings = SavingsAccount.objects.annotate(ledger=Coalesce(Subquery(
        Posting.objects.filter(account__savings_account=OuterRef("pk"), account__purpose=Purpose.SAVINGS)
        .values("account__savings_account").annotate(t=Sum("amount")).values("t")[:1]), 0))  # fmt: skip
    for acct in savings.only("pk", "number", "balance").iterator():
        if acct.balance != -acct.ledger:
            found.append(Difference("savings", acct.pk, acct.number, acct.balance, -acct.ledger))
    loans = Loan.objects.annotate(ledger=Coalesce(Subquery(
        Posting.objects.filter(account__loan=OuterRef("pk"), account__purpose=Purpose.PRINCIPAL)
        .values("account__loan").annotate(t=Sum("amount")).values("t")[:1]), 0))  # fmt: skip
    for loan in loans.only("pk", "number", "principal_outstanding").iterator():
        if loan.principal_outstanding != loan.ledger:
            found.append(
                Difference("loan", loan.pk, loan.number, loan.principal_outstanding, loan.ledger)
            )
    unbalanced = (Posting.objects.values("entry_id").annotate(t=Sum("amount")).exclude(t=0)
                  .order_by("entry_id"))  # fmt: skip
    for row in unbalanced:
        found.append(Difference("entry", row["entry_id"], str(row["entry_id"]), 0, row["t"]))
    empty = JournalEntry.objects.filter(postings__isnull=True).values_list("pk", flat=True)
    for pk in empty:
        found.append(Difference("entry", pk, f"{pk} (no postings)", 0, 0))
    return found
