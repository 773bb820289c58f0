"""Shell pages: home, the audit log, task progress, and the error pages."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from hoiso.core import selectors
from hoiso.core.permissions import Action


def home(request):
    """Signed in: the current unit's overview (org.views.unit_detail). Otherwise: sign in."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    unit = request.get_current_unit()
    if unit is None:
        return render(request, "core/no_unit.html")
    return redirect("org:unit_detail", pk=unit.pk)


@login_required
@require_GET
def audit_list(request):
    if not request.user.can_anywhere(Action.VIEW_AUDIT):
        raise Http404
    params = request.GET
    entries = selectors.audit_entries(
        user=request.user,
        query=params.get("q", "")[:100],
        action=params.get("action", "")[:64],
        date_from=_day(params.get("from")),
        date_to=_day(params.get("to")),
    )
    page = Paginator(entries, 50).get_page(params.get("page"))
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "actions": selectors.audit_action_names(user=request.user),
            "params": params,
        },
    )


def _day(value: str | None) -> datetime.date | None:
    """A date as officials type it (dd/mm/yyyy); anything else is ignored, not an error."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime((value or "").strip(), pattern).date()
        except ValueError:
            continue
    return None


@login_required
@require_GET
def task_progress(request, pk):
    """The progress component, polled by htmx until the task is done or failed."""
    progress = selectors.task_progress_get(user=request.user, pk=pk)
    return render(request, "core/partials/progress.html", {"progress": progress})


def page_not_found(request, *args, **kwargs):
    """Pages of third-party apps that HộiSố switches off answer as if they did not exist."""
    raise Http404


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    return render(request, "errors/500.html", status=500)
