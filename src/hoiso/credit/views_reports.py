"""Savings-and-credit reports of a unit (the official's current unit, or ?unit=): the
portfolio by group → commune → province for a period, PAR30 and ageing as of a day, the
trial balance of the unit and rolled up over its subtree, the commission on collected
interest, period closing, and the lists groups keep as XLSX.

Who may see what (at the unit, else 404):
  VIEW            portfolio, PAR30 and ageing, trial balance, commission (figures, no names)
  MANAGE_CREDIT   the lists with members' names (loan-use check, savings, reconciliation)
  APPROVE_CREDIT  period closing (the page and the closing itself)
Every figure is read through the credit selectors, which check the unit again.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from hoiso.core import audit
from hoiso.core.forms import StyledForm
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.core.spreadsheets import XLSX_CONTENT_TYPE
from hoiso.core.viewkit import submit
from hoiso.credit import exports, selectors, services
from hoiso.credit.overdue import BUCKETS
from hoiso.credit.views_meetings import parse_day
from hoiso.org.models import Unit
from hoiso.org.selectors import unit_get

LATE_SHOWN = 100  # loans listed on the PAR page, longest overdue first
BUCKET_LABELS = {
    "current": gettext_lazy("Not overdue"),
    "1_30": gettext_lazy("1–30 days"),
    "31_60": gettext_lazy("31–60 days"),
    "61_90": gettext_lazy("61–90 days"),
    "91_180": gettext_lazy("91–180 days"),
    "over_180": gettext_lazy("Over 180 days"),
}


def _unit(request, action: str = Action.VIEW) -> Unit:
    """?unit= (in the reader's scope for `action`, else 404) or her current unit."""
    pk = request.GET.get("unit") or request.POST.get("unit")
    if pk:
        if not str(pk).isdigit():
            raise Http404
        return unit_get(user=request.user, pk=pk, action=action)
    unit = request.get_current_unit()
    if unit is None or not user_can(request.user, action, unit.path):
        raise Http404
    return unit


def _period(request) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    end = min(parse_day(request.GET.get("to")) or today, today)
    start = parse_day(request.GET.get("from")) or end.replace(month=1, day=1)
    return min(start, end), end


def _on(request) -> datetime.date:
    today = timezone.localdate()
    return min(parse_day(request.GET.get("on")) or today, today)


def _context(request, unit: Unit, active: str, **extra) -> dict:
    parent = unit.parent if unit.parent_id and user_can(request.user, Action.VIEW,
                                                        unit.parent.path) else None  # fmt: skip
    return {"unit": unit, "parent": parent, "active": active,
            "can_lists": user_can(request.user, Action.MANAGE_CREDIT, unit.path),
            "can_close": user_can(request.user, Action.APPROVE_CREDIT, unit.path), **extra}  # fmt: skip


@login_required
@require_GET
def portfolio(request):
    """Outstanding, overdue, savings, disbursements and collections of the unit, by the units
    one level down and by savings group."""
    unit = _unit(request)
    start, end = _period(request)
    user = request.user
    return render(request, "credit/report_portfolio.html", _context(request, unit, "portfolio",
        start=start, end=end,
        total=selectors.portfolio(user=user, unit=unit, start=start, end=end),
        **_active_children(selectors.portfolio_by_child(user=user, unit=unit, start=start, end=end)),
        groups=selectors.portfolio_by_group(user=user, unit=unit, start=start, end=end),
    ))  # fmt: skip


def _active_children(rows) -> dict:
    """The units below with some credit figure (the others are only counted), and the
    part held at the unit itself when there is one."""

    def active(fig) -> bool:
        return bool(fig.outstanding or fig.savings or fig.disbursed or fig.collected
                    or fig.deposits or fig.withdrawals)  # fmt: skip

    shown = [(child, fig) for child, fig in rows if active(fig)]
    return {"children": shown, "quiet": sum(1 for child, fig in rows if child and not active(fig))}


@login_required
@require_GET
def par(request):
    """PAR30 and the ageing of the outstanding principal as of a day (?on=)."""
    unit = _unit(request)
    on = _on(request)
    items = selectors.arrears_in(user=request.user, unit=unit, on=on)  # once for the whole page
    ageing = selectors.ageing(user=request.user, unit=unit, on=on, items=items)
    outstanding = sum(slot["outstanding"] for slot in ageing.values())
    names = ["current"] + [bucket[0] for bucket in BUCKETS]
    rows = [{"name": name, "label": BUCKET_LABELS[name], "loans": ageing[name]["loans"],
             "outstanding": ageing[name]["outstanding"],
             "share": 100 * ageing[name]["outstanding"] / outstanding if outstanding else None}
            for name in names]  # fmt: skip
    return render(request, "credit/report_par.html", _context(request, unit, "par",
        on=on, rows=rows, outstanding=outstanding,
        loans=sum(r["loans"] for r in rows),
        par30=selectors.par30(unit=unit, on=on, user=request.user, items=items),
        **_active_children(selectors.portfolio_by_child(user=request.user, unit=unit, start=on,
                                                        end=on, items=items)),
        **_late_payers(request, unit, items),
    ))  # fmt: skip


def _late_payers(request, unit: Unit, items) -> dict:
    """The loans to chase, for those who may see the borrowers' names."""
    if not user_can(request.user, Action.VIEW_PERSONAL, unit.path):
        return {}
    late, late_count = selectors.late_payers(user=request.user, unit=unit, items=items,
                                             limit=LATE_SHOWN)  # fmt: skip
    return {"late": late, "late_count": late_count, "show_late": True}


@login_required
@require_GET
def trial_balance(request):
    """The trial balance as of ?on=: of the unit's own books and rolled up over its subtree;
    debits equal credits."""
    unit = _unit(request)
    on = _on(request)
    books = []
    for title, rolled in ((_("Rolled up over %(unit)s and the units under it") % {"unit": unit.name}, True),
                          (_("The books of %(unit)s alone") % {"unit": unit.name}, False)):  # fmt: skip
        rows = selectors.trial_balance(user=request.user, unit=unit, on=on, rolled_up=rolled)
        debit, credit = sum(r.debit for r in rows), sum(r.credit for r in rows)
        books.append({"title": title, "rows": rows, "debit": debit, "credit": credit,
                      "balanced": debit == credit, "rolled": rolled})  # fmt: skip
    return render(request, "credit/report_trial_balance.html",
                  _context(request, unit, "trial_balance", on=on, books=books))  # fmt: skip


@login_required
@require_GET
def commission(request):
    """The commission the Union earns on the interest collected for the Bank's programmes."""
    unit = _unit(request)
    start, end = _period(request)
    rows = selectors.commission(unit=unit, start=start, end=end, user=request.user)
    return render(request, "credit/report_commission.html", _context(request, unit, "commission",
        start=start, end=end, rows=rows,
        collected=sum(r.interest_collected for r in rows), total=sum(r.commission for r in rows),
    ))  # fmt: skip


# --- period closing -------------------------------------------------------------------------


class CloseForm(StyledForm):
    closed_to = forms.DateField(label=gettext_lazy("Close the books up to and including"),
                                input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                widget=forms.DateInput(format="%d/%m/%Y",
                                                       attrs={"placeholder": "dd/mm/yyyy",
                                                              "inputmode": "numeric"}))  # fmt: skip
    note = forms.CharField(label=gettext_lazy("Note"), max_length=255, required=False)

    def clean_closed_to(self):
        day = self.cleaned_data["closed_to"]
        if day >= timezone.localdate():
            raise forms.ValidationError(
                _("Only a day that is over can be closed: choose a day before today.")
            )
        return day


@login_required
@require_http_methods(["GET", "POST"])
def period_close(request):
    """Close the unit's books (and its subtree's) up to a day; the closings in force and
    those below."""
    unit = _unit(request, Action.APPROVE_CREDIT)
    closings = selectors.period_closings(user=request.user, unit=unit)
    form = CloseForm(request.POST or None)
    done = submit(request, form,
                  lambda data: services.period_close(actor=request.user, unit=unit,
                                                     closed_to=data["closed_to"], note=data["note"]),
                  lambda closing: _("The books of %(unit)s are closed up to %(day)s.")
                  % {"unit": unit.name, "day": closing.closed_to.strftime("%d/%m/%Y")})  # fmt: skip
    if done:
        return redirect(f"{reverse('credit:period_close')}?unit={unit.pk}")
    closings = list(closings)
    binding = [c for c in closings if c.unit_path == unit.path or unit.path.startswith(c.unit_path)]
    return render(request, "credit/period_close.html", _context(request, unit, "period_close",
        form=form, binding=binding, below=[c for c in closings if c not in binding],
        closed_to=max((c.closed_to for c in binding), default=None),
    ))  # fmt: skip


# --- the lists groups keep ------------------------------------------------------------------


def _books(request, start, end):
    """The groups asked for (?group=, or every group of the unit) with their members' books;
    MANAGE_CREDIT at the group's or unit's place."""
    pk = request.GET.get("group")
    if pk:
        if not str(pk).isdigit():
            raise Http404
        group = selectors.group_for(user=request.user, pk=int(pk), action=Action.MANAGE_CREDIT)
        unit, groups = group.unit, [group]
    else:
        unit = _unit(request, Action.MANAGE_CREDIT)
        groups = list(selectors.groups(user=request.user, unit=unit).select_related("leader"))
    return unit, groups, selectors.group_books(groups=groups, start=start, end=end)


def _xlsx(request, unit, groups, data: bytes, kind: str, day: datetime.date) -> HttpResponse:
    audit.record(actor=request.user, action="credit.list_export", unit_path=unit.path,
                 details={"list": kind, "groups": [g.pk for g in groups], "on": day.isoformat()})  # fmt: skip
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    name = slugify(groups[0].name if len(groups) == 1 else unit.name) or "hoi"
    response["Content-Disposition"] = f'attachment; filename="{kind}-{name}-{day.isoformat()}.xlsx"'
    return response


@login_required
@require_GET
def export_loan_use(request):
    on = _on(request)
    unit, groups, books = _books(request, on, on)
    data = exports.loan_use_xlsx(books, unit_name=unit.name, on=on)
    return _xlsx(request, unit, groups, data, "kiem-tra-su-dung-von", on)


@login_required
@require_GET
def export_savings(request):
    start, end = _period(request)
    unit, groups, books = _books(request, start, end)
    data = exports.savings_xlsx(books, unit_name=unit.name, start=start, end=end)
    return _xlsx(request, unit, groups, data, "tiet-kiem", end)


@login_required
@require_GET
def export_reconciliation(request):
    start, end = _period(request)
    unit, groups, books = _books(request, start, end)
    data = exports.reconciliation_xlsx(books, unit_name=unit.name, start=start, end=end)
    return _xlsx(request, unit, groups, data, "doi-chieu", end)
