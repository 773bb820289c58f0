"""Filters of the meeting and report pages: money the Vietnamese way (1.250.000)."""

from django import template

register = template.Library()


@register.filter
def dong(amount) -> str:
    """Whole VND with dots between thousands ("1.250.000", "−50.000"); "" for None."""
    if amount is None or amount == "":
        return ""
    value = int(amount)
    text = f"{abs(value):,}".replace(",", ".")
    return f"−{text}" if value < 0 else text


@register.filter
def dong_or_dash(amount) -> str:
    """Like `dong`, but a dash for zero (tables of dues read better with blanks)."""
    return dong(amount) if amount else "–"
