"""Reading and checking figures as officials type them, with messages in their language.

Numbers are written the Vietnamese way (1.234.567 for thousands, 12,5 for a decimal) or the
English way (1,234,567 and 12.5); a figure is refused when it is not a number, not whole where
the measure counts things or đồng, negative, or impossible for its measure (a rate above
100%, more households meeting a criterion than households). `check` also runs on computed
figures before they are stored, so nothing impossible reaches a report.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hoiso.core.indicators import Ratio
from hoiso.reporting.models import Indicator

MAX_DIGITS = 15  # the largest figure: a national total in đồng (10^15 = a million billion)
GROUPED = re.compile(r"^\d{1,3}([.,])\d{3}(\1\d{3})*$")  # 1.234.567 or 1,234,567


def parse_number(raw, *, integral: bool = True) -> Decimal:
    """A Decimal from what was typed (or a number), else ValidationError. A single mark
    between groups of three digits (1.234, 1,234) separates thousands in a whole-number
    figure and is the decimal mark in a rate."""
    if isinstance(raw, bool):
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw}, code="nan")
    if isinstance(raw, int | Decimal):
        return _bounded(Decimal(raw))
    if isinstance(raw, float):
        return _bounded(Decimal(str(raw)))
    text = str(raw or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        raise ValidationError(_("Enter a number."), code="empty")
    negative = text[0] in "-−"
    body = text[1:] if negative else text
    grouped = GROUPED.match(body)
    if grouped and (integral or body.count(grouped.group(1)) > 1):
        body = body.replace(grouped.group(1), "")
    elif "," in body and "." in body:
        # 1.234,5 (Vietnamese) or 1,234.5 (English): the last mark is the decimal one
        decimal_mark = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        body = body.replace(thousands, "").replace(decimal_mark, ".")
    else:
        body = body.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", body):
        shown = str(raw).strip()[:40]
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": shown}, code="nan")
    return _bounded(-Decimal(body) if negative else Decimal(body))


def _bounded(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}, code="nan")
    if abs(value) >= 10**MAX_DIGITS:
        raise ValidationError(_("This number is too large."), code="too_large")
    return value


def check(indicator: Indicator, value) -> int | Decimal | Ratio | None:
    """`value` (a number, a Ratio or None) as it will be stored, else ValidationError with
    the problem named after the indicator."""
    if value is None:
        return None
    if isinstance(value, Ratio):
        return check_ratio(indicator, value.numerator, value.denominator)
    try:
        number = parse_number(value, integral=indicator.integral)
    except ValidationError as exc:
        raise _named(indicator, exc.messages[0]) from None
    low, high = indicator.bounds()
    if number < low:
        raise _named(indicator, _("it cannot be negative."))
    if high is not None and number > high:
        raise _named(indicator, _("a rate cannot be above %(max)s%%.") % {"max": high})
    if indicator.integral:
        if number != number.to_integral_value():
            raise _named(indicator, _("it must be a whole number."))
        return int(number)
    return number.quantize(Decimal(1).scaleb(-indicator.decimal_places), rounding=ROUND_HALF_UP)


def check_ratio(indicator: Indicator, numerator, denominator) -> Ratio:
    """The two parts of an entered ratio: whole, not negative, a denominator when there is a
    numerator, and for a percentage no more than the whole."""
    parts = []
    for raw, what in ((numerator, _("the numerator")), (denominator, _("the denominator"))):
        try:
            number = parse_number(raw, integral=True)
        except ValidationError as exc:
            raise _named(indicator, f"{what}: {exc.messages[0]}") from None
        if number < 0:
            raise _named(indicator, _("%(part)s cannot be negative.") % {"part": what})
        parts.append(number)
    top, bottom = parts
    if bottom == 0 and top != 0:
        raise _named(indicator, _("the denominator cannot be zero."))
    if indicator.scale == 100 and top > bottom:
        raise _named(
            indicator,
            _(
                "the part (%(top)s) cannot be larger than the whole (%(bottom)s): the rate would pass 100%%."
            )
            % {"top": _plain(top), "bottom": _plain(bottom)},
        )
    return Ratio(_plain(top), _plain(bottom))


def _plain(number: Decimal) -> int | Decimal:
    return int(number) if number == number.to_integral_value() else number


def _named(indicator: Indicator, problem: str) -> ValidationError:
    return ValidationError(
        _("%(indicator)s: %(problem)s") % {"indicator": indicator.name, "problem": problem},
        code="invalid",
    )
