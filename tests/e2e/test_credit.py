"""Savings and credit as officials walk it on the Vietnamese UI (issue 6, "Done when"): a commune
officer creates a savings group, finds its members by name without diacritics, opens savings
(a 4.000 đ deposit refused, nothing posted), enters a loan after previewing its schedule and
cannot approve it herself; a credit officer — the second official — approves it and the
disbursement posts; the meeting's collection sheet is printed (PDF) and its collections are
entered once (the same form sent again posts nothing); the member paid nothing, her first
instalment goes more than 30 days overdue and shows in PAR30; a mistaken repayment is reversed,
and the trial balance still balances — on a computer and on a 360 px phone."""

from __future__ import annotations

import datetime
import re

import pytest

from tests.e2e.conftest import PC

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _vi(message: str, **params) -> str:
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


@pytest.fixture
def second_page(e2e_browser, live_server):
    """A second browser, for the checker (each official stays signed in in her own)."""
    from tests.e2e.conftest import _CSP_LISTENER, E2EPage

    context = e2e_browser.new_context(locale="vi-VN", viewport=PC, timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(10_000)
    context.add_init_script(_CSP_LISTENER)
    page = context.new_page()
    wrapper = E2EPage(page=page, base_url=live_server.url)
    page.on("pageerror", lambda exc: wrapper.problems.append(f"page error on {page.url}: {exc}"))
    page.on("console", lambda m: m.type == "error" and "favicon" not in (m.location or {}).get("url", "")
            and wrapper.problems.append(f"console error on {page.url}: {m.text}"))  # fmt: skip
    page.on(
        "response",
        lambda r: r.status >= 500 and wrapper.problems.append(f"HTTP {r.status} {r.url}"),
    )
    yield wrapper
    context.close()


def _setup(e2e_org, e2e_make_user):
    from hoiso.credit.programmes import seed_programmes
    from tests.members.helpers import admit

    seed_programmes()  # a transactional test empties the tables their migration filled
    admin = e2e_make_user("province_admin", e2e_org.p, full_name="Trần Thị Hồng")
    officer = e2e_make_user("commune_officer", e2e_org.nk, full_name="Nguyễn Thị Lan")
    checker = e2e_make_user("credit_officer", e2e_org.nk, full_name="Huỳnh Thị Nga")
    for name in ("Nguyễn Thị Hòa", "Trần Thị Bình", "Lê Thị Cúc"):
        admit(admin, e2e_org.nk1, full_name=name, joined_on=datetime.date(2023, 3, 1))
    return officer, checker


def _add_member(ep, search: str, name: str, joined: datetime.date) -> None:
    page = ep.page
    page.fill("input[name=q]", search)
    page.locator("main form[role=search] button").click()
    page.wait_for_load_state()
    row = page.locator("main li.list-group-item", has_text=name)
    row.locator("input[name=joined_on]").fill(joined.isoformat())
    row.locator("button.btn-primary").click()
    page.wait_for_load_state()
    assert _vi("%(name)s has joined the group.", name=name) in page.locator("main").inner_text()


def test_group_savings_loan_meeting_overdue_reversal_and_books(
    e2e_page, second_page, e2e_org, e2e_make_user, e2e_sign_in
):
    from hoiso.credit import selectors
    from hoiso.credit.models import (
        CollectionSubmission,
        JournalEntry,
        Loan,
        SavingsAccount,
        SavingsGroup,
    )
    from hoiso.credit.schedules import add_months

    officer, checker = _setup(e2e_org, e2e_make_user)
    ep, page = e2e_page, e2e_page.page
    today = datetime.date.today()
    disbursed = today - datetime.timedelta(days=100)
    applied, approved = (
        disbursed - datetime.timedelta(days=4),
        disbursed - datetime.timedelta(days=2),
    )
    joined = disbursed - datetime.timedelta(days=30)
    first_due = add_months(disbursed, 1, 10)  # the group meets on the 10th

    # --- the officer creates the group ------------------------------------------------------
    e2e_sign_in(ep, officer)
    page.locator("#hs-sidebar a[href='/tin-dung/']").click()
    page.wait_for_url(re.compile(r"/tin-dung/$"))
    ep.assert_page_ok()
    page.locator("main a[href='/tin-dung/to/moi/']").first.click()
    page.wait_for_url(re.compile(r"/tin-dung/to/moi/$"))
    page.fill("input[name=name]", "Tổ TK&VV Khu vực 1")
    page.fill("input[name=meeting_day]", "10")
    page.fill("input[name=formed_on]", (joined - datetime.timedelta(days=10)).isoformat())
    from hoiso.credit.models import Programme

    for code in ("HN", "TKBB"):
        page.locator(
            f"input[name=programmes][value='{Programme.objects.get(code=code).pk}']"
        ).check()
    ep.shoot("credit-group-create")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/tin-dung/to/\d+/thanh-vien/$"))
    group = SavingsGroup.objects.get()
    assert group.unit_id == e2e_org.pks["nk"]

    # members found by name typed without diacritics, the first made leader
    _add_member(ep, "nguyen thi hoa", "Nguyễn Thị Hòa", joined)
    _add_member(ep, "tran binh", "Trần Thị Bình", joined)
    page.locator("main li.list-group-item", has_text="Nguyễn Thị Hòa").locator(
        "form:has(input[value=leader]) button").click()  # fmt: skip
    page.wait_for_load_state()
    group.refresh_from_db()
    hoa = group.leader
    assert hoa.full_name == "Nguyễn Thị Hòa"
    ep.assert_page_ok()
    ep.shoot("credit-group-members")

    # --- savings: open, a deposit below the minimum refused, a good one -----------------------
    ep.goto(f"/tin-dung/to/{group.pk}/mo-tiet-kiem/")
    page.select_option("select[name=member]", str(hoa.pk))
    page.fill("input[name=opened_on]", joined.isoformat())
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/tin-dung/tiet-kiem/\d+/$"))
    account = SavingsAccount.objects.get()
    page.locator(f"main a[href='/tin-dung/tiet-kiem/{account.pk}/gui/']").click()
    page.fill("input[name=amount]", "4.000")
    page.fill("input[name=on]", joined.isoformat())
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state()
    assert (
        _vi("A deposit is at least %(min)s.", min="10.000 đ")
        in page.locator("main .alert-danger").inner_text()
    )
    assert not JournalEntry.objects.exists()
    page.fill("input[name=amount]", "50.000")
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(r"/tin-dung/tiet-kiem/\d+/$"))
    assert "50.000" in page.locator("main table").inner_text()
    ep.assert_page_ok()
    ep.shoot("credit-savings-statement")

    # --- the loan: preview, save; its maker cannot approve it ------------------------------------
    ep.goto(f"/tin-dung/to/{group.pk}/vay/")
    page.select_option("select[name=member]", str(hoa.pk))
    page.select_option("select[name=programme]", label=Programme.objects.get(code="HN").name)
    page.fill("input[name=amount]", "10.000.000")
    page.fill("input[name=term_months]", "12")
    page.fill("input[name=applied_on]", applied.isoformat())
    page.fill("input[name=purpose]", "Nuôi heo")
    page.locator("main button[name=preview]").click()
    page.wait_for_load_state()
    assert page.locator("#preview tbody tr").count() == 12
    assert not Loan.objects.exists()  # a preview saves nothing
    ep.assert_page_ok()
    ep.shoot("credit-loan-preview")
    page.locator("main button[name=save]").click()
    page.wait_for_url(re.compile(r"/tin-dung/vay/\d+/$"))
    loan = Loan.objects.get()
    assert (loan.status, loan.entered_by_id) == ("applied", officer.pk)
    ep.goto(f"/tin-dung/vay/{loan.pk}/duyet/")
    assert (
        page.locator("main .alert-warning").count() == 1
        and page.locator("input[name=on]").count() == 0
    )

    # --- the second official approves and disburses ---------------------------------------------
    cp, cpage = second_page, second_page.page
    e2e_sign_in(cp, checker)
    cp.goto("/tin-dung/duyet-vay/")
    cp.assert_page_ok()
    cp.shoot("credit-approvals")
    cpage.locator(f"main a[href='/tin-dung/vay/{loan.pk}/duyet/']").click()
    cpage.fill("input[name=on]", approved.isoformat())
    cpage.locator("main form button.btn-success").click()
    cpage.wait_for_url(re.compile(rf"/tin-dung/vay/{loan.pk}/$"))
    cpage.locator(f"main a[href='/tin-dung/vay/{loan.pk}/giai-ngan/']").click()
    cpage.fill("input[name=on]", disbursed.isoformat())
    cp.shoot("credit-disburse")
    cpage.locator("main form button.btn-primary").click()
    cpage.wait_for_url(re.compile(rf"/tin-dung/vay/{loan.pk}/$"))
    loan.refresh_from_db()
    assert (loan.status, loan.approved_by_id, loan.principal_outstanding) == (
        "active",
        checker.pk,
        10_000_000,
    )
    assert JournalEntry.objects.filter(loan=loan, kind="disbursement").count() == 1

    # --- the meeting: the sheet printed, the collections entered once ---------------------------
    ep.goto(f"/tin-dung/to/{group.pk}/bang-ke/?on={first_due.isoformat()}")
    ep.assert_page_ok()
    ep.shoot("credit-sheet")
    pdf = page.request.get(
        ep.url(f"/tin-dung/to/{group.pk}/bang-ke.pdf?on={first_due.isoformat()}")
    )
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    page.locator(f"main a[href^='/tin-dung/to/{group.pk}/thu/']").click()
    page.wait_for_url(re.compile(r"/thu/"))
    page.fill(f"input[name=loan-{loan.pk}]", "0")  # she brought nothing for her loan
    page.fill(f"input[name=sav-{account.pk}]", "20.000")
    ep.shoot("credit-collect")
    page.locator("main form.hs-collect button.btn-success").click()
    page.wait_for_url(re.compile(r"/bang-ke/"))
    page.go_back()  # the form again, with the same key: sent twice, posted once
    page.wait_for_load_state()
    if page.locator(f"input[name=sav-{account.pk}]").count():
        page.locator("main form.hs-collect button.btn-success").click()
        page.wait_for_load_state()
    assert CollectionSubmission.objects.count() == 1
    assert JournalEntry.objects.filter(submission__isnull=False).count() == 1
    account.refresh_from_db()
    assert account.balance == 70_000

    # --- overdue: the first instalment is more than 30 days late, PAR30 shows it ----------------
    ep.goto("/tin-dung/bao-cao/no-qua-han/")
    ep.assert_page_ok()
    assert selectors.loan_arrears(loan=loan, on=today).days == (today - first_due).days > 30
    assert "100" in page.locator("main .hs-stat").first.inner_text()  # the one loan is at risk
    ep.shoot("credit-par")
    ep.goto(f"/tin-dung/vay/{loan.pk}/")
    assert str((today - first_due).days) in page.locator("main").inner_text()

    # --- a mistaken repayment, reversed by the checker ------------------------------------------
    page.locator(f"main a[href='/tin-dung/vay/{loan.pk}/thu-no/']").click()
    page.fill("input[name=amount]", "1.600.000")
    page.fill("input[name=on]", today.isoformat())
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(rf"/tin-dung/vay/{loan.pk}/$"))
    mistake = JournalEntry.objects.get(loan=loan, kind="repayment")
    cp.goto(f"/tin-dung/vay/{loan.pk}/")
    cpage.locator(f"main a[href='/tin-dung/but-toan/{mistake.pk}/dao/']").click()
    cpage.fill("[name=reason]", "Nhập nhầm 1.600.000 thay vì 160.000")
    cp.shoot("credit-reverse")
    cpage.locator("main form button.btn-danger").click()
    cpage.wait_for_url(re.compile(rf"/tin-dung/vay/{loan.pk}/$"))
    assert JournalEntry.objects.filter(reverses=mistake).count() == 1
    loan.refresh_from_db()
    assert loan.principal_outstanding == 10_000_000
    cp.assert_page_ok()
    cp.shoot("credit-loan-after-reversal")

    # --- the books still balance ---------------------------------------------------------------
    cp.goto("/tin-dung/bao-cao/can-doi-tai-khoan/")
    cp.assert_page_ok()
    assert _vi("Debits = credits") in cpage.locator("main").inner_text()
    assert _vi("Debits ≠ credits") not in cpage.locator("main").inner_text()
    book = selectors.trial_balance(user=checker, unit=e2e_org.nk, on=today)
    assert sum(r.debit for r in book) == sum(r.credit for r in book) > 0
    cp.shoot("credit-trial-balance")
    ep.assert_clean()
    cp.assert_clean()
