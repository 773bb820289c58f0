"""The restructuring wizard (merge, split, rename, move) with its preview, the list of
restructurings and their revert.

Each kind posts its form twice: first without `confirm`, which plans the change and shows
the preview (nothing is written); then with `confirm`, which applies it through the
service. The service plans again inside its transaction, so the preview cannot go stale.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoiso.core.permissions import Action
from hoiso.org import forms, selectors, services
from hoiso.org.models import Official, Unit
from hoiso.org.views.plan_lines import describe as _describe

KINDS = {
    "merge": (forms.MergeForm, _("Merge units")),
    "split": (forms.SplitForm, _("Split a unit")),
    "rename": (forms.RenameForm, _("Rename a unit")),
    "move": (forms.MoveForm, _("Move a unit")),
}


def _wizard_parent(request) -> Unit:
    """The unit inside which the wizard works: ?parent=…, else the current unit."""
    pk = request.GET.get("parent") or request.POST.get("parent")
    if pk:
        return selectors.unit_get(user=request.user, pk=pk, action=Action.RESTRUCTURE)
    unit = request.get_current_unit()
    if unit is None:
        raise Http404
    return selectors.unit_get(user=request.user, pk=unit.pk, action=Action.RESTRUCTURE)


@login_required
@require_GET
def restructuring_start(request):
    parent = _wizard_parent(request)
    return render(
        request,
        "org/restructuring_start.html",
        {
            "parent": parent,
            "kinds": [(k, label) for k, (_f, label) in KINDS.items()],
            "crumbs": selectors.breadcrumb(user=request.user, unit=parent),
            "crumb_link_last": True,
        },
    )


def _plan_and_run(kind: str, form, request, parent: Unit, run: bool):
    """Plan (run=False) or apply (run=True) the restructuring the valid form describes."""
    data, user = form.cleaned_data, request.user
    common = {
        "effective_on": data["effective_on"],
        "decision": data["decision"],
        "note": data["note"],
    }
    if kind == "merge":
        args = {
            "sources": list(data["sources"]),
            "target": data["target"],
            "allow_cross_province": data["allow_cross_province"],
            **common,
        }
        return (services.units_merge if run else services.plan_merge)(actor=user, **args)
    if kind == "move":
        args = {
            "unit": data["unit"],
            "new_parent": data["new_parent"],
            "allow_cross_province": data["allow_cross_province"],
            **common,
        }
        return (services.unit_move if run else services.plan_move)(actor=user, **args)
    if kind == "rename":
        args = {"unit": data["unit"], "new_name": data["new_name"], **common}
        return (services.unit_rename if run else services.plan_rename)(actor=user, **args)
    parts = [services.SplitPart(name=n, code=c) for n, c in data["parts"]]
    assignment = _split_assignment(request, data["unit"], len(parts))
    args = {
        "unit": data["unit"],
        "parts": parts,
        "assignment": assignment,
        "keeper": _int(request.POST.get("keeper"), 0),
        **common,
    }
    return (services.unit_split if run else services.plan_split)(actor=user, **args)


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _split_assignment(request, unit: Unit, n_parts: int) -> dict[int, int]:
    assignment = {}
    for child in Unit.objects.filter(parent=unit).active():
        value = request.POST.get(f"assign_{child.pk}")
        if value is not None:
            assignment[child.pk] = _int(value, -1)
    return assignment


@login_required
@require_http_methods(["GET", "POST"])
def restructuring_wizard(request, kind):
    if kind not in KINDS:
        raise Http404
    parent = _wizard_parent(request)
    form_class, title = KINDS[kind]
    initial = {"unit": request.GET.get("unit"), "target": request.GET.get("unit")}
    form = form_class(request.POST or None, user=request.user, parent=parent, initial=initial)
    context = {
        "form": form,
        "kind": kind,
        "title": title,
        "parent": parent,
        "crumbs": selectors.breadcrumb(user=request.user, unit=parent),
        "crumb_link_last": True,
    }
    if request.method == "POST" and form.is_valid():
        if kind == "split" and request.POST.get("step") != "assigned":
            unit = form.cleaned_data["unit"]
            context.update(
                step="assign",
                children=Unit.objects.filter(parent=unit).active().vn_ordered(),
                parts=form.cleaned_data["parts"],
            )
            return render(request, "org/restructuring_wizard.html", context)
        try:
            if request.POST.get("confirm") == "1":
                restructuring = _plan_and_run(kind, form, request, parent, run=True)
                messages.success(
                    request, _("Done: %(summary)s.") % {"summary": restructuring.summary}
                )
                return redirect("org:restructuring_detail", pk=restructuring.pk)
            plan = _plan_and_run(kind, form, request, parent, run=False)
        except services.OrgError as exc:
            form.add_error(None, str(exc))
        else:
            context.update(step="preview", plan=plan, lines=_describe(plan))
    return render(request, "org/restructuring_wizard.html", context)


@login_required
@require_GET
def restructuring_list(request):
    items = selectors.restructurings_visible(user=request.user)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "org/restructuring_list.html", {"page": page})


@login_required
@require_GET
def restructuring_detail(request, pk):
    restructuring = selectors.restructuring_get(user=request.user, pk=pk)
    plan_error = None
    try:
        preview = services.plan_revert(
            actor=request.user, restructuring=restructuring, effective_on=timezone.localdate()
        )
    except services.OrgError as exc:
        preview, plan_error = None, str(exc)
    officials = {
        op_id
        for op in restructuring.operations
        if op["op"] == "end_officials"
        for op_id in op["ids"]
    }
    return render(
        request,
        "org/restructuring_detail.html",
        {
            "restructuring": restructuring,
            "lines": _describe(
                services.Plan(
                    restructuring.kind,
                    restructuring.summary,
                    restructuring.operations,
                    restructuring.effective_on,
                )
            ),
            "links": restructuring.links.select_related("predecessor", "successor"),
            "units": restructuring.units.order_by("depth", "name_sort"),
            "ended_officials": Official.objects.filter(pk__in=officials).select_related(
                "position", "unit"
            )[:50],
            "revert_lines": _describe(preview) if preview else [],
            "revert_error": plan_error,
        },
    )


@login_required
@require_POST
def restructuring_revert(request, pk):
    restructuring = selectors.restructuring_get(user=request.user, pk=pk)
    try:
        revert = services.restructuring_revert(
            actor=request.user,
            restructuring=restructuring,
            effective_on=timezone.localdate(),
            note=request.POST.get("note", "")[:2000],
        )
    except services.OrgError as exc:
        messages.error(request, str(exc))
        return redirect("org:restructuring_detail", pk=restructuring.pk)
    messages.success(request, _("Done: %(summary)s.") % {"summary": revert.summary})
    return redirect("org:restructuring_detail", pk=revert.pk)
