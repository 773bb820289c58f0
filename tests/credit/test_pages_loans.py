"""The loan pages: application with a preview of its schedule (nothing saved), the approval
queue, maker ≠ checker (the maker is told why and refused), disbursement, repayment, early
repayment of the exact payoff, rescheduling, write-off, reversal of a mistaken repayment, the
loan's page with days overdue — refusals on the page with nothing written, out of scope 404."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from hoiso.credit import services
from hoiso.credit.models import JournalEntry, Loan
from tests.credit.conftest import D0
from tests.credit.pages_helpers import nothing_written, queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _application(borrowers, programmes, **extra):
    data = {"member": borrowers[0].pk, "programme": programmes["HN"].pk, "amount": "12.000.000",
            "term_months": "12", "applied_on": "2025-01-05", "purpose": "Nuôi heo"}  # fmt: skip
    return {**data, **extra}


@pytest.fixture
def applied(group, xa_officer, borrowers, programmes):
    return services.loan_apply(actor=xa_officer, group=group, member=borrowers[1],
                               programme=programmes["HN"], amount=6_000_000, term_months=12,
                               applied_on=datetime.date(2025, 1, 3), purpose="Mua máy may")  # fmt: skip


# --- application -----------------------------------------------------------------------------


def test_preview_shows_the_schedule_and_saves_nothing(
    client, group, xa_officer, borrowers, programmes
):
    client.force_login(xa_officer)
    with nothing_written():
        response = client.post(reverse("credit:loan_apply", args=[group.pk]),
                               {**_application(borrowers, programmes), "preview": "1"})  # fmt: skip
    assert response.status_code == 200
    preview = response.context["preview"]
    # declining balance, 12 × 1.000.000 principal; actual days: the first period runs from
    # 05/01 to 10/02 (36 days): 12.000.000 × 0,55% × 36/30 = 79.200
    assert [r.principal for r in preview["rows"]] == [1_000_000] * 12
    assert preview["rows"][0].interest == 79_200 and preview["principal"] == 12_000_000
    assert preview["rows"][0].due_date == datetime.date(2025, 2, 10)  # the group meets on the 10th
    assert "Nothing has been saved yet." in response.content.decode()


def test_preview_refuses_what_saving_would(client, group, xa_officer, borrowers, programmes):
    client.force_login(xa_officer)
    too_much = programmes["HN"].max_amount + 1_000_000
    with nothing_written():
        response = client.post(reverse("credit:loan_apply", args=[group.pk]),
                               {**_application(borrowers, programmes, amount=str(too_much)),
                                "preview": "1"})  # fmt: skip
    assert response.status_code == 200 and response.context["preview"] is None
    assert "This programme lends at most" in response.content.decode()


def test_save_an_application(client, group, xa_officer, borrowers, programmes):
    client.force_login(xa_officer)
    response = client.post(reverse("credit:loan_apply", args=[group.pk]),
                           {**_application(borrowers, programmes), "save": "1"})  # fmt: skip
    loan = Loan.objects.get()
    assert response["Location"] == reverse("credit:loan_detail", args=[loan.pk])
    assert (loan.status, loan.amount, loan.entered_by_id) == ("applied", 12_000_000, xa_officer.pk)


@pytest.mark.parametrize("amount, message", [
    ("-1000000", "The amount cannot be negative."),
    ("1.000.000,5", "The amount must be a whole number of đồng, without fractions."),
])  # fmt: skip
def test_bad_amounts_are_refused(client, group, xa_officer, borrowers, programmes, amount, message):
    client.force_login(xa_officer)
    with nothing_written():
        response = client.post(reverse("credit:loan_apply", args=[group.pk]),
                               _application(borrowers, programmes, amount=amount))  # fmt: skip
    assert response.status_code == 200 and message in response.content.decode()


def test_apply_out_of_scope_is_404(client, group, xa_officer_other, borrowers, programmes):
    client.force_login(xa_officer_other)
    with nothing_written():
        response = client.post(reverse("credit:loan_apply", args=[group.pk]),
                               _application(borrowers, programmes))  # fmt: skip
    assert response.status_code == 404


# --- maker and checker -------------------------------------------------------------------------


def test_the_maker_is_told_why_and_refused(client, applied, xa_officer):
    client.force_login(xa_officer)
    page = client.get(reverse("credit:loan_approve", args=[applied.pk])).content.decode()
    assert "You entered this application, so you cannot approve it." in page
    assert 'name="on"' not in page  # no approval form for her
    queue = client.get(reverse("credit:approvals")).content.decode()
    assert "entered by you" in queue
    with nothing_written():
        response = client.post(
            reverse("credit:loan_approve", args=[applied.pk]), {"on": "2025-01-06"}
        )
    assert response.status_code == 200
    assert ("A loan must be approved by an official other than the one who entered it."
            in response.content.decode())  # fmt: skip


def test_a_second_official_approves(client, applied, credit_officer):
    client.force_login(credit_officer)
    queue = client.get(reverse("credit:approvals")).content.decode()
    assert "Trần Thị Hoa" in queue and reverse("credit:loan_approve", args=[applied.pk]) in queue
    response = client.post(reverse("credit:loan_approve", args=[applied.pk]), {"on": "2025-01-06"})
    assert response["Location"] == reverse("credit:loan_detail", args=[applied.pk])
    applied.refresh_from_db()
    assert (applied.status, applied.approved_by_id) == ("approved", credit_officer.pk)


def test_reject_needs_a_reason(client, applied, credit_officer):
    client.force_login(credit_officer)
    url = reverse("credit:loan_reject", args=[applied.pk])
    with nothing_written():
        assert client.post(url, {"reason": ""}).status_code == 200
    client.post(url, {"reason": "Chưa đủ điều kiện vay"})
    applied.refresh_from_db()
    assert (applied.status, applied.rejection_reason) == ("rejected", "Chưa đủ điều kiện vay")


@pytest.mark.parametrize("persona", ["xa_officer_other", "chi_hoi_leader", "member"])
def test_approval_out_of_scope_is_404(client, applied, personas, persona):
    client.force_login(personas[persona])
    with nothing_written():
        response = client.post(
            reverse("credit:loan_approve", args=[applied.pk]), {"on": "2025-01-06"}
        )
    assert response.status_code == 404
    assert "Trần Thị Hoa" not in client.get(reverse("credit:approvals")).content.decode()


# --- money ------------------------------------------------------------------------------------


def test_disburse_repay_and_see_the_statement(client, make_loan, xa_officer):
    loan = make_loan(disburse=False, amount=12_000_000)
    client.force_login(xa_officer)
    page = client.get(reverse("credit:loan_disburse", args=[loan.pk])).content.decode()
    assert "The schedule it will have" in page
    response = client.post(reverse("credit:loan_disburse", args=[loan.pk]), {"on": "2025-01-10"})
    assert response.status_code == 302
    response = client.post(reverse("credit:loan_repay", args=[loan.pk]),
                           {"amount": "1.068.200", "on": "2025-02-10", "memo": "Kỳ 1"})  # fmt: skip
    assert response.status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.principal_outstanding) == ("active", 11_000_000)
    page = client.get(reverse("credit:loan_detail", args=[loan.pk])).content.decode()
    # 31 days at 0,55%/30 a day on 12.000.000: interest 68.200, then 1.000.000 of principal
    assert "1.068.200" in page and "11.000.000" in page and "Kỳ 1" in page


def test_a_payment_dated_before_the_last_entry_is_refused(client, make_loan, xa_officer):
    loan = make_loan()
    services.loan_repay(actor=xa_officer, loan=loan, amount=500_000, on=datetime.date(2025, 2, 10))
    client.force_login(xa_officer)
    with nothing_written():
        response = client.post(reverse("credit:loan_repay", args=[loan.pk]),
                               {"amount": "500.000", "on": "2025-02-01"})  # fmt: skip
    assert response.status_code == 200
    assert "later operations cannot be dated earlier" in response.content.decode()


def test_early_repayment_takes_the_exact_amount(client, make_loan, xa_officer):
    loan = make_loan(amount=10_000_000)
    on = datetime.date(2025, 2, 25)
    figures = services.payoff(loan, on)
    client.force_login(xa_officer)
    url = reverse("credit:loan_early", args=[loan.pk])
    page = client.get(url + "?on=2025-02-25").content.decode()
    total = f"{figures['total']:,}".replace(",", ".")
    assert f"{total} đ" in page  # the exact payoff, shown
    with nothing_written():
        response = client.post(url, {"on": "2025-02-25", "amount": "10.000.000"})
    assert response.status_code == 200
    assert (
        f"Repaying the whole loan on 25/02/2025 takes exactly {total} đ."
        in response.content.decode()
    )
    response = client.post(url, {"on": "2025-02-25", "amount": total})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == "closed"


def test_days_overdue_on_the_loans_page(client, make_loan, xa_officer):
    loan = make_loan()  # first instalment due 10/02/2025, never paid
    client.force_login(xa_officer)
    response = client.get(reverse("credit:loan_detail", args=[loan.pk]))
    arrears = response.context["arrears"]
    assert arrears.days == (datetime.date.today() - datetime.date(2025, 2, 10)).days
    assert "days overdue" in response.content.decode()


# --- the checker's changes -------------------------------------------------------------------


def test_reschedule_keeps_the_old_schedule(client, make_loan, xa_officer, credit_officer):
    loan = make_loan(amount=12_000_000)
    services.loan_repay(
        actor=xa_officer, loan=loan, amount=1_066_000, on=datetime.date(2025, 2, 10)
    )
    client.force_login(credit_officer)
    response = client.post(reverse("credit:loan_reschedule", args=[loan.pk]),
                           {"on": "2025-02-10", "term_months": "18", "reason": "Mất mùa"})  # fmt: skip
    assert response.status_code == 302
    page = client.get(reverse("credit:loan_detail", args=[loan.pk]))
    assert [v for v, _rows in page.context["versions"]] == [2, 1]
    assert "Earlier schedules" in page.content.decode()


def test_reschedule_by_a_manager_without_approve_is_404(client, make_loan, chi_hoi_leader):
    loan = make_loan()
    client.force_login(chi_hoi_leader)
    with nothing_written():
        response = client.post(reverse("credit:loan_reschedule", args=[loan.pk]),
                               {"on": "2025-02-10", "term_months": "18", "reason": "Mất mùa"})  # fmt: skip
    assert response.status_code == 404


def test_write_off(client, make_loan, credit_officer):
    loan = make_loan()
    client.force_login(credit_officer)
    with nothing_written():
        assert client.post(reverse("credit:loan_writeoff", args=[loan.pk]),
                           {"on": "2025-06-30", "reason": ""}).status_code == 200  # fmt: skip
    response = client.post(reverse("credit:loan_writeoff", args=[loan.pk]),
                           {"on": "2025-06-30", "reason": "Người vay mất khả năng trả nợ"})  # fmt: skip
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == "written_off"


def test_a_mistaken_repayment_is_reversed(client, make_loan, xa_officer, credit_officer):
    loan = make_loan(amount=12_000_000)
    entry = services.loan_repay(actor=xa_officer, loan=loan, amount=1_660_000,
                                on=datetime.date(2025, 2, 10))  # fmt: skip
    client.force_login(credit_officer)
    page = client.get(reverse("credit:loan_detail", args=[loan.pk])).content.decode()
    url = reverse("credit:entry_reverse", args=[entry.pk])
    assert url in page
    with nothing_written():
        response = client.post(url, {"on": "2025-02-11", "reason": ""})
    assert response.status_code == 200
    response = client.post(
        url, {"on": "2025-02-11", "reason": "Nhập nhầm 1.660.000 thay vì 1.066.000"}
    )
    assert response["Location"] == reverse("credit:loan_detail", args=[loan.pk])
    reversal = JournalEntry.objects.get(reverses=entry)
    assert reversal.kind == "repayment"
    loan.refresh_from_db()
    assert loan.principal_outstanding == 12_000_000
    with nothing_written():  # a second reversal is refused
        response = client.post(url, {"on": "2025-02-12", "reason": "lần nữa"})
    assert "This entry has already been reversed." in response.content.decode()


@pytest.mark.parametrize("persona", ["xa_officer_other", "chi_hoi_leader", "member"])
def test_reversal_out_of_scope_is_404(client, make_loan, xa_officer, personas, persona):
    loan = make_loan()
    entry = services.loan_repay(
        actor=xa_officer, loan=loan, amount=500_000, on=D0 + datetime.timedelta(days=31)
    )
    client.force_login(personas[persona])
    with nothing_written():
        response = client.post(reverse("credit:entry_reverse", args=[entry.pk]),
                               {"on": "2025-02-12", "reason": "Nhầm"})  # fmt: skip
    assert response.status_code == 404


# --- query counts ------------------------------------------------------------------------------


def test_approvals_and_loan_page_query_counts_do_not_grow(client, group, make_loan, xa_officer,
                                                          credit_officer, borrowers, programmes):  # fmt: skip
    loan = make_loan(amount=12_000_000)
    services.loan_apply(actor=xa_officer, group=group, member=borrowers[1], programme=programmes["HN"],
                        amount=5_000_000, term_months=12, applied_on=D0)  # fmt: skip
    services.loan_repay(
        actor=xa_officer, loan=loan, amount=1_066_000, on=datetime.date(2025, 2, 10)
    )
    client.force_login(credit_officer)
    urls = [reverse("credit:approvals"), reverse("credit:loan_detail", args=[loan.pk])]
    before = [queries(client, url) for url in urls]
    for i in (2, 3, 4):
        services.loan_apply(actor=xa_officer, group=group, member=borrowers[i], programme=programmes["QH"],
                            amount=5_000_000, term_months=12, applied_on=D0)  # fmt: skip
    for month in (3, 4, 5):
        services.loan_repay(actor=xa_officer, loan=loan, amount=1_050_000,
                            on=datetime.date(2025, month, 10))  # fmt: skip
    assert [queries(client, url) for url in urls] == before


def test_a_loan_that_still_owes_cannot_be_closed(client, make_loan, xa_officer):
    loan = make_loan(amount=6_000_000)
    client.force_login(xa_officer)
    page = client.get(reverse("credit:loan_detail", args=[loan.pk])).content.decode()
    assert reverse("credit:loan_repay", args=[loan.pk]) in page
    assert reverse("credit:loan_close", args=[loan.pk]) not in page  # offered once it owes nothing
    with nothing_written():
        response = client.post(reverse("credit:loan_close", args=[loan.pk]), {"on": "2025-02-01"})
    assert response.status_code == 200
    assert "The loan still owes" in response.content.decode()
    loan.refresh_from_db()
    assert loan.status == "active"
