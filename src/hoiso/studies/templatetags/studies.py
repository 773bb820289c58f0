"""Template helpers of the study pages."""

from django import template

register = template.Library()


@register.filter
def chosen_in(option_id, chosen: dict) -> bool:
    """Whether an option was ticked in the answers sent back (a refused check keeps them)."""
    wanted = str(option_id)
    return any(wanted in values for values in (chosen or {}).values())
