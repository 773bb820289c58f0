"""The figures of a submission: computed ones filled in from the registry, entered ones and
overrides checked (reporting.values), and the roll-up of the accepted reports of the units
below. Figures are stored in JSON as text ("12.5"), so no float ever touches them.

A stored row, per indicator code:

    {"computed": {"value": "95.00", "numerator": "950", "denominator": "1000"} | None,
     "entered":  {"value": …, "numerator": …, "denominator": …} | None,
     "reason":   "why the entered figure replaces the computed one"}

The figure that counts is the entered one when there is one, else the computed one.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hoiso.core import indicators as registry
from hoiso.core.indicators import Ratio
from hoiso.reporting import values as checks
from hoiso.reporting.models import Indicator, ReportRequest, Submission
from hoiso.reporting.rollup import Figure, ratio_value, roll_up


def _text(number) -> str | None:
    return None if number is None else str(number)


def _number(text) -> int | Decimal | None:
    if text is None or text == "":
        return None
    text = str(text)
    return Decimal(text) if "." in text else int(text)


def stored(figure: Figure | None) -> dict | None:
    if figure is None or (figure.value is None and figure.numerator is None):
        return None
    return {"value": _text(figure.value), "numerator": _text(figure.numerator),
            "denominator": _text(figure.denominator)}  # fmt: skip


def figure_of(row: dict | None) -> Figure:
    if not row:
        return Figure()
    return Figure(_number(row.get("value")), _number(row.get("numerator")),
                  _number(row.get("denominator")))  # fmt: skip


def effective(row: dict | None) -> Figure:
    """The figure that counts in a stored row: entered, else computed."""
    row = row or {}
    return figure_of(row.get("entered") or row.get("computed"))


def computed(indicators: list[Indicator], *, unit, period) -> dict[str, Figure]:
    """The computed figures of `unit` for `period`, by indicator code."""
    wanted = [i for i in indicators if i.computed is not None]
    results = registry.evaluate({i.computed_key for i in wanted}, unit=unit,
                                start=period.counts_from, end=period.cut_off)  # fmt: skip
    return {i.code: Figure.of(results[i.computed_key], scale=i.scale, places=i.decimal_places)
            for i in wanted}  # fmt: skip


def _entered(indicator: Indicator, raw: dict) -> Figure | None:
    """The entered figure of one indicator from what was typed, else ValidationError."""
    if indicator.is_ratio:
        top, bottom = (str(raw.get("numerator") or "").strip(),
                       str(raw.get("denominator") or "").strip())  # fmt: skip
        if not top and not bottom:
            return None
        if not top or not bottom:
            raise ValidationError(
                _("%(indicator)s: enter both the part and the whole.")
                % {"indicator": indicator.name}
            )
        ratio = checks.check_ratio(indicator, top, bottom)
        value = ratio_value(ratio.numerator, ratio.denominator, indicator.scale,
                            indicator.decimal_places)  # fmt: skip
        return Figure(value, ratio.numerator, ratio.denominator)
    text = str(raw.get("value") or "").strip()
    if not text:
        return None
    return Figure(checks.check(indicator, text))


def clean(indicators: list[Indicator], computed_figures: dict[str, Figure],
          raw: dict[str, dict]) -> tuple[dict[str, dict], list[str]]:  # fmt: skip
    """The rows to store from what was typed (`raw`: code → value / numerator / denominator /
    reason), and every problem found (all of them at once, in the indicators' order). An
    entered figure on a computed indicator is an override and needs a reason."""
    rows: dict[str, dict] = {}
    problems: list[str] = []
    for indicator in indicators:
        typed = raw.get(indicator.code) or {}
        reason = " ".join(str(typed.get("reason") or "").split())[:500]
        comp = computed_figures.get(indicator.code)
        try:
            entered = _entered(indicator, typed)
        except ValidationError as exc:
            problems.extend(exc.messages)
            continue
        if (
            entered is not None
            and comp is not None
            and comp.value == entered.value
            and (comp.numerator == entered.numerator)
        ):
            entered = None  # the same as computed: not an override
        if entered is not None and comp is not None and not reason:
            problems.append(
                _("%(indicator)s: say why the figure differs from the computed one.")
                % {"indicator": indicator.name}
            )
            continue
        rows[indicator.code] = {"computed": stored(comp), "entered": stored(entered),
                                "reason": reason if entered is not None else ""}  # fmt: skip
    return rows, problems


def check_stored(indicators: list[Indicator], rows: dict[str, dict]) -> list[str]:
    """Problems of stored figures (an impossible computed figure included): nothing impossible
    goes up."""
    problems = []
    for indicator in indicators:
        figure = effective(rows.get(indicator.code))
        try:
            if figure.numerator is not None:
                checks.check(indicator, Ratio(figure.numerator, figure.denominator))
            elif figure.value is not None:
                checks.check(indicator, figure.value)
        except ValidationError as exc:
            problems.extend(exc.messages)
    return problems


def rolled_up(request: ReportRequest, indicators: list[Indicator]) -> dict[str, Figure]:
    """The figures of the issuing unit rolled up from the accepted reports below it."""
    from hoiso.reporting.models import SubmissionVersion

    # Only the figures of each accepted version: at national size (3,321 communes) reading
    # whole rows would decode four JSON documents per unit instead of one.
    versions = list(SubmissionVersion.objects.filter(
        submission__request=request, submission__status=Submission.Status.ACCEPTED,
        decision=Submission.Status.ACCEPTED,
    ).values_list("values", flat=True))  # fmt: skip
    return {
        i.code: roll_up(
            i.rollup,
            (effective(values.get(i.code)) for values in versions),
            scale=i.scale,
            places=i.decimal_places,
        )  # fmt: skip
        for i in indicators
    }
