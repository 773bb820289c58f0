"""The double-entry ledger: accounts, balanced entries, reversals, closed periods.

Every write of money in the credit app goes through `post(...)`, which checks that the lines
balance (sum 0), that every account belongs to the posting unit, and that the date is not in
a closed period of that unit or of any unit above it (a province that closes a month closes
it for its whole subtree). Entries and postings are append-only; `reverse(...)` undoes an
entry by a new one with every posting negated, linked to the original and dated in an open
period, so nothing in a closed period ever changes.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hoiso.core.bulk import copy_rows
from hoiso.core.errors import ServiceError
from hoiso.credit.models import JournalEntry, LedgerAccount, PeriodClose, Posting
from hoiso.org.models import Unit, ancestor_paths

Purpose = LedgerAccount.Purpose


class CreditError(ValidationError, ServiceError):
    """A refused credit operation: both a Django ValidationError (forms, APIs) and the
    project's ServiceError (viewkit.submit). Its message is for the user; nothing was
    written."""

    def __str__(self) -> str:
        return " ".join(self.messages)


def vnd(amount) -> str:
    """12.345.678 đ, as the Union writes sums."""
    return f"{amount:,}".replace(",", ".") + " đ"


def whole_vnd(value, *, allow_zero: bool = False) -> int:
    """`value` as a whole number of đồng, or CreditError: no fractions (VND has no minor
    unit), no negatives, no zero unless allowed, no booleans or text."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise CreditError(_("The amount must be a whole number of đồng."))
    if isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise CreditError(_("The amount must be a whole number of đồng, without fractions."))
        value = int(value)
    if value < 0:
        raise CreditError(_("The amount cannot be negative."))
    if value == 0 and not allow_zero:
        raise CreditError(_("The amount must be greater than zero."))
    return value


def account(*, unit: Unit, purpose: str, programme=None, loan=None,
            savings_account=None) -> LedgerAccount:  # fmt: skip
    """The unit's account for `purpose` (and programme, loan or savings account), made on
    first use."""
    lookup = {"unit_id": unit.pk, "purpose": purpose, "programme": programme, "loan": loan,
              "savings_account": savings_account}  # fmt: skip
    found = LedgerAccount.objects.filter(**lookup).order_by("pk").first()
    if found is None:
        found, _created = LedgerAccount.objects.get_or_create(
            **lookup, defaults={"unit_path": unit.path}
        )
    return found


def closing_for(path: str, on: datetime.date) -> PeriodClose | None:
    """The closing that covers `on` at the unit stored at `path` (its own or an ancestor's)."""
    return (PeriodClose.objects.filter(unit_path__in=ancestor_paths(path), closed_to__gte=on)
            .select_related("unit").order_by("-closed_to").first())  # fmt: skip


_checked: contextvars.ContextVar[frozenset | None] = contextvars.ContextVar(
    "credit_open", default=None
)


@contextlib.contextmanager
def checked_open(unit: Unit, on: datetime.date) -> Iterator[None]:
    """Check once that `unit`'s books are open on `on`, and skip the check for the entries
    posted inside (a meeting's submission posts dozens on one day, in one transaction that
    holds the group's lock)."""
    check_open(unit, on)
    token = _checked.set(frozenset({(unit.path, on)}))
    try:
        yield
    finally:
        _checked.reset(token)


def check_open(unit: Unit, on: datetime.date) -> None:
    if (unit.path, on) in (_checked.get() or ()):
        return
    closing = closing_for(unit.path, on)
    if closing is not None:
        raise CreditError(
            _("The books of %(unit)s are closed up to %(date)s: nothing can be posted on %(day)s.")
            % {
                "unit": closing.unit,
                "date": date_format(closing.closed_to, "SHORT_DATE_FORMAT"),
                "day": date_format(on, "SHORT_DATE_FORMAT"),
            }  # fmt: skip
        )


def post(*, unit: Unit, on: datetime.date, kind: str, lines: Iterable[tuple[LedgerAccount, int]],
         actor=None, memo: str = "", loan=None, savings_account=None, submission=None,
         idempotency_key: str | None = None, reverses: JournalEntry | None = None) -> JournalEntry:  # fmt: skip
    """Write one balanced entry of `unit` dated `on`. Lines with a zero amount are dropped;
    the rest must sum to zero and belong to `unit`. Call inside the caller's transaction."""
    lines = _checked_lines(unit, on, lines)
    entry = JournalEntry.objects.create(
        unit=unit, date=on, kind=kind, memo=memo[:255], created_by=actor, loan=loan,
        savings_account=savings_account, submission=submission,
        idempotency_key=idempotency_key, reverses=reverses,
    )  # fmt: skip
    Posting.objects.bulk_create(
        Posting(entry=entry, account=acct, amount=amount, date=on, kind=kind)
        for acct, amount in lines
    )
    return entry


def _checked_lines(unit: Unit, on: datetime.date, lines) -> list[tuple[LedgerAccount, int]]:
    """The non-zero lines of an entry, once they balance, belong to `unit` and the day is
    open there (what `post` checks)."""
    lines = [(acct, int(amount)) for acct, amount in lines if amount]
    if len(lines) < 2 or sum(amount for _acct, amount in lines) != 0:
        raise CreditError(_("The entry does not balance: debits must equal credits."))
    if any(acct.unit_id != unit.pk for acct, _amount in lines):
        raise CreditError(_("Every account of an entry must belong to the posting unit."))
    check_open(unit, on)
    return lines


def post_many(entries: Sequence[dict]) -> list[JournalEntry]:
    """Write many entries at once, each given as the keyword arguments of `post(...)`: the
    same checks, the same rows in the same order (ids ascending as listed), in two bulk
    inserts instead of two queries per entry. Call inside the caller's transaction."""
    made, postings = [], []
    for spec in entries:
        spec = dict(spec)
        unit, on, kind = spec.pop("unit"), spec.pop("on"), spec.pop("kind")
        lines = _checked_lines(unit, on, spec.pop("lines"))
        memo = spec.pop("memo", "")
        entry = JournalEntry(unit=unit, unit_path=unit.path, date=on, kind=kind, memo=memo[:255],
                             created_by=spec.pop("actor", None), **spec)  # fmt: skip
        made.append((entry, lines))
    JournalEntry.objects.bulk_create([entry for entry, _lines in made])
    for entry, lines in made:
        postings += [(entry.pk, acct.pk, amount, entry.date, entry.kind) for acct, amount in lines]
    # Plain rows (COPY on PostgreSQL): the lines were checked above, postings have no
    # defaults or signals, and nothing reads them back as objects.
    copy_rows(Posting, ["entry_id", "account_id", "amount", "date", "kind"], postings)
    return [entry for entry, _lines in made]


def entry_lines(entry: JournalEntry) -> list[tuple[LedgerAccount, int]]:
    return [(p.account, p.amount) for p in entry.postings.select_related("account")]


def reversal(*, entry: JournalEntry, on: datetime.date, actor, memo: str) -> JournalEntry:
    """Post the reversal of `entry` (every posting negated, same kind, `reverses` set). The
    caller has locked the entry and checked that it may be reversed."""
    lines = [(acct, -amount) for acct, amount in entry_lines(entry)]
    return post(unit=entry.unit, on=on, kind=entry.kind, lines=lines, actor=actor, memo=memo,
                loan=entry.loan, savings_account=entry.savings_account, reverses=entry)  # fmt: skip


def balance(
    accounts: Sequence[LedgerAccount] | Iterable[int], on: datetime.date | None = None
) -> int:
    """The sum of the postings to `accounts` (objects or ids), up to and including `on`."""
    ids = [a.pk if isinstance(a, LedgerAccount) else a for a in accounts]
    postings = Posting.objects.filter(account_id__in=ids)
    if on is not None:
        postings = postings.filter(date__lte=on)
    return postings.aggregate(total=Sum("amount"))["total"] or 0


def balances(accounts: Iterable[int], on: datetime.date | None = None) -> dict[int, int]:
    """{account id: balance} of many accounts in one query."""
    postings = Posting.objects.filter(account_id__in=list(accounts))
    if on is not None:
        postings = postings.filter(date__lte=on)
    rows = postings.values("account_id").annotate(total=Sum("amount")).order_by()
    return {row["account_id"]: row["total"] for row in rows}
