"""What the credit tests compare: the ledger's rows, and balances by natural key (ids differ
between replays)."""

from __future__ import annotations


def ledger_rows() -> tuple:
    """Every entry and posting, and the cached balances: equal before and after means the
    books did not change."""
    from hoiso.credit.models import JournalEntry, Loan, Posting, SavingsAccount

    return (
        list(JournalEntry.objects.order_by("pk").values_list("pk", "date", "kind", "reverses_id")),
        list(Posting.objects.order_by("pk").values_list("pk", "entry_id", "account_id", "amount")),
        list(Loan.objects.order_by("pk").values_list("pk", "status", "principal_outstanding")),
        list(SavingsAccount.objects.order_by("pk").values_list("pk", "status", "balance")),
    )


def balances_by_key(on=None) -> dict[tuple, int]:
    """Every account's balance keyed by (unit code, purpose, programme, loan, savings)."""
    from django.db.models import Sum

    from hoiso.credit.models import Posting

    postings = Posting.objects.all() if on is None else Posting.objects.filter(date__lte=on)
    rows = postings.values(
        "account__unit__code",
        "account__purpose",
        "account__programme__code",
        "account__loan__number",
        "account__savings_account__number",
    )
    return {
        tuple(r[k] for k in r if k != "t"): r["t"]
        for r in rows.annotate(t=Sum("amount")).order_by()
    }
