"""Loan pages: the application (with a preview of its schedule before anything is saved), the
approval queue, approve/reject by an official other than the maker, disbursement, repayment,
early repayment (the exact payoff), rescheduling, write-off, the reversal of a mistaken entry,
and the loan's page (schedule versions, statement, days overdue).

Reads need VIEW_PERSONAL; application, disbursement and repayments MANAGE_CREDIT; approval,
rejection, rescheduling, write-off and reversals APPROVE_CREDIT (see views_groups)."""

from __future__ import annotations

from dataclasses import asdict
from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.viewkit import submit
from hoiso.credit import forms, schedules, selectors, services
from hoiso.credit.ledger import vnd
from hoiso.credit.models import JournalEntry, Loan, Programme
from hoiso.credit.views_groups import group_context, may, today

Status = Loan.Status


# --- application -------------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised inside a transaction to roll back a service call made only to check input."""


def _check_application(request, group, data) -> Loan:
    """The service's own checks on the application, then everything rolled back: the preview
    refuses exactly what saving would refuse, and writes nothing."""
    try:
        with transaction.atomic():
            loan = services.loan_apply(actor=request.user, group=group, member=data["member"],
                                       programme=data["programme"], amount=data["amount"],
                                       term_months=data["term_months"],
                                       applied_on=data["applied_on"], purpose=data["purpose"])  # fmt: skip
            raise _DryRun(loan)
    except _DryRun as done:
        return done.args[0]


def preview_rows(loan: Loan, start, due_day: int) -> list[schedules.Row]:
    return schedules.build(amount=loan.amount, months=loan.term_months,
                           monthly_rate=loan.monthly_rate, start=start, method=loan.method,
                           grace_months=loan.grace_months, day_count=loan.day_count,
                           due_day=due_day)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def loan_apply(request, pk):
    """The application: member, programme (its rate, term limits and schedule kind shown),
    amount, term. "Preview" shows the schedule it would have; "Save" enters it for approval."""
    group = selectors.group_for(user=request.user, pk=pk, action=Action.MANAGE_CREDIT)
    members = selectors.group_member_records(group=group)
    programmes = selectors.group_programmes(group=group, product=Programme.Product.LOAN)
    initial = {}
    if str(request.GET.get("member", "")).isdigit():
        initial["member"] = members.filter(pk=request.GET["member"]).first()
    form = forms.LoanApplyForm(request.POST or None, members=members, programmes=programmes,
                               initial=initial)  # fmt: skip
    preview = None
    if request.method == "POST" and "preview" in request.POST:
        if form.is_valid():
            try:
                loan = _check_application(request, group, form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                rows = preview_rows(loan, form.cleaned_data["applied_on"], group.meeting_day)
                preview = {"loan": loan, "rows": rows,
                           "principal": sum(r.principal for r in rows),
                           "interest": sum(r.interest for r in rows)}  # fmt: skip
    else:
        loan = submit(
            request, form,
            lambda d: services.loan_apply(actor=request.user, group=group, member=d["member"],
                                          programme=d["programme"], amount=d["amount"],
                                          term_months=d["term_months"], applied_on=d["applied_on"],
                                          purpose=d["purpose"]),
            lambda loan: _("Application %(number)s has been entered; another official must approve it.")
            % {"number": loan.number},
        )  # fmt: skip
        if loan:
            return redirect("credit:loan_detail", loan.pk)
    return render(request, "credit/loan_apply.html", {
        **group_context(request, group, "apply"), "form": form, "preview": preview,
        "programmes": list(programmes), "no_members": not members.exists(),
    })  # fmt: skip


def _dues(loan: Loan, on) -> dict | None:
    """What falls due by `on` (with `due`: principal + interest + penalty due) and `owed`, the
    most a payment repays before it is an overpayment; None unless the loan is running."""
    if loan.status != Status.ACTIVE:
        return None
    dues = selectors.loan_dues(loan=loan, on=on)
    return {**dues, "due": dues["principal"] + dues["interest"] + dues["penalty"]}


# --- the loan's page ---------------------------------------------------------------------------


@login_required
@require_GET
def loan_detail(request, pk):
    loan = selectors.loan_for(user=request.user, pk=pk, action=Action.VIEW_PERSONAL)
    on = today()
    disbursed = loan.status in (Status.ACTIVE, Status.CLOSED, Status.WRITTEN_OFF)
    labels = dict(JournalEntry.Kind.choices)
    statement = [SimpleNamespace(**asdict(row), label=labels.get(row.kind, row.kind))
                 for row in (selectors.loan_statement(loan=loan) if disbursed else [])]  # fmt: skip
    reversible = {JournalEntry.Kind.REPAYMENT, JournalEntry.Kind.DISBURSEMENT}
    reversed_ids = selectors.reversed_entry_ids(entry_ids=[r.entry_id for r in statement])
    versions = selectors.loan_schedule_versions(loan=loan) if disbursed else {}
    user = request.user
    return render(request, "credit/loan_detail.html", {
        "loan": loan, "group": loan.group, "on": on,
        "schedule": selectors.loan_schedule(loan=loan) if disbursed else [],
        "versions": sorted(versions.items(), reverse=True),
        "statement": statement, "reversed_ids": reversed_ids, "reversible": reversible,
        "dues": _dues(loan, on),
        "arrears": selectors.loan_arrears(loan=loan, on=on) if loan.status == Status.ACTIVE else None,
        "can_manage": may(user, Action.MANAGE_CREDIT, loan),
        "can_approve": may(user, Action.APPROVE_CREDIT, loan),
        "is_maker": loan.entered_by_id == user.pk,
    })  # fmt: skip


# --- approval ----------------------------------------------------------------------------------


@login_required
@require_GET
def approvals(request):
    """The applications waiting for approval that the official may decide."""
    queue = list(selectors.approval_queue(user=request.user))
    own = any(loan.entered_by_id == request.user.pk for loan in queue)
    return render(request, "credit/approval_list.html",
                  {"queue": queue, "user_pk": request.user.pk, "own": own})  # fmt: skip


def _loan_page(request, loan, template, form, **extra):
    return render(request, template, {"loan": loan, "group": loan.group, "form": form,
                                      "on": today(), **extra})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def loan_approve(request, pk):
    """Approve an application. Its maker cannot: the page says why and offers no button (the
    service refuses it too)."""
    loan = selectors.loan_for(user=request.user, pk=pk, action=Action.APPROVE_CREDIT)
    form = forms.DayForm(request.POST or None)
    done = submit(request, form,
                  lambda d: services.loan_approve(actor=request.user, loan=loan, on=d["on"]),
                  _("The loan has been approved; it can now be disbursed."))  # fmt: skip
    if done:
        return redirect("credit:loan_detail", loan.pk)
    return _loan_page(request, loan, "credit/loan_approve.html", form,
                      is_maker=loan.entered_by_id == request.user.pk,
                      reject_form=forms.ReasonForm())  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def loan_reject(request, pk):
    loan = selectors.loan_for(user=request.user, pk=pk, action=Action.APPROVE_CREDIT)
    form = forms.ReasonForm(request.POST or None)
    done = submit(request, form,
                  lambda d: services.loan_reject(actor=request.user, loan=loan, reason=d["reason"]),
                  _("The application has been rejected."))  # fmt: skip
    if done:
        return redirect("credit:loan_detail", loan.pk)
    return _loan_page(request, loan, "credit/loan_action.html", form,
                      title=_("Reject the application"), icon="x-circle", danger=True,
                      button=_("Reject"))  # fmt: skip


# --- money -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def loan_disburse(request, pk):
    """Pay out an approved loan; its schedule starts on the day (shown before confirming)."""
    loan = selectors.loan_for(user=request.user, pk=pk, action=Action.MANAGE_CREDIT)
    form = forms.DayForm(request.POST or None)
    done = submit(request, form,
                  lambda d: services.loan_disburse(actor=request.user, loan=loan, on=d["on"]),
                  lambda e: _("%(amount)s has been disbursed to %(name)s.")
                  % {"amount": vnd(loan.amount), "name": loan.member.full_name})  # fmt: skip
    if done:
        return redirect("credit:loan_detail", loan.pk)
    rows = []
    if loan.status == Status.APPROVED:
        start = form.cleaned_data["on"] if form.is_bound and form.is_valid() else today()
        rows = preview_rows(loan, start, loan.group.meeting_day)
    return _loan_page(request, loan, "credit/loan_disburse.html", form, rows=rows)


@login_required
@require_http_methods(["GET", "POST"])
def loan_repay(request, pk):
    """A repayment: what is due today is shown; the payment is allocated by the programme's
    order, oldest instalment first; beyond what is owed it is held or refused."""
    loan = selectors.loan_for(user=request.user, pk=pk, action=Action.MANAGE_CREDIT)
    form = forms.AmountForm(request.POST or None)
    done = submit(request, form,
                  lambda d: services.loan_repay(actor=request.user, loan=loan, amount=d["amount"],
                                                on=d["on"], memo=d["memo"]),
                  lambda e: _("The repayment of %(amount)s has been posted.")
                  % {"amount": vnd(form.cleaned_data["amount"])})  # fmt: skip
    if done:
        return redirect("credit:loan_detail", loan.pk)
    dues = _dues(loan, today())
    if dues and dues["due"] and not form.is_bound:  # prefilled with what is due today
        form = forms.AmountForm(initial={"amount": f"{dues['due']:,}".replace(",", ".")})
    return _loan_page(request, loan, "credit/loan_repay.html", form, dues=dues)


@login_required
@require_http_methods(["GET", "POST"])
def loan_early(request, pk):
    """Repay the whole loan now: the exact amount due on the chosen day (principal, interest
    due, the broken period's interest, penalty) is shown and must be paid."""
    loan = selectors.loan_for(user=request.user, pk=pk, action=Action.MANAGE_CREDIT)
    on = today()
    day_form = forms.DayForm(request.GET or None)
    if day_form.is_bound and day_form.is_valid():
        on = day_form.cleaned_data["on"]
    form = forms.EarlyRepaymentForm(request.POST or None)
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["on"]
    done = submit(request, form,
                  lambda d: services.loan_repay_early(actor=request.user, loan=loan, on=d["on"],
                                                      amount=d["amount"]),
                  _("The loan has been repaid in full and closed."))  # fmt: skip
    if done:
        return redirect("credit:loan_detail", loan.pk)
    payoff = services.payoff(loan, on) if loan.status == Status.ACTIVE else None
    if payoff and not form.is_bound:
        form = forms.EarlyRepaymentForm(
            initial={"on": on, "amount": f"{payoff['total']:,}".replace(",", ".")}
        )
    return _loan_page(request, loan, "credit/loan_early.html", form, payoff=payoff,
                      payoff_on=on, day_form=forms.DayForm(initial={"on": on}))  # fmt: skip


# --- changes by the checker --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def loan_reschedule(request, pk):
    loan = selectors.loan_for(user=request.user, pk=pk, action=Action.APPROVE_CREDIT)
    form = forms.RescheduleForm(request.POST or None)
    done = submit(request, form,
                  lambda d: services.loan_reschedule(actor=request.user, loan=loan, on=d["on"],
                                                     term_months=d["term_months"],
                                                     reason=d["reason"]),
                  lambda s: _("The loan has been rescheduled (schedule version %(version)d).")
                  % {"version": s.version})  # fmt: skip
    if done:
        return redirect("credit:loan_detail", loan.pk)
    dues = _dues(loan, today())
    return _loan_page(request, loan, "credit/loan_action.html", form, dues=dues,
                      title=_("Reschedule the loan"), icon="calendar2-week",
                      button=_("Reschedule"),
                      explain=_("The principal outstanding is scheduled anew over the new term from "
                                "the chosen day; interest and penalty due must be paid first. The "
                                "earlier schedule is kept."))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def loan_writeoff(request, pk):
    loan = selectors.loan_for(user=request.user, pk=pk, action=Action.APPROVE_CREDIT)
    form = forms.DatedReasonForm(request.POST or None)
    done = submit(request, form,
                  lambda d: services.loan_write_off(actor=request.user, loan=loan, on=d["on"],
                                                    reason=d["reason"]),
                  _("The loan has been written off."))  # fmt: skip
    if done:
        return redirect("credit:loan_detail", loan.pk)
    dues = _dues(loan, today())
    return _loan_page(request, loan, "credit/loan_action.html", form, dues=dues,
                      title=_("Write off the loan"), icon="trash", danger=True,
                      button=_("Write off"),
                      explain=_("What the loan still owes (principal, interest and penalty "
                                "accrued) is written off as a loss. This cannot be reversed."))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def loan_close(request, pk):
    """Close a running loan that owes nothing (a repayment closes a loan itself; this is for one
    left open, e.g. after a reversal of a reversal was posted again)."""
    loan = selectors.loan_for(user=request.user, pk=pk, action=Action.MANAGE_CREDIT)
    form = forms.DayForm(request.POST or None)
    done = submit(request, form,
                  lambda d: services.loan_close(actor=request.user, loan=loan, on=d["on"]),
                  _("The loan has been closed."))  # fmt: skip
    if done:
        return redirect("credit:loan_detail", loan.pk)
    return _loan_page(request, loan, "credit/loan_action.html", form, dues=_dues(loan, today()),
                      title=_("Close the loan"), icon="lock", button=_("Close the loan"),
                      explain=_("A loan is closed when it owes nothing: no principal, interest "
                                "or penalty. Nothing can be posted to a closed loan."))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def entry_reverse(request, pk):
    """Undo a mistaken repayment, deposit, withdrawal or disbursement: a new entry with every
    posting negated, linked to the original, which stays."""
    entry = selectors.entry_for(user=request.user, pk=pk, action=Action.APPROVE_CREDIT)
    back = ("credit:loan_detail", entry.loan_id) if entry.loan_id else (
        "credit:savings_detail", entry.savings_account_id)  # fmt: skip
    form = forms.DatedReasonForm(request.POST or None)
    done = submit(request, form,
                  lambda d: services.entry_reverse(actor=request.user, entry=entry, on=d["on"],
                                                   reason=d["reason"]),
                  _("The entry has been reversed."))  # fmt: skip
    if done and back[1]:
        return redirect(*back)
    if done:
        return redirect("credit:home")
    return render(request, "credit/loan_reverse.html", {
        "entry": entry, "form": form, "lines": selectors.entry_lines(entry=entry),
        "back": back if back[1] else None,
        "already": selectors.reversed_entry_ids(entry_ids=[entry.pk]),
    })  # fmt: skip
