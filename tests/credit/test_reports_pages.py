"""The report pages: portfolio by group → commune → province, PAR30 and ageing as of a day,
the trial balance (debits = credits) of the unit and rolled up, the commission, period closing,
and the lists groups keep as XLSX (read back with python-calamine); who may see what (VIEW for
figures, MANAGE_CREDIT for the lists with names, APPROVE_CREDIT for closing); query counts."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from hoiso.credit import selectors, services
from hoiso.credit.models import PeriodClose
from tests.credit.conftest import D0, NAMES
from tests.credit.helpers import ledger_rows
from tests.credit.pages_helpers import queries
from tests.helpers import make_user

FEB10 = datetime.date(2025, 2, 10)


@pytest.fixture(autouse=True)
def _english_pages(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def book(make_loan, xa_officer, savings):
    """A poor-household loan of 10,000,000 over 12 months to the second member (900,000 paid
    on 10 Feb: 56,833 interest on actual days + 843,167 principal), an own-fund loan of
    3,000,000 over 3 months to the first (nothing paid), 50,000 saved on 10 Feb."""
    hn = make_loan(code="HN", amount=10_000_000, months=12, member=1)
    qh = make_loan(code="QH", amount=3_000_000, months=3, member=0)
    services.loan_repay(actor=xa_officer, loan=hn, amount=900_000, on=FEB10)
    services.savings_deposit(actor=xa_officer, account=savings["compulsory"], amount=50_000,
                             on=FEB10)  # fmt: skip
    return hn, qh


def _get(client, name, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(f"{reverse(name)}?{query}")


def _rows(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return [row for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()]


# --- figures ---------------------------------------------------------------------------------


@pytest.mark.portable
def test_portfolio_of_the_commune_by_group(client, tree, group, book, xa_officer):
    client.force_login(xa_officer)
    page = _get(
        client, "credit:portfolio", unit=tree.a.pk, **{"from": "01/01/2025", "to": "30/04/2025"}
    ).content.decode()
    assert "12.156.833" in page  # 10,000,000 − 843,167 + 3,000,000 outstanding
    assert "13.000.000" in page and "50.000" in page  # disbursed, savings
    assert "Tổ TK&amp;VV ấp 1" in page and "843.167" in page and "56.833" in page
    assert reverse("credit:export_reconciliation") in page  # she may take the lists


@pytest.mark.portable
def test_portfolio_of_the_province_by_commune(client, tree, group, book, tinh_admin):
    client.force_login(tinh_admin)
    page = _get(
        client, "credit:portfolio", unit=tree.p.pk, **{"from": "01/01/2025", "to": "30/04/2025"}
    ).content.decode()
    assert "Hội LHPN phường Ninh Kiều" in page
    assert page.count("12.156.833") >= 3  # the card, the commune's row and the total


@pytest.mark.portable
def test_par30_and_ageing_as_of_a_day(client, tree, group, book, xa_officer):
    client.force_login(xa_officer)
    early = _get(client, "credit:par", unit=tree.a.pk, on="01/03/2025").content.decode()
    assert "0.00%" in early or "0,00%" in early  # the own-fund loan is 19 days late only
    page = _get(client, "credit:par", unit=tree.a.pk, on="20/03/2025").content.decode()
    # 3,000,000 of 12,156,833 is more than 30 days late (38 days): 24.68%
    assert "24.68%" in page or "24,68%" in page
    ageing = selectors.ageing(user=xa_officer, unit=tree.a, on=datetime.date(2025, 3, 20))
    assert ageing["31_60"] == {"loans": 1, "outstanding": 3_000_000}
    assert ageing["1_30"] == {"loans": 1, "outstanding": 9_156_833}


@pytest.mark.portable
def test_the_par_page_lists_the_loans_to_chase(client, tree, group, book, xa_officer):
    hn, qh = book
    client.force_login(xa_officer)
    response = _get(client, "credit:par", unit=tree.a.pk, on="20/03/2025")
    late = response.context["late"]
    # longest overdue first: the own-fund loan (due 10/02, 38 days), then the poor-household
    # loan (its 10/03 instalment, 10 days)
    assert [(r.loan.pk, r.arrears.days) for r in late] == [(qh.pk, 38), (hn.pk, 10)]
    assert response.context["late_count"] == 2
    page = response.content.decode()
    assert NAMES[0] in page and reverse("credit:loan_detail", args=[qh.pk]) in page
    early = _get(client, "credit:par", unit=tree.a.pk, on="05/02/2025")
    assert (
        early.context["late"] == []
        and "No loan was overdue on 05/02/2025." in early.content.decode()
    )
    shown, count = selectors.late_payers(user=xa_officer, unit=tree.a, limit=1,
                                         items=selectors.arrears_in(user=xa_officer, unit=tree.a,
                                                                    on=datetime.date(2025, 3, 20)))  # fmt: skip
    assert [r.loan.pk for r in shown] == [qh.pk] and count == 2


@pytest.mark.portable
def test_trial_balance_debits_equal_credits(client, tree, group, book, tinh_admin):
    client.force_login(tinh_admin)
    for unit in (tree.a, tree.p):
        page = _get(client, "credit:trial_balance", unit=unit.pk, on="28/02/2025").content.decode()
        rows = selectors.trial_balance(user=tinh_admin, unit=unit, on=datetime.date(2025, 2, 28))
        debit = sum(r.debit for r in rows)
        assert debit == sum(r.credit for r in rows)
        if rows:
            assert f"{debit:,}".replace(",", ".") in page
        assert "Debits = credits" in page and "Debits ≠ credits" not in page
    page = _get(client, "credit:trial_balance", unit=tree.p.pk, on="28/02/2025").content.decode()
    assert "Nothing posted by this day." in page  # the province's own books are empty…
    assert "1211" in page  # …rolled up, its communes' loans show


@pytest.mark.portable
def test_commission_on_collected_interest(client, tree, group, book, xa_officer):
    client.force_login(xa_officer)
    page = _get(
        client, "credit:commission", unit=tree.a.pk, **{"from": "01/02/2025", "to": "28/02/2025"}
    ).content.decode()
    assert "Cho vay hộ nghèo" in page and "56.833" in page
    assert "4.547" in page  # 8% of 56,833, rounded to the đồng


# --- period closing --------------------------------------------------------------------------


@pytest.mark.portable
def test_period_closing(client, tree, group, book, credit_officer):
    client.force_login(credit_officer)
    url = f"{reverse('credit:period_close')}?unit={tree.a.pk}"
    assert "never been closed" in client.get(url).content.decode()
    response = client.post(url, {"unit": tree.a.pk, "closed_to": "31/01/2025", "note": "Tháng 1"})
    assert response.status_code == 302
    closing = PeriodClose.objects.get()
    assert closing.closed_to == datetime.date(2025, 1, 31) and closing.closed_by == credit_officer
    page = client.get(url).content.decode()
    assert "31/01/2025" in page and "Tháng 1" in page

    before = ledger_rows()
    earlier = client.post(url, {"unit": tree.a.pk, "closed_to": "15/01/2025"})
    assert (
        earlier.status_code == 200 and "already closed up to 31/01/2025" in earlier.content.decode()
    )
    future = client.post(url, {"unit": tree.a.pk, "closed_to": (datetime.date.today() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")})  # fmt: skip
    assert future.status_code == 200 and "Only a day that is over" in future.content.decode()
    assert PeriodClose.objects.count() == 1 and ledger_rows() == before


@pytest.mark.portable
def test_period_closing_needs_approve_credit(client, tree, group, chi_hoi_leader, xa_officer_other):
    viewer = make_user("xem_a", role="viewer", unit=tree.a)
    for user in (chi_hoi_leader, xa_officer_other, viewer):
        client.force_login(user)
        url = f"{reverse('credit:period_close')}?unit={tree.a.pk}"
        assert client.get(url).status_code == 404
        assert client.post(url, {"unit": tree.a.pk, "closed_to": "31/01/2025"}).status_code == 404
    assert not PeriodClose.objects.exists()


@pytest.mark.portable
def test_a_viewer_reads_figures_but_not_the_lists(client, tree, group, book):
    viewer = make_user("xem_a", role="viewer", unit=tree.a)
    client.force_login(viewer)
    for name in ("credit:portfolio", "credit:par", "credit:trial_balance", "credit:commission"):
        assert _get(client, name, unit=tree.a.pk).status_code == 200, name
    for name in ("credit:export_loan_use", "credit:export_savings", "credit:export_reconciliation"):
        assert _get(client, name, unit=tree.a.pk).status_code == 404, name
        assert _get(client, name, group=group.pk).status_code == 404, name
    page = _get(client, "credit:portfolio", unit=tree.a.pk).content.decode()
    assert reverse("credit:export_savings") not in page
    par = _get(client, "credit:par", unit=tree.a.pk, on="20/03/2025")
    assert "late" not in par.context and NAMES[0] not in par.content.decode()  # no names


@pytest.mark.portable
def test_reports_of_another_commune_are_404(client, tree, group, book, xa_officer_other):
    client.force_login(xa_officer_other)
    for name in ("credit:portfolio", "credit:par", "credit:trial_balance", "credit:commission",
                 "credit:export_loan_use", "credit:export_savings", "credit:export_reconciliation"):  # fmt: skip
        assert _get(client, name, unit=tree.a.pk).status_code == 404, name
    assert _get(client, "credit:export_savings", group=group.pk).status_code == 404
    own = _get(client, "credit:portfolio").content.decode()  # her own commune: nothing of A
    assert "Tổ TK&amp;VV ấp 1" not in own and "12.156.833" not in own


# --- the lists groups keep -------------------------------------------------------------------


@pytest.mark.portable
def test_loan_use_check_list(client, tree, group, book, xa_officer):
    client.force_login(xa_officer)
    rows = _rows(_get(client, "credit:export_loan_use", group=group.pk, on="28/02/2025"))
    lan = next(r for r in rows if r[1] == NAMES[0])
    hoa = next(r for r in rows if r[1] == NAMES[1])
    assert lan[2] and lan[4] == D0.strftime("%d/%m/%Y") and lan[5] == 3_000_000
    assert lan[6] == "Nuôi heo" and lan[7] == 3_000_000 and lan[8] == ""
    assert hoa[5] == 10_000_000 and hoa[7] == 9_156_833


@pytest.mark.portable
def test_savings_list(client, tree, group, book, savings, xa_officer):
    client.force_login(xa_officer)
    rows = _rows(
        _get(
            client,
            "credit:export_savings",
            unit=tree.a.pk,
            **{"from": "01/02/2025", "to": "28/02/2025"},
        )
    )
    mine = [r for r in rows if r[1] == NAMES[0]]
    compulsory = next(r for r in mine if r[2] == savings["compulsory"].number)
    assert compulsory[4:8] == [0, 50_000, 0, 50_000]
    later = _rows(
        _get(
            client,
            "credit:export_savings",
            group=group.pk,
            **{"from": "01/03/2025", "to": "31/03/2025"},
        )
    )
    compulsory = next(r for r in later if r[2] == savings["compulsory"].number)
    assert compulsory[4:8] == [50_000, 0, 0, 50_000]  # the opening balance carries over


@pytest.mark.portable
def test_reconciliation_of_each_member(client, tree, group, book, xa_officer):
    client.force_login(xa_officer)
    rows = _rows(
        _get(
            client,
            "credit:export_reconciliation",
            group=group.pk,
            **{"from": "01/01/2025", "to": "31/03/2025"},
        )
    )
    lan = next(r for r in rows if r[1] == NAMES[0])
    hoa = next(r for r in rows if r[1] == NAMES[1])
    # principal, of which overdue, principal repaid, interest paid, (…), savings
    assert lan[3] == 3_000_000 and lan[4] == 2_000_000 and lan[5] == 0 and lan[9] == 50_000
    assert hoa[3] == 9_156_833 and hoa[5] == 843_167 and hoa[6] == 56_833
    total = next(r for r in rows if r[1] == "Total")
    assert total[3] == 12_156_833 and total[9] == 50_000


# --- query counts ----------------------------------------------------------------------------


def _more_groups(tree, xa_officer, credit_officer, programmes, n):
    from tests.members.helpers import admit

    for i in range(n):
        g = services.group_create(actor=xa_officer, unit=tree.a, name=f"Tổ thêm {i}", meeting_day=12,
                                  formed_on=datetime.date(2024, 12, 1), programmes=[programmes["HN"]])  # fmt: skip
        m = admit(
            xa_officer, tree.a2, full_name=f"Hội Viên Thêm {i}", joined_on=datetime.date(2024, 1, 5)
        )
        services.group_add_member(
            actor=xa_officer, group=g, member=m, joined_on=datetime.date(2024, 12, 1)
        )
        loan = services.loan_apply(actor=xa_officer, group=g, member=m, programme=programmes["HN"],
                                   amount=2_000_000, term_months=6, applied_on=D0)  # fmt: skip
        services.loan_approve(actor=credit_officer, loan=loan, on=D0)
        services.loan_disburse(actor=xa_officer, loan=loan, on=D0)


@pytest.mark.parametrize("name", ["credit:portfolio", "credit:par", "credit:trial_balance",
                                  "credit:commission", "credit:period_close",
                                  "credit:export_reconciliation"])  # fmt: skip
def test_report_query_count_does_not_grow(name, client, tree, group, book, xa_officer,
                                          credit_officer, programmes):  # fmt: skip
    client.force_login(xa_officer)
    url = f"{reverse(name)}?unit={tree.a.pk}&from=01/01/2025&on=30/04/2025"
    few = queries(client, url)
    _more_groups(tree, xa_officer, credit_officer, programmes, 3)
    assert queries(client, url) <= few
    assert few <= 30, few
