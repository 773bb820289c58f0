"""Shell pages: home, the audit log, task progress, and the error pages."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
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
        date_from=parse_date(params.get("from", "") or "") if _is_iso(params.get("from")) else None,
        date_to=parse_date(params.get("to", "") or "") if _is_iso(params.get("to")) else None,
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


def _is_iso(value) -> bool:
    try:
        return bool(value) and parse_date(value) is not None
    except ValueError:
        return False


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
