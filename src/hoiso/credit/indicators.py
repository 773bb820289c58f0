"""The credit figures reports can compute, registered in the one registry (core.indicators).

All of them come from `selectors.unit_portfolio` — the same reading as the portfolio pages —
read once per unit and period (`indicators.shared`). Balances are at the period's cut-off
(today at the latest), flows over the period; PAR30 is a ratio, so it rolls up weighted.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoiso.core import indicators
from hoiso.core.indicators import Ratio


def figures(unit, start: datetime.date, end: datetime.date):
    from hoiso.credit.selectors import unit_portfolio

    on = min(end, timezone.localdate())
    return indicators.shared(("credit.portfolio", unit.pk, unit.path, start, on),
                             lambda: unit_portfolio(unit=unit, start=start, end=on))  # fmt: skip


@indicators.register("credit.outstanding", label=_("Loans outstanding (VND)"), measure="vnd")
def outstanding(unit, start, end):
    return figures(unit, start, end).outstanding


@indicators.register(
    "credit.borrowers", label=_("Borrowers with a loan outstanding"), measure="people"
)
def borrowers(unit, start, end):
    return figures(unit, start, end).borrowers


@indicators.register("credit.loans", label=_("Loans outstanding (number)"), measure="count")
def loans(unit, start, end):
    return figures(unit, start, end).loans


@indicators.register(
    "credit.overdue", label=_("Overdue principal and interest (VND)"), measure="vnd"
)
def overdue_amount(unit, start, end):
    return figures(unit, start, end).overdue


@indicators.register("credit.par30", label=_("Portfolio at risk over 30 days (PAR30)"),
                     ratio=True, measure="percent")  # fmt: skip
def par30(unit, start, end) -> Ratio:
    return figures(unit, start, end).par30


@indicators.register("credit.savings", label=_("Savings balance (VND)"), measure="vnd")
def savings(unit, start, end):
    return figures(unit, start, end).savings


@indicators.register(
    "credit.disbursed", label=_("Loans disbursed in the period (VND)"), measure="vnd"
)
def disbursed(unit, start, end):
    return figures(unit, start, end).disbursed


@indicators.register(
    "credit.collected", label=_("Repayments collected in the period (VND)"), measure="vnd"
)
def collected(unit, start, end):
    return figures(unit, start, end).collected


@indicators.register("credit.interest_collected", label=_("Interest collected in the period (VND)"),
                     measure="vnd")  # fmt: skip
def interest_collected(unit, start, end):
    return figures(unit, start, end).repaid_interest


@indicators.register("credit.commission", label=_("Commission earned on entrusted programmes (VND)"),
                     measure="vnd")  # fmt: skip
def commission(unit, start, end):
    from hoiso.credit.selectors import commission as rows

    on = min(end, timezone.localdate())
    return sum(r.commission for r in rows(unit=unit, start=start, end=on))
