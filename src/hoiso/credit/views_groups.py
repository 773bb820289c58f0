"""The credit start page and the savings groups: list, create, edit, detail (members with their
savings and loans) and the group's members (add members of the unit's subtree, remove, set
the leader).

Who may see and do what (core.permissions.Action at the group's unit or above):
  VIEW            the start page and the list of groups (figures, no member named)
  VIEW_PERSONAL   a group's page, members, savings statements, loans (members are named)
  MANAGE_CREDIT   create/edit groups, their members, savings, applications, disbursements,
                  repayments
  APPROVE_CREDIT  approve/reject, reschedule, write off, reverse an entry
Records are fetched through the credit selectors: outside the reader's scope → 404.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.core.viewkit import submit
from hoiso.credit import forms, selectors, services
from hoiso.credit.models import Loan, Programme, SavingsGroup
from hoiso.members import selectors as member_selectors

# The meetings and reports pages (views_meetings / views_reports), linked once they exist.
REPORT_PAGES = [
    ("credit:portfolio", "bi-bar-chart", gettext_lazy("Portfolio by group and unit")),
    ("credit:par", "bi-exclamation-triangle", gettext_lazy("Overdue loans and PAR30")),
    ("credit:trial_balance", "bi-journal-check", gettext_lazy("Trial balance")),
    ("credit:commission", "bi-percent", gettext_lazy("Commission on entrusted programmes")),
    ("credit:period_close", "bi-lock", gettext_lazy("Close the books of a period")),
    ("credit:export_loan_use", "bi-file-earmark-excel", gettext_lazy("Loan-use check list")),
    ("credit:export_savings", "bi-file-earmark-excel", gettext_lazy("Savings list")),
    ("credit:export_reconciliation", "bi-file-earmark-excel", gettext_lazy("Reconciliation")),
]


def page_url(name: str, *args) -> str | None:
    """The URL of a credit page if it exists (the meetings pages come from another module)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def may(user, action: str, obj) -> bool:
    return user_can(user, action, obj.unit_path)


def today() -> datetime.date:
    return timezone.localdate()


def _current_unit(request):
    unit = request.get_current_unit()
    if unit is None or not user_can(request.user, Action.VIEW, unit.path):
        raise Http404
    return unit


# --- the start page and the list --------------------------------------------------------------


@login_required
@require_GET
def home(request):
    """The credit start page of the official's current unit: this month's figures, her
    groups, the applications waiting for approval and the reports."""
    unit = _current_unit(request)
    on = today()
    start = on.replace(day=1)
    figures = selectors.portfolio(user=request.user, unit=unit, start=start, end=on)
    by_group = dict(
        (g.pk, fig)
        for g, fig in selectors.portfolio_by_group(
            user=request.user, unit=unit, start=start, end=on
        )
    )
    groups = list(selectors.group_rows(user=request.user, unit=unit)[:11])
    for group in groups:
        group.figures = by_group.get(group.pk)
    queue = selectors.approval_queue(user=request.user, unit=unit)
    reports = [(url, icon, label) for name, icon, label in REPORT_PAGES
               if (url := page_url(name)) is not None]  # fmt: skip
    return render(request, "credit/home.html", {
        "unit": unit, "figures": figures, "groups": groups[:10], "more_groups": len(groups) > 10,
        "queue": list(queue[:5]), "queue_count": queue.count(), "reports": reports,
        "start": start, "on": on,
        "can_manage": user_can(request.user, Action.MANAGE_CREDIT, unit.path),
        "can_approve": user_can(request.user, Action.APPROVE_CREDIT, unit.path),
    })  # fmt: skip


@login_required
@require_GET
def group_list(request):
    """The groups of the current unit's subtree with their figures (no member named)."""
    unit = request.get_current_unit()
    query = request.GET.get("q", "")
    if unit is None or not user_can(request.user, Action.VIEW, unit.path):
        rows, by_group = SavingsGroup.objects.none(), {}
    else:
        rows = selectors.group_rows(user=request.user, unit=unit, query=query)
        on = today()
        by_group = {g.pk: fig for g, fig in selectors.portfolio_by_group(
            user=request.user, unit=unit, start=on.replace(day=1), end=on)}  # fmt: skip
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for group in page:
        group.figures = by_group.get(group.pk)
    return render(request, "credit/group_list.html", {
        "unit": unit, "page": page, "query": query,
        "can_create": unit is not None and user_can(request.user, Action.MANAGE_CREDIT, unit.path)
        and unit.kind in services.GROUP_UNIT_KINDS,
    })  # fmt: skip


# --- create, edit ------------------------------------------------------------------------------


def _programme_choices(user):
    return selectors.programmes(user=user).order_by("product", "code")


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request):
    unit = request.get_current_unit()
    if unit is None or not user_can(request.user, Action.MANAGE_CREDIT, unit.path):
        raise Http404
    if unit.kind not in services.GROUP_UNIT_KINDS:
        return render(request, "credit/group_form.html", {"unit": unit, "wrong_unit": True})
    form = forms.GroupForm(request.POST or None, programmes=_programme_choices(request.user),
                           initial={"programmes": selectors.programmes(user=request.user,
                                                                       product="savings")})  # fmt: skip
    group = submit(
        request, form,
        lambda d: services.group_create(actor=request.user, unit=unit, name=d["name"],
                                        meeting_day=d["meeting_day"], formed_on=d["formed_on"],
                                        programmes=list(d["programmes"])),
        _("The savings group has been created. Now add its members."),
    )  # fmt: skip
    if group:
        return redirect("credit:group_members", group.pk)
    return render(request, "credit/group_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request, pk):
    group = selectors.group_for(user=request.user, pk=pk, action=Action.MANAGE_CREDIT)
    form = forms.GroupForm(request.POST or None, programmes=_programme_choices(request.user),
                           editing=True,
                           initial={"name": group.name, "meeting_day": group.meeting_day,
                                    "programmes": list(group.programmes.all())})  # fmt: skip
    done = submit(
        request, form,
        lambda d: services.group_update(actor=request.user, group=group, name=d["name"],
                                        meeting_day=d["meeting_day"],
                                        programmes=list(d["programmes"])),
        _("The group has been saved."),
    )  # fmt: skip
    if done:
        return redirect("credit:group_detail", group.pk)
    return render(request, "credit/group_form.html",
                  {"form": form, "unit": group.unit, "group": group})  # fmt: skip


# --- a group's page ----------------------------------------------------------------------------

LIVE = (Loan.Status.APPLIED, Loan.Status.APPROVED, Loan.Status.ACTIVE)


def group_context(request, group: SavingsGroup, active: str) -> dict:
    """What the group's tabs need (the meetings pages may use it too)."""
    user = request.user
    return {
        "group": group, "active": active,
        "can_manage": may(user, Action.MANAGE_CREDIT, group),
        "can_approve": may(user, Action.APPROVE_CREDIT, group),
        "can_collect": may(user, Action.COLLECT_CREDIT, group),
        "meetings_url": page_url("credit:meeting_list", group.pk),
        "sheet_url": page_url("credit:sheet", group.pk),
        "collect_url": page_url("credit:collect", group.pk),
    }  # fmt: skip


@login_required
@require_GET
def group_detail(request, pk):
    """Members with their savings and loans, the leader, the meeting day, the programmes."""
    group = selectors.group_for(user=request.user, pk=pk, action=Action.VIEW_PERSONAL)
    memberships = list(selectors.group_members(group=group))
    accounts = list(selectors.savings_accounts(user=request.user, group=group)
                    .filter(status="open").order_by("kind", "pk"))  # fmt: skip
    loans = list(selectors.loans(user=request.user, group=group).order_by("-applied_on", "-pk"))
    saved, owed = selectors.group_balances(group=group)
    rows = {m.member_id: {"member": m.member, "joined_on": m.joined_on, "savings": [], "loans": []}
            for m in memberships}  # fmt: skip
    for acct in accounts:
        acct.ledger_balance = saved.get(acct.pk, 0)
        if acct.member_id in rows:
            rows[acct.member_id]["savings"].append(acct)
    for loan in loans:
        loan.ledger_outstanding = owed.get(loan.pk, 0)
        if loan.member_id in rows and loan.status in LIVE:
            rows[loan.member_id]["loans"].append(loan)
    totals = {
        "savings": sum(a.ledger_balance for a in accounts),
        "outstanding": sum(loan.ledger_outstanding for loan in loans),
        "loans": sum(1 for loan in loans if loan.status == Loan.Status.ACTIVE),
    }
    return render(request, "credit/group_detail.html", {
        **group_context(request, group, "detail"),
        "rows": list(rows.values()), "loans": loans, "totals": totals,
        "programmes": list(group.programmes.order_by("product", "code")),
        "leader": group.leader,
        "savings_products": [p for p in group.programmes.all() if p.product == Programme.Product.SAVINGS],
    })  # fmt: skip


# --- members -----------------------------------------------------------------------------------


def _member_action(request, group: SavingsGroup):
    """Add, remove or set the leader; returns the message of a refusal (or None)."""
    action = request.POST.get("action")
    pk = request.POST.get("member", "")
    if action not in ("add", "remove", "leader") or not pk.isdigit():
        raise Http404
    member = member_selectors.member_get(user=request.user, pk=int(pk))
    form = forms.JoinForm(request.POST)
    if not form.is_valid():
        return _("Enter a valid date.")
    on = form.cleaned_data["joined_on"]
    try:
        if action == "add":
            services.group_add_member(actor=request.user, group=group, member=member, joined_on=on)
            message = _("%(name)s has joined the group.")
        elif action == "remove":
            services.group_remove_member(actor=request.user, group=group, member=member, left_on=on)
            message = _("%(name)s has left the group.")
        else:
            services.group_set_leader(actor=request.user, group=group, member=member)
            message = _("%(name)s is now the group's leader.")
    except ServiceError as exc:
        return f"{member.full_name}: {exc}"
    messages.success(request, message % {"name": member.full_name})
    return None


@login_required
@require_http_methods(["GET", "POST"])
def group_members(request, pk):
    """The current members (remove, make leader) and a search of the unit's members to add
    (name without diacritics, phone, CCCD or member code — as on the members list)."""
    group = selectors.group_for(user=request.user, pk=pk, action=Action.MANAGE_CREDIT)
    refusal = None
    if request.method == "POST":
        refusal = _member_action(request, group)
        if refusal is None:
            query = request.POST.get("q", "")
            return redirect(reverse("credit:group_members", args=[group.pk])
                            + (f"?q={query}" if query else ""))  # fmt: skip
    memberships = list(selectors.group_members(group=group))
    query = (request.POST.get("q") or request.GET.get("q") or "").strip()
    candidates, more = [], False
    if query:
        found = member_selectors.members_search(user=request.user, query=query, unit=group.unit,
                                                filters={"status": "active"}).members  # fmt: skip
        found = list(found.exclude(pk__in=[m.member_id for m in memberships])
                     .select_related("unit")[:21])  # fmt: skip
        candidates, more = found[:20], len(found) > 20
    return render(request, "credit/group_members.html", {
        **group_context(request, group, "members"),
        "memberships": memberships, "query": query, "candidates": candidates, "more": more,
        "refusal": refusal, "today": today(), "full": len(memberships) >= SavingsGroup.MAX_MEMBERS,
    })  # fmt: skip
