"""The unit tree, a unit's page, its lineage, and the current-unit switcher."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hoiso.core.history import history_rows
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.org import selectors
from hoiso.org.models import ALLOWED_CHILD_KINDS, Unit


@login_required
@require_GET
def tree(request):
    """The tree from the top of the user's scope; children load on demand."""
    query = request.GET.get("q", "").strip()[:100]
    context = {"query": query}
    if query:
        context["results"] = selectors.units_search(user=request.user, query=query)
    else:
        context["roots"] = selectors.children_with_counts(user=request.user, unit=None)
    template = "org/partials/tree_search.html" if request.htmx else "org/tree.html"
    return render(request, template, context)


@login_required
@require_GET
def tree_children(request, pk):
    unit = selectors.unit_get(user=request.user, pk=pk)
    show_retired = request.GET.get("retired") == "1"
    children = selectors.children_with_counts(
        user=request.user, unit=unit, include_retired=show_retired
    )
    return render(request, "org/partials/tree_children.html", {"unit": unit, "children": children})


def _can(user, action, unit) -> bool:
    return user_can(user, action, unit.path)


@login_required
@require_GET
def unit_detail(request, pk):
    user = request.user
    unit = selectors.unit_get(user=user, pk=pk)
    parent_path = unit.parent.path if unit.parent else ""
    context = {
        "unit": unit,
        "crumbs": selectors.breadcrumb(user=user, unit=unit),
        "children": selectors.children_with_counts(user=user, unit=unit),
        "officials": selectors.officials_of(user=user, unit=unit),
        "population": selectors.population_visible(user=user).filter(unit=unit)[:5],
        "lineage": selectors.lineage(unit=unit, max_steps=3),
        "restructurings": selectors.unit_restructurings(user=user, unit=unit)[:5],
        "can_manage": unit.is_active and _can(user, Action.MANAGE_UNITS, unit),
        "can_add_child": unit.is_active
        and bool(ALLOWED_CHILD_KINDS[unit.kind])
        and _can(user, Action.MANAGE_UNITS, unit),
        "can_restructure_children": unit.is_active and _can(user, Action.RESTRUCTURE, unit),
        "can_restructure_self": unit.is_active
        and bool(parent_path)
        and user_can(user, Action.RESTRUCTURE, parent_path),
    }
    return render(request, "org/unit_detail.html", context)


@login_required
@require_GET
def unit_lineage(request, pk):
    user = request.user
    unit = selectors.unit_get(user=user, pk=pk)
    history = unit.history.select_related("history_user").order_by("-history_date")[:50]
    return render(
        request,
        "org/unit_lineage.html",
        {
            "unit": unit,
            "crumbs": selectors.breadcrumb(user=user, unit=unit),
            "lineage": selectors.lineage(unit=unit),
            "restructurings": selectors.unit_restructurings(user=user, unit=unit),
            "history": history_rows(history, Unit, excluded=["path", "depth"]),
        },
    )


@login_required
@require_POST
def switch_unit(request):
    """Choose the unit to work in; it must be visible to the user (else 404)."""
    try:
        pk = int(request.POST.get("unit", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Choose a unit."))
    unit = selectors.unit_get(user=request.user, pk=pk)
    request.session[selectors.CURRENT_UNIT_SESSION_KEY] = unit.pk
    messages.success(request, _("You are now working in %(unit)s.") % {"unit": unit.name})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = ""
    return redirect(target or "org:unit_detail", **({} if target else {"pk": unit.pk}))
