"""The inbox, opening a notification, marking read, and the e-mail preference page.

Every page is the signed-in user's own: there is nothing to scope by unit, and a
notification of someone else answers 404 (selectors.notification_get).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoiso.core import viewkit
from hoiso.notifications import selectors, services
from hoiso.notifications.forms import PreferenceForm

PAGE_SIZE = 25


@login_required
@require_GET
def inbox(request):
    order = request.GET.get("order")
    order = order if order in selectors.ORDERS else "unread"
    page = Paginator(selectors.inbox(user=request.user, order=order), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "order": order, "here": request.get_full_path()},
    )


@login_required
@require_GET
def notification_open(request, pk):
    """Mark it read and follow its link — a path on this site only, never elsewhere."""
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_read(user=request.user, notification=notification)
    if notification.url and services.is_local_path(notification.url):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def notification_mark_read(request, pk):
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_read(user=request.user, notification=notification)
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect(_back(request))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferenceForm(
        request.POST or None, initial={"email_mode": selectors.email_mode(user=request.user)}
    )
    saved = viewkit.submit(
        request, form,
        lambda data: services.preference_set(user=request.user, email_mode=data["email_mode"]),
        _("Your choice is saved."),
    )  # fmt: skip
    if saved:
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def _back(request) -> str:
    """Where the inbox was (its order and page), if the posted address is the inbox's."""
    inbox_url = reverse("notifications:inbox")
    target = request.POST.get("next", "")
    if (
        target.startswith(inbox_url)
        and services.is_local_path(target)
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return inbox_url
