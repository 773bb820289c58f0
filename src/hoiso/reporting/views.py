"""Reporting pages: the indicator library (list, define, edit, delete an unused one), the
cut-off days of reporting periods, and the computed figures of the current unit for a period
(what a report form will fill in)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.viewkit import submit
from hoiso.org.selectors import breadcrumb, unit_get
from hoiso.reporting import forms, periods, selectors, services
from hoiso.reporting.models import Period, Source


def _require_manager(user) -> None:
    if not user.can_anywhere(Action.MANAGE_REPORTING):
        raise Http404


@login_required
@require_GET
def indicator_list(request):
    user = request.user
    _require_manager(user)
    params = request.GET
    rows = selectors.indicators_visible(user=user, query=params.get("q", ""),
                                        source=params.get("source", ""), active=params.get("active", ""))  # fmt: skip
    page = Paginator(rows, 100).get_page(params.get("page"))
    national = selectors.manages_nationally(user)
    return render(request, "reporting/indicator_list.html", {
        "page": page, "query": params.get("q", ""), "source": params.get("source", ""),
        "active": params.get("active", ""), "sources": Source.choices, "national": national,
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request):
    user = request.user
    _require_manager(user)
    national = selectors.manages_nationally(user)
    current = request.get_current_unit()
    owners = selectors.owner_choices(user=user)
    initial = {"owner": current.pk if current and owners.filter(pk=current.pk).exists() else None}
    form = forms.IndicatorForm(
        request.POST or None, owners=owners, national=national, initial=initial
    )
    indicator = submit(
        request, form,
        lambda data: services.indicator_create(actor=user, unit=data.pop("owner", None), data=data),
        lambda ind: _("%(code)s has been defined.") % {"code": ind.code},
    )  # fmt: skip
    if indicator:
        return redirect("reporting:indicator_list")
    return render(request, "reporting/indicator_form.html",
                  {"form": form, "title": _("Define an indicator")})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk):
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    form = forms.IndicatorForm(request.POST or None, instance=indicator)
    if submit(
        request, form,
        lambda data: services.indicator_update(actor=request.user, indicator=indicator, data=data),
        _("The indicator has been saved."),
    ):  # fmt: skip
        return redirect("reporting:indicator_list")
    indicator.refresh_from_db()  # the form may have changed the instance in memory
    return render(request, "reporting/indicator_form.html", {
        "form": form, "indicator": indicator, "title": _("Edit %(code)s") % {"code": indicator.code},
    })  # fmt: skip


@login_required
@require_POST
def indicator_delete(request, pk):
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    try:
        services.indicator_delete(actor=request.user, indicator=indicator)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:indicator_edit", pk=indicator.pk)
    messages.success(request, _("%(code)s has been deleted.") % {"code": indicator.code})
    return redirect("reporting:indicator_list")


@login_required
@require_http_methods(["GET", "POST"])
def cut_off_list(request):
    """Everyone who manages reporting reads the cut-off days; only the national
    administrators change them (a post from anyone else finds nothing to change: 404)."""
    user = request.user
    _require_manager(user)
    national = selectors.manages_nationally(user)
    if request.method == "POST" and not national:
        raise Http404
    form = forms.CutOffForm(request.POST or None, days=periods.cut_off_days())

    def write(data):
        services.cut_offs_set(actor=user, days=data)
        return True

    if submit(request, form, write, _("The cut-off days have been saved.")):
        return redirect("reporting:cut_off_list")
    return render(request, "reporting/cut_offs.html",
                  {"form": form, "rows": selectors.cut_offs(), "national": national})  # fmt: skip


def _chosen_period(params) -> tuple[Period, str | None]:
    """The period asked for (kind, year, number), else the current month."""
    today = timezone.localdate()
    kind = params.get("kind") if params.get("kind") in Period.Kind.values else Period.Kind.MONTH
    year, number = periods.containing(kind, today)
    problem = None
    try:
        if params.get("year"):
            year = int(params["year"])
        if params.get("number"):
            number = int(params["number"])
        return periods.resolve(kind, year, number), None
    except (ValueError, periods.PeriodError) as exc:
        problem = (
            str(exc) if isinstance(exc, periods.PeriodError) else _("Choose a year and a number.")
        )
    year, number = periods.containing(kind, today)
    return periods.resolve(kind, year, number), problem


@login_required
@require_GET
def preview(request):
    user = request.user
    if not user.can_anywhere(Action.VIEW):
        raise Http404
    unit_pk = request.GET.get("unit")
    unit = unit_get(user=user, pk=unit_pk) if unit_pk else request.get_current_unit()
    if unit is None:
        raise Http404
    period, problem = _chosen_period(request.GET)
    rows = selectors.preview(user=user, unit=unit, period=period)
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row["indicator"].group, []).append(row)
    return render(request, "reporting/preview.html", {
        "unit": unit, "period": period, "problem": problem, "groups": groups,
        "kinds": Period.Kind.choices, "numbers": range(1, periods.SHAPES[period.kind][0] + 1),
        "crumbs": breadcrumb(user=user, unit=unit), "crumb_link_last": True,
    })  # fmt: skip
