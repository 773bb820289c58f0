"""What every page of the shell needs: navigation, the current unit and its breadcrumb."""

from django.conf import settings
from django.urls import reverse

from hoiso.core import navigation


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "site_name": "HộiSố"}
    items = [
        {"label": item.label, "url": reverse(item.url_name), "icon": item.icon,
         "active": request.path.startswith(reverse(item.url_name))}
        for item in navigation.items()
        if user.can_anywhere(item.action)
    ]  # fmt: skip
    get_unit = getattr(request, "get_current_unit", None)
    return {
        "nav_items": items,
        "site_name": "HộiSố",
        "current_unit": get_unit() if get_unit else None,
        "mfa_required_setting": settings.HOISO_MFA_REQUIRED,
    }
