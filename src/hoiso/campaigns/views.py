"""Campaign pages: the list, create/edit (the launching unit's officials), targets (spread by
a rule or set one by one), progress by unit with ranking, overdue units and the chart, the
daily entry form, and the final report with its XLSX. Every campaign is fetched through the
scoped selectors (404 outside the scope) and every write goes through the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoiso.campaigns import forms, selectors, services
from hoiso.campaigns.models import Campaign, Target
from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.core.spreadsheets import XLSX_CONTENT_TYPE
from hoiso.core.viewkit import submit
from hoiso.org.models import Unit
from hoiso.reporting import workbook
from hoiso.reporting.models import Indicator, Measure, Source


def _can_manage(user, campaign: Campaign) -> bool:
    return user_can(user, Action.MANAGE_REPORTING, campaign.unit_path)


def _entry_units(user, campaign: Campaign):
    """The units with a target where the user may enter figures."""
    ids = (Target.objects.filter(campaign=campaign).visible_to(user, Action.MANAGE_REPORTING)
           .values("unit"))  # fmt: skip
    return Unit.objects.filter(pk__in=ids).order_by("name_sort", "pk")


@login_required
@require_GET
def campaign_list(request):
    unit = request.get_current_unit()
    can_create = (
        unit is not None
        and user_can(request.user, Action.MANAGE_REPORTING, unit.path)
        and bool(services.target_kinds(unit))
    )
    return render(request, "campaigns/list.html", {
        "campaigns": selectors.campaign_list(request.user), "can_create": can_create,
        "today": timezone.localdate(),
    })  # fmt: skip


def _campaign_form(request, unit: Unit, campaign: Campaign | None = None):
    initial = {}
    if campaign is not None:
        initial = {"name": campaign.name, "description": campaign.description,
                   "start": campaign.start, "end": campaign.end,
                   "target_kind": campaign.target_kind,
                   "indicators": campaign.ordered_indicators()}  # fmt: skip
    locked = campaign is not None and campaign.status != Campaign.Status.DRAFT
    return forms.CampaignForm(request.POST or None, initial=initial, locked=locked,
                              kinds=services.target_kinds(unit),
                              indicators=services.usable_indicators(unit))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    unit = request.get_current_unit()
    if unit is None or not user_can(request.user, Action.MANAGE_REPORTING, unit.path):
        raise Http404
    form = _campaign_form(request, unit)
    campaign = submit(
        request, form,
        lambda data: services.campaign_create(actor=request.user, unit=unit, data=data),
        _("The campaign has been created as a draft."),
    )  # fmt: skip
    if campaign:
        return redirect("campaigns:targets", campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    campaign = selectors.campaign_for(request.user, pk, Action.MANAGE_REPORTING)
    form = _campaign_form(request, campaign.unit, campaign)
    done = submit(
        request, form,
        lambda data: services.campaign_update(actor=request.user, campaign=campaign, data=data),
        _("The campaign has been saved."),
    )  # fmt: skip
    if done:
        return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/form.html",
                  {"form": form, "unit": campaign.unit, "campaign": campaign})  # fmt: skip


@login_required
@require_GET
def campaign_detail(request, pk):
    campaign = selectors.campaign_for(request.user, pk)
    on = selectors.as_of(campaign)
    return render(request, "campaigns/detail.html", {
        "campaign": campaign, "board": selectors.board(request.user, campaign, on), "on": on,
        "chart": {**selectors.curve(request.user, campaign, on),
                  "labels": {"reached": _("Reached"), "pace": _("Expected pace"),
                             "save": _("Save as image")}},
        "can_manage": _can_manage(request.user, campaign),
        "can_enter": campaign.status == Campaign.Status.RUNNING
        and _entry_units(request.user, campaign).exists(),
    })  # fmt: skip


def _targets_page(request, campaign, spread_form):
    indicators = campaign.ordered_indicators()
    values = {(t.indicator_id, t.unit_id): t.value for t in campaign.targets.all()}
    units = list(services.target_units(campaign))
    rows = [{"unit": u, "cells": [(i, values.get((i.pk, u.pk))) for i in indicators]}
            for u in units]  # fmt: skip
    totals = [sum(values.get((i.pk, u.pk)) or 0 for u in units) for i in indicators]
    counts = services.member_counts(units) if units else {}
    for row in rows:
        row["members"] = counts.get(row["unit"].pk, 0)
    return render(request, "campaigns/targets.html", {
        "campaign": campaign, "indicators": indicators, "rows": rows, "totals": totals,
        "form": spread_form, "editable": campaign.status != Campaign.Status.CLOSED,
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def campaign_targets(request, pk):
    campaign = selectors.campaign_for(request.user, pk, Action.MANAGE_REPORTING)
    form = forms.SpreadForm(request.POST or None, indicators=campaign.indicators.all())
    done = submit(
        request, form,
        lambda data: services.targets_spread(actor=request.user, campaign=campaign,
                                             indicator=data["indicator"], total=data["total"],
                                             rule=data["rule"]),
        _("The target has been spread over the units."),
    )  # fmt: skip
    if done:
        return redirect("campaigns:targets", campaign.pk)
    return _targets_page(request, campaign, form)


@login_required
@require_POST
def target_set(request, pk):
    campaign = selectors.campaign_for(request.user, pk, Action.MANAGE_REPORTING)
    form = forms.TargetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a number."))
        return redirect("campaigns:targets", campaign.pk)
    indicator = campaign.indicators.filter(pk=form.cleaned_data["indicator"]).first()
    unit = services.target_units(campaign).filter(pk=form.cleaned_data["unit"]).first()
    if indicator is None or unit is None:
        raise Http404
    try:
        services.target_set(actor=request.user, campaign=campaign, indicator=indicator,
                            unit=unit, value=form.cleaned_data["value"])  # fmt: skip
    except ServiceError as exc:
        messages.error(request, f"{unit.name}: {exc}")
    else:
        messages.success(request, _("The target of %(unit)s has been saved.") % {"unit": unit.name})
    return redirect("campaigns:targets", campaign.pk)


@login_required
@require_POST
def campaign_start(request, pk):
    campaign = selectors.campaign_for(request.user, pk, Action.MANAGE_REPORTING)
    try:
        services.campaign_start(actor=request.user, campaign=campaign)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The campaign has started; the units' officials were told."))
    return redirect("campaigns:detail", campaign.pk)


@login_required
@require_POST
def campaign_close(request, pk):
    campaign = selectors.campaign_for(request.user, pk, Action.MANAGE_REPORTING)
    try:
        services.campaign_close(actor=request.user, campaign=campaign)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The campaign has been closed."))
    return redirect("campaigns:report", campaign.pk)


@login_required
@require_http_methods(["GET", "POST"])
def entry_form(request, pk):
    campaign = selectors.campaign_for(request.user, pk)
    units = _entry_units(request.user, campaign)
    if not units.exists():
        raise Http404
    entered = campaign.indicators.filter(source=Source.ENTERED)
    unit_id = request.POST.get("unit") or request.GET.get("unit")
    chosen = units.filter(pk=unit_id).first() if str(unit_id or "").isdigit() else None
    chosen = chosen or units.first()
    form = forms.EntryForm(request.POST or None, units=units, indicators=entered,
                           initial={"unit": chosen, "day": selectors.as_of(campaign)})  # fmt: skip
    done = submit(
        request, form,
        lambda data: services.entry_set(actor=request.user, campaign=campaign,
                                        indicator=data["indicator"], unit=data["unit"],
                                        day=data["day"], value=data["value"]),
        _("The figure has been saved."),
    )  # fmt: skip
    if done:
        return redirect(f"{request.path}?unit={done.unit_id}")
    return render(request, "campaigns/entry.html", {
        "campaign": campaign, "form": form, "unit": chosen, "has_entered": entered.exists(),
        "entries": selectors.entries_of(campaign, chosen.pk),
    })  # fmt: skip


def _report(request, pk):
    campaign = selectors.campaign_for(request.user, pk)
    on = selectors.as_of(campaign)
    return campaign, on, selectors.board(request.user, campaign, on)


@login_required
@require_GET
def campaign_report(request, pk):
    campaign, on, board = _report(request, pk)
    return render(request, "campaigns/report.html",
                  {"campaign": campaign, "board": board, "on": on})  # fmt: skip


@login_required
@require_GET
def campaign_report_xlsx(request, pk):
    """The final figures by unit: per indicator its target, what was reached and the %."""
    campaign, on, board = _report(request, pk)
    columns, by_unit, names, totals = [], {}, {}, []
    for block in board:
        indicator: Indicator = block["indicator"]
        label = Measure(indicator.measure).label
        columns += [
            workbook.Column(indicator.code, f"{indicator.name} — {_('target')}", indicator.measure, label),
            workbook.Column(indicator.code, f"{indicator.name} — {_('reached')}", indicator.measure, label),
            workbook.Column(indicator.code, f"{indicator.name} — % {_('of target')}", "percent", "%"),
        ]  # fmt: skip
        totals += [block["target"], block["reached"], block["pct"]]
        for row in block["rows"]:
            names[row.unit_id] = row.name
            by_unit.setdefault(row.unit_id, {})[indicator.pk] = row
    rows = []
    for unit_id in sorted(names, key=lambda u: names[u]):
        values, status = [], []
        for block in board:
            row = by_unit[unit_id].get(block["indicator"].pk)
            values += [row.target, row.reached, row.pct] if row else [None, None, None]
            if row and row.rank:
                status.append(f"#{row.rank}/{block['count']}")
        rows.append((names[unit_id], " ".join(status), values))
    title = _("%(name)s — figures at %(day)s") % {"name": campaign.name,
                                                  "day": on.strftime("%d/%m/%Y")}  # fmt: skip
    data = workbook.write(title=title, indicators=columns, rows=rows, total=(_("Total"), totals))
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    name = slugify(campaign.name) or "campaign"
    response["Content-Disposition"] = f'attachment; filename="{name}-{on.isoformat()}.xlsx"'
    return response
