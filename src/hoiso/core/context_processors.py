"""What every page of the shell needs: navigation, the current unit and its breadcrumb."""

from django.conf import settings
from django.urls import reverse

from hoiso.core import navigation


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "site_name": "HộiSố"}
    items = [
        {"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "active": False}
        for item in navigation.items()
        if user.can_anywhere(item.action)
    ]
    # The entry whose address is the longest prefix of this page is the current one.
    matching = [i for i in items if request.path.startswith(i["url"])]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["active"] = True
    get_unit = getattr(request, "get_current_unit", None)
    get_switch = getattr(request, "get_unit_switcher", None)
    return {
        "nav_items": items,
        "site_name": "HộiSố",
        "current_unit": get_unit() if get_unit else None,
        "unit_switcher": get_switch if get_switch else None,
        "mfa_required_setting": settings.HOISO_MFA_REQUIRED,
    }
