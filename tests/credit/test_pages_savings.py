"""The savings pages: open an account, deposit (from 5.000 đ), withdraw (not beyond the balance),
the statement with its running balance; bad amounts refused with nothing posted; out of scope
404."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from hoiso.credit import services
from hoiso.credit.forms import parse_vnd
from hoiso.credit.ledger import CreditError
from hoiso.credit.models import SavingsAccount
from tests.credit.pages_helpers import nothing_written, vi

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 1, 10)


@pytest.fixture(autouse=True)
def _english_pages(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.mark.portable
@pytest.mark.parametrize("text, amount", [
    ("1.250.000", 1_250_000), ("1250000", 1_250_000), ("1,250,000", 1_250_000),
    ("1 250 000 đ", 1_250_000), ("5.000", 5_000), ("0", 0),
])  # fmt: skip
def test_amounts_are_read_the_vietnamese_way(text, amount):
    assert parse_vnd(text) == amount


@pytest.mark.portable
@pytest.mark.parametrize("text, message", [
    ("-5000", "The amount cannot be negative."),
    ("12.5", "The amount must be a whole number of đồng, without fractions."),
    ("1.250.000,50", "The amount must be a whole number of đồng, without fractions."),
    ("năm nghìn", "Enter an amount in đồng, for example 1.250.000."),
])  # fmt: skip
def test_bad_amounts_are_refused(text, message, english):
    with pytest.raises(CreditError) as caught:
        parse_vnd(text)
    assert str(caught.value) == message


def test_open_an_account(client, group, xa_officer, borrowers, programmes):
    client.force_login(xa_officer)
    url = reverse("credit:savings_open", args=[group.pk])
    assert "Trần Thị Hoa" in client.get(url + f"?member={borrowers[1].pk}").content.decode()
    response = client.post(url, {"member": borrowers[1].pk, "product": programmes["TKBB"].pk,
                                 "opened_on": "2025-01-02"})  # fmt: skip
    account = SavingsAccount.objects.get()
    assert response["Location"] == reverse("credit:savings_detail", args=[account.pk])
    assert (account.member_id, account.kind) == (borrowers[1].pk, "compulsory")


def test_open_a_second_of_the_same_kind_is_refused(client, group, savings, xa_officer, borrowers,
                                                   programmes):  # fmt: skip
    client.force_login(xa_officer)
    with nothing_written():
        response = client.post(reverse("credit:savings_open", args=[group.pk]),
                               {"member": borrowers[0].pk, "product": programmes["TKTN"].pk,
                                "opened_on": "2025-01-02"})  # fmt: skip
    assert response.status_code == 200
    assert (
        "She already has an open account of this kind in this group." in response.content.decode()
    )


def test_a_product_the_group_does_not_run_is_refused(group, xa_officer, borrowers, programmes,
                                                    english):  # fmt: skip
    group.programmes.remove(programmes["TKTN"])
    with (
        nothing_written(),
        pytest.raises(CreditError, match="does not take part in this programme"),
    ):
        services.savings_open(actor=xa_officer, group=group, member=borrowers[1],
                              product=programmes["TKTN"], opened_on=DAY)  # fmt: skip


def test_deposit_withdraw_and_the_statement(client, savings, xa_officer):
    account = savings["voluntary"]
    client.force_login(xa_officer)
    response = client.post(reverse("credit:savings_deposit", args=[account.pk]),
                           {"amount": "1.250.000", "on": "2025-01-05", "memo": "Gửi tháng 1"})  # fmt: skip
    assert response["Location"] == reverse("credit:savings_detail", args=[account.pk])
    client.post(reverse("credit:savings_withdraw", args=[account.pk]),
                {"amount": "250000", "on": "2025-01-20", "memo": ""})  # fmt: skip
    account.refresh_from_db()
    assert account.balance == 1_000_000
    response = client.get(reverse("credit:savings_detail", args=[account.pk]))
    # the running balance: 1.250.000 after the deposit, 1.000.000 after the withdrawal
    rows = response.context["rows"]
    assert [(r.amount_in, r.amount_out, r.balance) for r in rows] == [
        (1_250_000, 0, 1_250_000),
        (0, 250_000, 1_000_000),
    ]
    page = response.content.decode()
    assert "1.000.000 đ" in page and "05/01/2025" in page and "20/01/2025" in page


@pytest.mark.parametrize("kind, amount, message", [
    ("deposit", "4.000", "A deposit is at least 5.000 đ."),
    ("deposit", "-5000", "The amount cannot be negative."),
    ("deposit", "5000,5", "The amount must be a whole number of đồng, without fractions."),
    ("deposit", "0", "The amount must be greater than zero."),
    ("withdraw", "100.000", "The withdrawal of 100.000 đ is more than the balance of 20.000 đ."),
])  # fmt: skip
def test_bad_money_is_refused_and_nothing_posted(
    client, savings, xa_officer, kind, amount, message
):
    account = savings["voluntary"]
    services.savings_deposit(actor=xa_officer, account=account, amount=20_000, on=DAY)
    client.force_login(xa_officer)
    with nothing_written():
        response = client.post(reverse(f"credit:savings_{kind}", args=[account.pk]),
                               {"amount": amount, "on": "2025-01-20", "memo": ""})  # fmt: skip
    assert response.status_code == 200
    assert message in response.content.decode()


def test_compulsory_savings_stay_while_a_loan_runs(client, savings, make_loan, xa_officer):
    account = savings["compulsory"]
    services.savings_deposit(actor=xa_officer, account=account, amount=100_000, on=DAY)
    make_loan(member=0)
    client.force_login(xa_officer)
    with nothing_written():
        response = client.post(reverse("credit:savings_withdraw", args=[account.pk]),
                               {"amount": "50.000", "on": "2025-01-20"})  # fmt: skip
    message = "Compulsory savings cannot be withdrawn while she has a loan running."
    assert message in response.content.decode() and vi(message)


@pytest.mark.parametrize("persona", ["xa_officer_other", "chi_hoi_leader", "member"])
def test_out_of_scope_is_404_and_writes_nothing(client, savings, personas, persona):
    account = savings["voluntary"]
    client.force_login(personas[persona])
    assert client.get(reverse("credit:savings_detail", args=[account.pk])).status_code == 404
    with nothing_written():
        response = client.post(reverse("credit:savings_deposit", args=[account.pk]),
                               {"amount": "50.000", "on": "2025-01-20"})  # fmt: skip
    assert response.status_code == 404


def test_a_credit_officer_reverses_a_mistaken_deposit(client, savings, xa_officer, credit_officer):
    account = savings["voluntary"]
    entry = services.savings_deposit(actor=xa_officer, account=account, amount=500_000, on=DAY)
    client.force_login(xa_officer)  # a commune officer may reverse too; the page is the checker's
    page = client.get(reverse("credit:savings_detail", args=[account.pk])).content.decode()
    assert reverse("credit:entry_reverse", args=[entry.pk]) in page
    client.force_login(credit_officer)
    response = client.post(reverse("credit:entry_reverse", args=[entry.pk]),
                           {"on": "2025-01-12", "reason": "Nhập nhầm số tiền"})  # fmt: skip
    assert response["Location"] == reverse("credit:savings_detail", args=[account.pk])
    account.refresh_from_db()
    assert account.balance == 0
    page = client.get(reverse("credit:savings_detail", args=[account.pk])).content.decode()
    assert "reversed" in page


@pytest.mark.portable
def test_rates_are_written_in_the_pages_language():
    from decimal import Decimal

    from django.utils import translation

    from hoiso.credit.templatetags.credit_pages import rate

    with translation.override("vi"):
        assert [rate(Decimal(r)) for r in ("0.6600", "0.6875", "1.0000")] == ["0,66", "0,6875", "1"]
    with translation.override("en"):
        assert rate(Decimal("0.5500")) == "0.55"


def test_an_account_closes_once_paid_out(client, savings, xa_officer):
    account = savings["voluntary"]
    services.savings_deposit(actor=xa_officer, account=account, amount=20_000, on=DAY)
    client.force_login(xa_officer)
    url = reverse("credit:savings_close", args=[account.pk])
    assert (
        url not in client.get(reverse("credit:savings_detail", args=[account.pk])).content.decode()
    )
    with nothing_written():
        response = client.post(url, {"on": "2025-01-20"})
    message = "Pay out the balance before closing the account."
    assert response.status_code == 200 and message in response.content.decode() and vi(message)
    services.savings_withdraw(actor=xa_officer, account=account, amount=20_000,
                              on=datetime.date(2025, 1, 20))  # fmt: skip
    assert url in client.get(reverse("credit:savings_detail", args=[account.pk])).content.decode()
    response = client.post(url, {"on": "2025-01-21"})
    assert response["Location"] == reverse("credit:savings_detail", args=[account.pk])
    account.refresh_from_db()
    assert (account.status, account.closed_on) == ("closed", datetime.date(2025, 1, 21))
    page = client.get(reverse("credit:savings_detail", args=[account.pk])).content.decode()
    assert reverse("credit:savings_deposit", args=[account.pk]) not in page
    with nothing_written():  # nothing is posted to a closed account
        response = client.post(reverse("credit:savings_deposit", args=[account.pk]),
                               {"amount": "50.000", "on": "2025-01-22"})  # fmt: skip
    assert response.status_code == 200
