"""Savings pages: open a compulsory or voluntary account for a group member, the statement with
its running balance, deposits (at least the product's minimum, 5.000 đ), withdrawals (never
beyond the balance) and closing an account paid out. Reads need VIEW_PERSONAL, writes
MANAGE_CREDIT (see views_groups)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hoiso.core.permissions import Action
from hoiso.core.viewkit import submit
from hoiso.credit import forms, selectors, services
from hoiso.credit.ledger import vnd
from hoiso.credit.models import Programme
from hoiso.credit.views_groups import group_context, may


@login_required
@require_http_methods(["GET", "POST"])
def savings_open(request, pk):
    group = selectors.group_for(user=request.user, pk=pk, action=Action.MANAGE_CREDIT)
    members = selectors.group_member_records(group=group)
    products = selectors.group_programmes(group=group, product=Programme.Product.SAVINGS)
    initial = {}
    if str(request.GET.get("member", "")).isdigit():
        initial["member"] = members.filter(pk=request.GET["member"]).first()
    form = forms.SavingsOpenForm(request.POST or None, members=members, products=products,
                                 initial=initial)  # fmt: skip
    account = submit(
        request, form,
        lambda d: services.savings_open(actor=request.user, group=group, member=d["member"],
                                        product=d["product"], opened_on=d["opened_on"]),
        lambda a: _("Savings account %(number)s has been opened.") % {"number": a.number},
    )  # fmt: skip
    if account:
        return redirect("credit:savings_detail", account.pk)
    return render(request, "credit/savings_open.html", {
        **group_context(request, group, "savings"), "form": form,
        "no_products": not products.exists(), "no_members": not members.exists(),
    })  # fmt: skip


@login_required
@require_GET
def savings_detail(request, pk):
    """The statement: every deposit and withdrawal with the running balance, from the ledger."""
    account = selectors.savings_account_for(user=request.user, pk=pk, action=Action.VIEW_PERSONAL)
    _opening, rows = selectors.savings_statement(account=account)
    reversed_ids = selectors.reversed_entry_ids(entry_ids=[r.entry_id for r in rows])
    balance = rows[-1].balance if rows else 0
    return render(request, "credit/savings_detail.html", {
        "account": account, "group": account.group, "rows": rows, "balance": balance,
        "reversed_ids": reversed_ids,
        "total_in": sum(r.amount_in for r in rows), "total_out": sum(r.amount_out for r in rows),
        "can_manage": may(request.user, Action.MANAGE_CREDIT, account) and account.status == "open",
        "can_approve": may(request.user, Action.APPROVE_CREDIT, account),
    })  # fmt: skip


def _money_form(request, pk, *, write, title: str, success: str, template_extra: dict):
    account = selectors.savings_account_for(user=request.user, pk=pk, action=Action.MANAGE_CREDIT)
    form = forms.AmountForm(request.POST or None)
    done = submit(
        request, form,
        lambda d: write(actor=request.user, account=account, amount=d["amount"], on=d["on"],
                        memo=d["memo"]),
        lambda _entry: success % {"amount": vnd(form.cleaned_data["amount"])},
    )  # fmt: skip
    if done:
        return redirect("credit:savings_detail", account.pk)
    return render(request, "credit/savings_form.html", {
        "account": account, "group": account.group, "form": form, "title": title,
        "balance": selectors.savings_balance(account=account), **template_extra,
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def savings_deposit(request, pk):
    return _money_form(request, pk, write=services.savings_deposit, title=_("Savings deposit"),
                       success=_("The deposit of %(amount)s has been posted."),
                       template_extra={"kind": "deposit"})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def savings_withdraw(request, pk):
    return _money_form(request, pk, write=services.savings_withdraw,
                       title=_("Savings withdrawal"),
                       success=_("The withdrawal of %(amount)s has been posted."),
                       template_extra={"kind": "withdrawal"})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def savings_close(request, pk):
    """Close an account whose balance has been paid out: nothing can be posted to it after."""
    account = selectors.savings_account_for(user=request.user, pk=pk, action=Action.MANAGE_CREDIT)
    form = forms.DayForm(request.POST or None)
    done = submit(
        request, form,
        lambda d: services.savings_close(actor=request.user, account=account, on=d["on"]),
        _("Savings account %(number)s has been closed.") % {"number": account.number},
    )  # fmt: skip
    if done:
        return redirect("credit:savings_detail", account.pk)
    return render(request, "credit/savings_form.html", {
        "account": account, "group": account.group, "form": form,
        "title": _("Close the savings account"), "kind": "close",
        "balance": selectors.savings_balance(account=account),
    })  # fmt: skip
