"""The credit rows of the authorisation matrix (tests/test_authorization_matrix.py): the
groups, savings and loan pages here, the meetings and reports pages in matrix_meetings.py.

Targets in commune A (Hội LHPN phường Ninh Kiều, xa_officer's), on top of the meetings world
(a group of A with two members of branch a1, a disbursed loan, a compulsory savings account):
a deposit on that account and a repayment of the loan (the entry to reverse), an application
entered by a credit officer of A (so that both xa_officer and tinh_admin are checkers, not
its maker), an approved loan waiting for disbursement, and a loan disbursed today (nothing
due yet: it can be rescheduled) to the borrower of the first (so that the compulsory savings
of the applicant can still be withdrawn).

Who gets what, at the group's unit (else 404):
  VIEW            the start page and the list of groups (each persona her current unit's;
                  nothing of A for the sibling and the branch leader of a1)
  VIEW_PERSONAL   a group's page, savings statements, loans
  MANAGE_CREDIT   group create/edit/members, savings open/deposit/withdraw/close, application,
                  disbursement, repayment, early repayment, closing a loan that owes nothing
  APPROVE_CREDIT  the approval queue's decisions, reject, reschedule, write off, reverse
The approval queue is a list: everyone signed in gets 200, with only what she may decide."""

from __future__ import annotations

import datetime

from django.urls import reverse

from tests.credit import matrix_meetings
from tests.credit.matrix_meetings import BORROWER, GROUP_OF_A, credit_meetings_world

APPLICANT = "Lý Thị Tín"  # member of a1 in the group; her application waits for approval
OWN_UNIT = {"xa_officer_other": 200, "chi_hoi_leader": 200}  # a page of her current unit
LIST = {"member": 200, "xa_officer_other": 200, "chi_hoi_leader": 200}


def _today() -> str:
    return datetime.date.today().isoformat()


def pages_world(w) -> dict:
    """Built once per test (cached on the world)."""
    cached = getattr(w, "_credit_pages", None)
    if cached is not None:
        return cached
    from hoiso.credit import services
    from hoiso.credit.models import Programme
    from tests.helpers import make_user

    made = dict(credit_meetings_world(w))
    group, loan, account = made["group"], made["loan"], made["account"]
    xa, admin = w.users["xa_officer"], w.users["tinh_admin"]
    maker = make_user(
        "can_bo_tin_dung_a", full_name="Huỳnh Thị Nga", role="credit_officer", unit=w.tree.a
    )
    hn = Programme.objects.get(code="HN")
    services.savings_deposit(
        actor=xa, account=account, amount=100_000, on=datetime.date(2025, 1, 15)
    )
    made["repayment"] = services.loan_repay(actor=xa, loan=loan, amount=500_000,
                                            on=datetime.date(2025, 2, 10))  # fmt: skip
    applicant = account.member
    made["applied"] = services.loan_apply(actor=maker, group=group, member=applicant, programme=hn,
                                          amount=3_000_000, term_months=12,
                                          applied_on=datetime.date(2025, 3, 1))  # fmt: skip
    made["approved"] = services.loan_apply(actor=maker, group=group, member=applicant, programme=hn,
                                           amount=2_000_000, term_months=12,
                                           applied_on=datetime.date(2025, 3, 1))  # fmt: skip
    services.loan_approve(actor=admin, loan=made["approved"], on=datetime.date(2025, 3, 2))
    fresh = services.loan_apply(actor=maker, group=group, member=loan.member, programme=hn,
                                amount=4_000_000, term_months=12, applied_on=datetime.date(2025, 3, 1))  # fmt: skip
    services.loan_approve(actor=admin, loan=fresh, on=datetime.date(2025, 3, 2))
    services.loan_disburse(actor=xa, loan=fresh, on=datetime.date.today())
    made["fresh"] = fresh
    group.programmes.add(Programme.objects.get(code="TKTN"))  # voluntary savings too
    made["empty_account"] = services.savings_open(  # nothing paid in: it can be closed
        actor=xa,
        group=group,
        member=applicant,
        product=Programme.objects.get(code="TKTN"),
        opened_on=datetime.date(2025, 3, 1),
    )
    w._credit_pages = made
    return made


def with_snapshot(snapshot):
    """db_snapshot with every row the pages write (the meetings' rows and the ledger too)."""

    def taken() -> dict:
        from tests.credit.pages_helpers import credit_rows

        found = snapshot()
        found["credit_pages"] = credit_rows()
        return found

    return taken


def _url(name, key):
    return lambda w: reverse(name, args=[pages_world(w)[key].pk])


def _listed(name):
    return lambda w: pages_world(w) and reverse(name)


def _group_form(w) -> dict:
    from hoiso.credit.models import Programme

    return {"name": "Tổ tiết kiệm mới", "meeting_day": "12", "formed_on": _today(),
            "programmes": [Programme.objects.get(code="HN").pk]}  # fmt: skip


def _created_here(response, persona, w):
    from hoiso.credit.models import SavingsGroup

    made = SavingsGroup.objects.filter(name="Tổ tiết kiệm mới").first()
    home = {"xa_officer": "a", "xa_officer_other": "b"}  # the province admin: not at a province
    assert (made and made.unit_id) == (w.tree.pks[home[persona]] if persona in home else None)


def _edit_form(w) -> dict:
    group = pages_world(w)["group"]
    return {"name": f"{GROUP_OF_A} (sửa)", "meeting_day": "11",
            "programmes": [p.pk for p in group.programmes.all()]}  # fmt: skip


def _add_member(w) -> dict:
    pages_world(w)
    return {"action": "add", "member": w.members["a2"].pk, "joined_on": _today()}


def _open_savings(w) -> dict:
    from hoiso.credit.models import GroupMembership, Programme

    group = pages_world(w)["group"]
    borrower = GroupMembership.objects.get(group=group, member__full_name=BORROWER).member
    return {"member": borrower.pk, "product": Programme.objects.get(code="TKBB").pk,
            "opened_on": _today()}  # fmt: skip


def _application(w) -> dict:
    made = pages_world(w)
    return {"member": made["account"].member_id, "programme": made["loan"].programme_id,
            "amount": "1.500.000", "term_months": "12", "applied_on": _today(), "purpose": "Nuôi gà",
            "save": "1"}  # fmt: skip


def _payoff(w) -> dict:
    from hoiso.credit import services

    loan = pages_world(w)["loan"]
    total = services.payoff(loan, datetime.date.today())["total"]
    return {"on": _today(), "amount": str(total)}


def specs() -> list:
    from tests.test_authorization_matrix import Spec

    money = lambda w: {"amount": "50.000", "on": _today(), "memo": ""}  # noqa: E731
    day = lambda w: {"on": _today()}  # noqa: E731
    reason = lambda w: {"on": _today(), "reason": "Nhập nhầm"}  # noqa: E731
    return [
        Spec("credit:home", _listed("credit:home"), expect=OWN_UNIT, hidden=lambda w: [GROUP_OF_A]),
        Spec("credit:group_list", _listed("credit:group_list"), expect=LIST,
             hidden=lambda w: [GROUP_OF_A]),
        # creating a group: in the current unit (the sibling's own commune; the province admin
        # is told a group belongs to a commune or branch)
        Spec("credit:group_create", lambda w: reverse("credit:group_create"),
             expect={"xa_officer_other": 200}),
        Spec("credit:group_create", _listed("credit:group_create"), method="post", writes=True,
             data=_group_form, expect={"xa_officer_other": 302, "tinh_admin": 200},
             refused=("tinh_admin",), check=_created_here),
        Spec("credit:group_detail", _url("credit:group_detail", "group")),
        Spec("credit:group_edit", _url("credit:group_edit", "group")),
        Spec("credit:group_edit", _url("credit:group_edit", "group"), method="post", writes=True,
             data=_edit_form),
        Spec("credit:group_members", _url("credit:group_members", "group")),
        Spec("credit:group_members", _url("credit:group_members", "group"), method="post",
             writes=True, data=_add_member),
        Spec("credit:savings_open", _url("credit:savings_open", "group")),
        Spec("credit:savings_open", _url("credit:savings_open", "group"), method="post",
             writes=True, data=_open_savings),
        Spec("credit:savings_detail", _url("credit:savings_detail", "account")),
        Spec("credit:savings_deposit", _url("credit:savings_deposit", "account")),
        Spec("credit:savings_deposit", _url("credit:savings_deposit", "account"), method="post",
             writes=True, data=money),
        Spec("credit:savings_withdraw", _url("credit:savings_withdraw", "account")),
        Spec("credit:savings_withdraw", _url("credit:savings_withdraw", "account"), method="post",
             writes=True, data=money),
        Spec("credit:savings_close", _url("credit:savings_close", "empty_account")),
        Spec("credit:savings_close", _url("credit:savings_close", "empty_account"), method="post",
             writes=True, data=day),
        Spec("credit:savings_close", _url("credit:savings_close", "account"), method="post",
             data=day, label="with a balance", refused=("xa_officer", "tinh_admin")),
        Spec("credit:loan_apply", _url("credit:loan_apply", "group")),
        Spec("credit:loan_apply", _url("credit:loan_apply", "group"), method="post", writes=True,
             data=_application),
        Spec("credit:loan_detail", _url("credit:loan_detail", "loan")),
        Spec("credit:approvals", _listed("credit:approvals"), expect=LIST,
             hidden=lambda w: [APPLICANT]),
        Spec("credit:loan_approve", _url("credit:loan_approve", "applied")),
        Spec("credit:loan_approve", _url("credit:loan_approve", "applied"), method="post",
             writes=True, data=day),
        Spec("credit:loan_reject", _url("credit:loan_reject", "applied")),
        Spec("credit:loan_reject", _url("credit:loan_reject", "applied"), method="post",
             writes=True, data=lambda w: {"reason": "Chưa đủ điều kiện"}),
        Spec("credit:loan_disburse", _url("credit:loan_disburse", "approved")),
        Spec("credit:loan_disburse", _url("credit:loan_disburse", "approved"), method="post",
             writes=True, data=day),
        Spec("credit:loan_repay", _url("credit:loan_repay", "loan")),
        Spec("credit:loan_repay", _url("credit:loan_repay", "loan"), method="post", writes=True,
             data=money),
        Spec("credit:loan_early", _url("credit:loan_early", "loan")),
        Spec("credit:loan_early", _url("credit:loan_early", "loan"), method="post", writes=True,
             data=_payoff),
        Spec("credit:loan_reschedule", _url("credit:loan_reschedule", "fresh")),
        Spec("credit:loan_reschedule", _url("credit:loan_reschedule", "fresh"), method="post",
             writes=True, data=lambda w: {"on": _today(), "term_months": "6", "reason": "Mất mùa"}),
        Spec("credit:loan_writeoff", _url("credit:loan_writeoff", "loan")),
        Spec("credit:loan_writeoff", _url("credit:loan_writeoff", "loan"), method="post",
             writes=True, data=reason),
        Spec("credit:loan_close", _url("credit:loan_close", "loan")),
        Spec("credit:loan_close", _url("credit:loan_close", "loan"), method="post", data=day,
             label="still owing", refused=("xa_officer", "tinh_admin")),
        Spec("credit:entry_reverse", _url("credit:entry_reverse", "repayment")),
        Spec("credit:entry_reverse", _url("credit:entry_reverse", "repayment"), method="post",
             writes=True, data=reason),
    ]  # fmt: skip


def extend(specs_list: list, snapshot):
    """The one line in tests/test_authorization_matrix.py: SPECS and db_snapshot with ours and
    the meetings and reports rows."""
    return (specs_list + specs() + matrix_meetings.specs(),
            with_snapshot(matrix_meetings.with_snapshot(snapshot)))  # fmt: skip
