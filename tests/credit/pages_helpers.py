"""Shared bits of the credit page tests (tests/credit/test_pages_*.py) and matrix rows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from tests.credit.helpers import ledger_rows


def vi(message: str, **params) -> str:
    """The Vietnamese text of a message (the English msgid while the catalogue lacks it)."""
    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


def queries(client, url) -> int:
    client.get(url)  # warm up: session, user, content types
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def credit_rows() -> tuple:
    """Everything the credit pages can write: ledger, loans, accounts, groups, memberships."""
    from hoiso.credit.models import GroupMembership, Loan, SavingsGroup

    return (
        ledger_rows(),
        list(Loan.objects.order_by("pk").values_list("pk", "status", "approved_by_id", "amount")),
        list(
            SavingsGroup.objects.order_by("pk").values_list(
                "pk", "name", "meeting_day", "leader_id"
            )
        ),  # fmt: skip
        list(GroupMembership.objects.order_by("pk").values_list("pk", "member_id", "left_on")),
    )


class nothing_written:  # noqa: N801 - reads as a sentence
    """`with nothing_written(): ...` asserts the block changed no credit row."""

    def __enter__(self):
        self.before = credit_rows()
        return self

    def __exit__(self, *exc):
        assert credit_rows() == self.before, "credit rows changed"
        return False
