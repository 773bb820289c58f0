"""The study figures reports can compute, registered in the one registry (core.indicators):
the completion rate and the pass rate of the people who had to study a material whose
deadline falls in the period, within a unit's subtree — as ratios (numerator, denominator),
so they roll up weighted. One aggregate query for both (`indicators.shared`)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from hoiso.core import indicators
from hoiso.core.indicators import Ratio
from hoiso.core.scoping import path_q
from hoiso.studies.models import Learner, Material


def figures(unit, start, end) -> dict:
    def read():
        return Learner.objects.filter(
            path_q("unit_path", [unit.path]),
            material__status__in=[Material.Status.PUBLISHED, Material.Status.CLOSED],
            material__deadline__gte=start, material__deadline__lte=end,
        ).aggregate(
            total=Count("pk"),
            studied=Count("pk", filter=Q(studied_at__isnull=False)),
            checked=Count("pk", filter=Q(material__has_check=True)),
            passed=Count("pk", filter=Q(material__has_check=True, passed=True)),
        )  # fmt: skip

    return indicators.shared(("studies.figures", unit.pk, unit.path, start, end), read)


@indicators.register(
    "studies.completion",
    label=_("Study completion rate (people who studied / people who had to)"),
    ratio=True,
    measure="percent",
)
def completion(unit, start, end):
    data = figures(unit, start, end)
    return Ratio(data["studied"], data["total"]) if data["total"] else None


@indicators.register(
    "studies.pass_rate",
    label=_("Study check pass rate (people who passed / people who had to take it)"),
    ratio=True,
    measure="percent",
)
def pass_rate(unit, start, end):
    data = figures(unit, start, end)
    return Ratio(data["passed"], data["checked"]) if data["checked"] else None
