"""The member figures reports can compute, registered in the one registry (core.indicators).

Every figure is read from `stats.unit_stats` — the dashboard's own counting, which takes
today's figures of a tallied unit from the summary table and counts live otherwise — once per
unit and period for all of them (`indicators.shared`), so a report and the dashboard can never
disagree and there is no second counting code here.

"At the end of the period" is the cut-off date, or today while the period is still running.
Percentages are ratios (numerator, denominator) so that they roll up weighted.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoiso.core import indicators
from hoiso.core.indicators import Ratio
from hoiso.members import stats as member_stats
from hoiso.members.models import Member

KINH = "Kinh"  # the majority group: everyone else recorded is an ethnic minority
NO_RELIGION = "Không"
# The five basics of the Union's digital-readiness work ("Bình dân học vụ số"): the index is
# the share of these that members hold (members × 5 in the denominator).
READINESS = ("has_smartphone", "has_internet", "vneid_2", "has_bank_account", "pays_cashless")


def figures(unit, start: datetime.date, end: datetime.date) -> member_stats.UnitStats:
    """The dashboard's figures of `unit` at the period's end (today at the latest), with the
    period's movements since `start`; read once per unit and period inside an evaluation."""
    on = min(end, timezone.localdate())

    def read():
        return member_stats.unit_stats(unit=unit, on=on, period_start=start, sensitive=True)

    return indicators.shared(("members.stats", unit.pk, unit.path, start, on), read)


def _not_recorded() -> str:
    return str(dict(Member.Education.choices)[""])  # the label stats gives to blank values


def _count(rows: list[tuple[str, int]] | None, *excluded: str) -> int:
    unknown = _not_recorded()
    return sum(n for label, n in rows or () if label not in (*excluded, unknown))


@indicators.register("members.total", label=_("Members at the end of the period"), measure="people")
def members_total(unit, start, end):
    return figures(unit, start, end).total


@indicators.register(
    "members.joined", label=_("New members admitted in the period"), measure="people"
)
def members_joined(unit, start, end):
    return figures(unit, start, end).joined


@indicators.register(
    "members.left", label=_("Members who left or died in the period"), measure="people"
)
def members_left(unit, start, end):
    return figures(unit, start, end).left


@indicators.register(
    "members.participation",
    label=_("Participation rate (members / women 18+)"),
    ratio=True,
    measure="percent",
)
def participation(unit, start, end):
    stats = figures(unit, start, end)
    if not stats.women_18_plus:
        return None  # no population figure for the area: no rate
    return Ratio(stats.total, stats.women_18_plus)


@indicators.register("members.core", label=_("Core members"), measure="people")
def core(unit, start, end):
    return figures(unit, start, end).core


@indicators.register("members.core_pct", label=_("Core members (%)"), ratio=True, measure="percent")
def core_pct(unit, start, end):
    stats = figures(unit, start, end)
    return Ratio(stats.core, stats.total)


@indicators.register("members.party", label=_("Members who are Party members"), measure="people")
def party(unit, start, end):
    return figures(unit, start, end).party


@indicators.register(
    "members.ethnic_minority", label=_("Ethnic-minority members"), sensitive=True, measure="people"
)
def ethnic_minority(unit, start, end):
    return _count(figures(unit, start, end).ethnicity, KINH)


@indicators.register(
    "members.religious", label=_("Members following a religion"), sensitive=True, measure="people"
)
def religious(unit, start, end):
    return _count(figures(unit, start, end).religion, NO_RELIGION)


@indicators.register(
    "members.vneid2", label=_("Members with a level-2 VNeID account"), measure="people"
)
def vneid2(unit, start, end):
    return figures(unit, start, end).vneid_2


@indicators.register(
    "members.vneid2_pct",
    label=_("Members with a level-2 VNeID account (%)"),
    ratio=True,
    measure="percent",
)
def vneid2_pct(unit, start, end):
    stats = figures(unit, start, end)
    return Ratio(stats.vneid_2, stats.total)


@indicators.register(
    "members.smartphone_pct",
    label=_("Members with a smartphone (%)"),
    ratio=True,
    measure="percent",
)
def smartphone_pct(unit, start, end):
    stats = figures(unit, start, end)
    return Ratio(stats.digital["has_smartphone"], stats.total)


@indicators.register(
    "members.digital_readiness",
    label=_("Digital readiness index (%)"),
    ratio=True,
    measure="percent",
)
def digital_readiness(unit, start, end):
    """The share of the five digital basics (smartphone, internet, level-2 VNeID, bank
    account, cashless payments) that members hold: 100% when every member holds all five."""
    stats = figures(unit, start, end)
    held = {**stats.digital, "vneid_2": stats.vneid_2}
    return Ratio(sum(held[name] for name in READINESS), stats.total * len(READINESS))
