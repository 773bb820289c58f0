"""The member dashboard: figures of a unit and its subtree at a date, charts that drill down
the tree and export as pictures, and the same figures as an XLSX workbook."""

import datetime
import io

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from hoiso.core import audit
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.core.spreadsheets import XLSX_CONTENT_TYPE
from hoiso.members import stats as member_stats
from hoiso.org.selectors import breadcrumb, unit_get

DIGITAL_LABELS = {
    "has_phone": gettext_lazy("Phone"),
    "has_smartphone": gettext_lazy("Smartphone"),
    "has_internet": gettext_lazy("Internet"),
    "uses_zalo": "Zalo",
    "uses_facebook": "Facebook",
    "uses_tiktok": "TikTok",
    "has_bank_account": gettext_lazy("Bank account"),
    "pays_cashless": gettext_lazy("Cashless payments"),
}


def _day(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.datetime.strptime((value or "").strip(), "%d/%m/%Y").date()
    except ValueError:
        return default


def _figures(request):
    user = request.user
    if not user.can_anywhere(Action.VIEW):
        raise Http404
    unit_pk = request.GET.get("unit")
    unit = unit_get(user=user, pk=unit_pk) if unit_pk else request.get_current_unit()
    if unit is None:
        raise Http404
    today = timezone.localdate()
    on = min(_day(request.GET.get("on"), today), today)
    start = _day(request.GET.get("from"), on.replace(month=1, day=1))
    sensitive = user_can(user, Action.VIEW_SENSITIVE, unit.path)
    return member_stats.unit_stats(
        unit=unit, on=on, period_start=min(start, on), sensitive=sensitive
    ), start


def _chart_data(stats) -> dict:
    digital = [(str(DIGITAL_LABELS[k]), stats.percent(v)) for k, v in stats.digital.items()]
    digital.append((_("VNeID level 2"), stats.percent(stats.vneid_2)))
    charts = {
        "age": stats.age_bands,
        "digital": digital,
        "education": stats.education,
        "type": [
            (_("Ordinary member"), stats.total - stats.honorary),
            (_("Honorary member"), stats.honorary),
        ],
        "children": [(row["unit"].name, row["members"]) for row in stats.children],
    }
    if stats.ethnicity is not None:
        charts["ethnicity"] = stats.ethnicity[:10]
        charts["religion"] = stats.religion[:10]
    return {"charts": charts, "labels": {"save": _("Save as picture")}}


@login_required
@require_GET
def dashboard(request):
    stats, start = _figures(request)
    if request.GET.get("format") == "xlsx":
        return _xlsx(request, stats, start)
    return render(request, "members/dashboard.html", {
        "stats": stats, "start": start, "data": _chart_data(stats),
        "crumbs": breadcrumb(user=request.user, unit=stats.unit), "crumb_link_last": True,
        "digital_rows": [
            *((str(DIGITAL_LABELS[k]), v, stats.percent(v)) for k, v in stats.digital.items()),
            (_("VNeID level 2"), stats.vneid_2, stats.percent(stats.vneid_2)),
        ],
    })  # fmt: skip


def _xlsx(request, stats, start) -> HttpResponse:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    sheet = book.add_worksheet(_("Summary"))
    sheet.set_column(0, 0, 42)
    sheet.set_column(1, 2, 16)
    rows = [
        (_("Unit"), stats.unit.name),
        (_("At"), stats.on.strftime("%d/%m/%Y")),
        (_("Members"), stats.total),
        (_("Women aged 18+"), stats.women_18_plus or ""),
        (
            _("Participation rate (%)"),
            stats.participation if stats.participation is not None else "",
        ),
        (_("Core members"), stats.core),
        (_("Honorary members"), stats.honorary),
        (_("Joined since %(date)s") % {"date": start.strftime("%d/%m/%Y")}, stats.joined),
        (_("Left or died since %(date)s") % {"date": start.strftime("%d/%m/%Y")}, stats.left),
    ] + [(str(DIGITAL_LABELS[k]) + " (%)", stats.percent(v)) for k, v in stats.digital.items()]
    for index, (label, value) in enumerate(rows):
        sheet.write(index, 0, label, bold)
        sheet.write(index, 1, value)
    units = book.add_worksheet(_("By unit"))
    units.set_column(0, 0, 42)
    for col, header in enumerate([_("Unit"), _("Members"), _("Participation rate (%)")]):
        units.write(0, col, header, bold)
    for index, row in enumerate(stats.children, start=1):
        units.write_string(index, 0, row["unit"].name)
        units.write_number(index, 1, row["members"])
        if row["rate"] is not None:
            units.write_number(index, 2, row["rate"])
    book.close()
    audit.record(actor=request.user, action="member.stats_export", unit_path=stats.unit.path,
                 details={"on": stats.on.isoformat()})  # fmt: skip
    response = HttpResponse(output.getvalue(),
                            content_type=XLSX_CONTENT_TYPE)  # fmt: skip
    response["Content-Disposition"] = (
        f'attachment; filename="thong-ke-hoi-vien-{stats.on:%Y%m%d}.xlsx"'
    )
    return response
