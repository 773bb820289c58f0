"""Adding a unit under another and editing a unit's details; officials of a unit."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hoiso.core.permissions import Action
from hoiso.core.viewkit import submit
from hoiso.org import forms, selectors, services
from hoiso.org.models import ALLOWED_CHILD_KINDS


def render_unit_form(request, *, form, unit, title: str, template: str = "org/unit_form.html"):
    crumbs = selectors.breadcrumb(user=request.user, unit=unit)
    return render(request, template, {"form": form, "unit": unit, "title": title, "crumbs": crumbs})


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request, pk):
    parent = selectors.unit_get(user=request.user, pk=pk, action=Action.MANAGE_UNITS)
    form = forms.UnitCreateForm(
        request.POST or None,
        parent=parent,
        areas=selectors.areas_for_units(user=request.user),
        kinds=sorted(ALLOWED_CHILD_KINDS[parent.kind]),
    )
    unit = submit(
        request,
        form,
        lambda data: services.unit_create(actor=request.user, parent=parent, **data),
        lambda unit: _("%(unit)s has been created.") % {"unit": unit.name},
    )
    if unit:
        return redirect("org:unit_detail", pk=unit.pk)
    title = _("Add a unit under %(unit)s") % {"unit": parent.name}
    return render_unit_form(request, form=form, unit=parent, title=title)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = selectors.unit_get(user=request.user, pk=pk, action=Action.MANAGE_UNITS)
    initial = {"code": unit.code, "area": unit.area_id, "address": unit.address}
    form = forms.UnitEditForm(
        request.POST or None, initial=initial, areas=selectors.areas_for_units(user=request.user)
    )
    if submit(
        request,
        form,
        lambda data: services.unit_update(actor=request.user, unit=unit, **data),
        _("The details have been saved."),
    ):
        return redirect("org:unit_detail", pk=unit.pk)
    title = _("Edit the details of %(unit)s") % {"unit": unit.name}
    return render_unit_form(request, form=form, unit=unit, title=title)


@login_required
@require_http_methods(["GET", "POST"])
def official_create(request, pk):
    unit = selectors.unit_get(user=request.user, pk=pk, action=Action.MANAGE_UNITS)
    form = forms.OfficialForm(
        request.POST or None, unit=unit, initial={"term_start": 2025, "term_end": 2030}
    )
    if submit(
        request,
        form,
        lambda data: services.official_appoint(actor=request.user, unit=unit, **data),
        _("The official has been recorded."),
    ):
        return redirect("org:unit_detail", pk=unit.pk)
    title = _("Add an official to %(unit)s") % {"unit": unit.name}
    return render_unit_form(request, form=form, unit=unit, title=title)


@login_required
@require_http_methods(["GET", "POST"])
def official_end(request, pk):
    official = selectors.official_get(user=request.user, pk=pk, action=Action.MANAGE_UNITS)
    form = forms.OfficialEndForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.official_end(actor=request.user, official=official, **data),
        _("The term has been ended."),
    ):
        return redirect("org:unit_detail", pk=official.unit_id)
    title = _("End the term of %(name)s") % {"name": official}
    return render_unit_form(request, form=form, unit=official.unit, title=title)


@login_required
@require_GET
def unit_officials(request, pk):
    """Every official of a unit, past terms included."""
    unit = selectors.unit_get(user=request.user, pk=pk)
    officials = selectors.officials_of(user=request.user, unit=unit, include_ended=True)
    crumbs = selectors.breadcrumb(user=request.user, unit=unit)
    return render(
        request, "org/unit_officials.html", {"unit": unit, "officials": officials, "crumbs": crumbs}
    )
