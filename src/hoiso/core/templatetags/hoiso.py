"""Template filters of the shell."""

from django import template
from django.utils.translation import gettext as _

from hoiso.core import audit

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    return audit.action_label(code)


@register.filter
def audit_group(code: str) -> str:
    return audit.group_label(code)


@register.filter
def actor_name(entry) -> str:
    """The person behind an audit entry; "system" for commands and tasks, in the reader's language."""
    if entry.actor_id and entry.actor:
        return entry.actor.get_full_name()
    return _("System") if entry.actor_name == "system" else entry.actor_name
