"""`{% notifications_badge %}`: the bell in the page header with the unread count."""

from django import template

from hoiso.notifications import selectors

register = template.Library()


@register.inclusion_tag("notifications/partials/badge.html", takes_context=True)
def notifications_badge(context, css_class: str = ""):
    user = context.get("user")
    count = selectors.unread_count(user=user) if user is not None else 0
    return {
        "count": count,
        "shown": "99+" if count >= selectors.BADGE_CAP else count,
        "css_class": css_class,
        "authenticated": getattr(user, "is_authenticated", False),
    }
