"""The female population (women 18+) by area and year: list, entry, import from Excel."""

import io

import xlsxwriter
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hoiso.core import progress
from hoiso.core.permissions import Action
from hoiso.core.spreadsheets import XLSX_CONTENT_TYPE
from hoiso.core.viewkit import submit
from hoiso.org import forms, selectors, services, tasks
from hoiso.org.models import Unit
from hoiso.org.views.units import render_unit_form


@login_required
@require_GET
def population_list(request):
    user = request.user
    year = request.GET.get("year")
    rows = selectors.population_visible(
        user=user,
        year=int(year) if (year or "").isdigit() else None,
        query=request.GET.get("q", "")[:100],
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "org/population_list.html",
        {
            "page": page,
            "years": selectors.population_years(user=user),
            "year": year,
            "query": request.GET.get("q", ""),
            "can_import": user.can_anywhere(Action.MANAGE_UNITS),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def population_edit(request, pk):
    unit = selectors.unit_get(user=request.user, pk=pk, action=Action.MANAGE_UNITS)
    form = forms.PopulationForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.population_set(actor=request.user, unit=unit, **data),
        _("The population figure has been saved."),
    ):
        return redirect("org:unit_detail", pk=unit.pk)
    title = _("Women aged 18+ in %(area)s") % {"area": unit.area or unit.name}
    return render_unit_form(request, form=form, unit=unit, title=title)


@login_required
@require_http_methods(["GET", "POST"])
def population_import(request):
    if not request.user.can_anywhere(Action.MANAGE_UNITS):
        raise Http404
    form = forms.PopulationImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.HOISO_MAX_UPLOAD_BYTES:
            limit = settings.HOISO_MAX_UPLOAD_BYTES // 2**20
            form.add_error("file", _("The file is too large (at most %(mb)d MB).") % {"mb": limit})
        else:
            name = default_storage.save(f"uploads/population/{upload.name[-80:]}", upload)
            unit = request.get_current_unit()
            job = progress.start(
                kind="population_import",
                owner=request.user,
                title=_("Importing population from %(file)s") % {"file": upload.name[:80]},
                unit_path=unit.path if unit else "",
            )
            tasks.import_population.enqueue(str(job.pk), name, request.user.pk, upload.name[-200:])
            context["progress"] = job
    return render(request, "org/population_import.html", context)


@login_required
@require_GET
def population_template(request):
    """A ready-to-fill workbook: the communes the user manages, with this year's column."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet(_("Population"))
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    headers = [_("Commune code"), _("Commune name"), _("Year"), _("Number of women aged 18+")]
    for col, header in enumerate(headers):
        sheet.write(0, col, header, bold)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 2, 8)
    sheet.set_column(3, 3, 28)
    units = (
        Unit.objects.visible_to(request.user, Action.MANAGE_UNITS)
        .active()
        .filter(area__isnull=False)
        .select_related("area")
        .order_by("name_sort")
    )
    year = timezone.localdate().year
    for row, unit in enumerate(units, start=1):
        sheet.write_string(row, 0, unit.area.code)
        sheet.write_string(row, 1, unit.area.name)
        sheet.write_number(row, 2, year)
    book.close()
    response = HttpResponse(
        output.getvalue(),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = 'attachment; filename="mau-dan-so-phu-nu.xlsx"'
    return response
