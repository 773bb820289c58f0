"""Filters of the groups, savings and loan pages (money itself: credit_meetings `dong`)."""

from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def rate(value) -> str:
    """A rate in % without trailing zeros, in the page's language: 0.6600 → "0,66"."""
    if value in (None, ""):
        return ""
    number = Decimal(value).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    return formats.number_format(number)
