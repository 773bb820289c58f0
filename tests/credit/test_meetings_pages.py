"""The meeting pages of a savings group: the meetings list, the collection sheet as a page, a
PDF (read back with pypdf) and an XLSX (read back with python-calamine), and the entry of what
the meeting collected — posted once (double submit, back and resubmit), refused with nothing
posted in a closed period or with bad amounts; out of scope 404; query counts pinned."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from hoiso.credit import services
from hoiso.credit.models import CollectionSubmission, JournalEntry
from hoiso.credit.views_meetings import parse_amount, parse_day
from tests.credit.conftest import D0, NAMES
from tests.credit.helpers import ledger_rows
from tests.credit.pages_helpers import queries
from tests.members.helpers import admit

FEB10 = datetime.date(2025, 2, 10)


@pytest.fixture(autouse=True)
def _english_pages(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _url(name, group, on=FEB10):
    return f"{reverse(name, args=[group.pk])}?on={on.isoformat()}"


@pytest.fixture
def meeting(make_loan, savings):
    """A 3,000,000 own-fund loan over 3 months to the first member (instalment on 10 Feb:
    1,000,000 principal + 24,000 interest) and her two savings accounts."""
    return make_loan(code="QH", amount=3_000_000, months=3)


# --- parsing what officials type ------------------------------------------------------------


@pytest.mark.portable
@pytest.mark.parametrize("text, value", [("1.250.000", 1_250_000), ("1250000", 1_250_000),
                                         (" 1 250 000 ", 1_250_000), ("1,250,000", 1_250_000),
                                         ("", 0), ("0", 0), ("24.000đ", 24_000)])  # fmt: skip
def test_amounts_as_officials_type_them(text, value):
    assert parse_amount(text) == value


@pytest.mark.portable
@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("text, message", [("-5000", "cannot be negative"), ("−5000", "cannot be negative"),
                                           ("1,5", "without fractions"), ("1000.50", "without fractions"),
                                           ("abc", "Enter an amount"), ("1.25.000", "Enter an amount"),
                                           ("9" * 14, "too large")])  # fmt: skip
def test_bad_amounts_are_refused(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_amount(text)


@pytest.mark.portable
def test_days_in_either_form():
    assert parse_day("2025-02-10") == parse_day("10/02/2025") == FEB10
    assert parse_day("31/02/2025") is None and parse_day("") is None


# --- the meetings list and the sheet --------------------------------------------------------


@pytest.mark.portable
def test_meeting_list_shows_next_meeting_and_submissions(client, group, meeting, xa_officer):
    services.collection_submit(actor=xa_officer, group=group, on=FEB10, idempotency_key="k-feb",
                               lines=[services.CollectionLine(1_024_000, loan_id=meeting.pk)])  # fmt: skip
    client.force_login(xa_officer)
    page = client.get(reverse("credit:meeting_list", args=[group.pk])).content.decode()
    today = datetime.date.today()
    nxt = today.replace(day=10) if today.day <= 10 else None
    if nxt:
        assert nxt.strftime("%d/%m/%Y") in page
    assert "10/02/2025" in page and "1.024.000" in page
    assert "Next meeting" in page and "Nguyễn Thị Lan" in page  # who entered it


@pytest.mark.portable
def test_sheet_page_shows_what_each_member_owes(client, group, meeting, xa_officer):
    client.force_login(xa_officer)
    page = client.get(_url("credit:sheet", group)).content.decode()
    assert all(name in page for name in NAMES)
    assert "1.000.000" in page and "24.000" in page and "1.024.000" in page
    assert "3.000.000" in page  # principal outstanding
    assert reverse("credit:collect", args=[group.pk]) in page


@pytest.mark.portable
def test_a_past_days_sheet_is_that_days(client, group, meeting, savings, xa_officer):
    """Paid after the meeting (outside it): the meeting's sheet still shows what was due then,
    the next meeting's shows what is left."""
    services.loan_repay(actor=xa_officer, loan=meeting, amount=1_024_000,
                        on=FEB10 + datetime.timedelta(days=2))  # fmt: skip
    services.savings_deposit(actor=xa_officer, account=savings["compulsory"], amount=50_000,
                             on=FEB10 + datetime.timedelta(days=2))  # fmt: skip
    then = services.collection_sheet(group=group, on=FEB10)
    line = next(line for line in then.lines if line.loans)
    (loan,) = line.loans
    assert (loan.outstanding, loan.principal_due, loan.interest_due) == (
        3_000_000,
        1_000_000,
        24_000,
    )
    assert {s.account.pk: s.balance for s in line.savings}[savings["compulsory"].pk] == 0
    after = services.collection_sheet(group=group, on=datetime.date(2025, 3, 10))
    (loan,) = next(line for line in after.lines if line.loans).loans
    assert loan.outstanding == 2_000_000
    client.force_login(xa_officer)
    page = client.get(_url("credit:sheet", group)).content.decode()
    assert "1.024.000" in page and "3.000.000" in page
    before = services.collection_sheet(group=group, on=D0 - datetime.timedelta(days=1))
    assert not any(line.loans for line in before.lines)  # not yet disbursed that day


@pytest.mark.portable
def test_savings_paid_in_that_day_count_towards_the_compulsory_amount(group, meeting, savings,
                                                                      xa_officer):  # fmt: skip
    def expected():
        sheet = services.collection_sheet(group=group, on=FEB10)
        return {s.account.pk: s.expected for line in sheet.lines for s in line.savings}

    compulsory, voluntary = savings["compulsory"], savings["voluntary"]
    assert expected() == {compulsory.pk: 10_000, voluntary.pk: 0}
    services.savings_deposit(actor=xa_officer, account=compulsory, amount=10_000,
                             on=FEB10 - datetime.timedelta(days=1))  # fmt: skip
    assert expected()[compulsory.pk] == 10_000  # the day before: not this meeting's
    services.savings_deposit(actor=xa_officer, account=compulsory, amount=15_000, on=FEB10)
    assert expected()[compulsory.pk] == 0  # paid in that day, more than the amount: nothing


@pytest.mark.portable
def test_sheet_pdf_is_a_pdf_with_the_members_names(client, group, meeting, xa_officer):
    from pypdf import PdfReader

    client.force_login(xa_officer)
    response = client.get(_url("credit:sheet_pdf", group))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert round(width) == 842 and round(height) == 595  # A4 landscape
    text = "".join(page.extract_text() for page in reader.pages)
    for name in NAMES:
        assert name in text
    assert "1.024.000" in text and "Tổ TK&VV ấp 1" in text
    assert "GROUP LEADER" in text and "CREDIT OFFICER" in text


@pytest.mark.portable
def test_sheet_xlsx_reads_back(client, group, meeting, xa_officer):
    client.force_login(xa_officer)
    response = client.get(_url("credit:sheet_xlsx", group))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    flat = [cell for row in rows for cell in row]
    assert all(name in flat for name in NAMES)
    lan = next(row for row in rows if row[1] == "Nguyễn Thị Lan")
    assert lan[3:6] == [3_000_000, 1_000_000, 24_000] and lan[9] == 1_024_000
    total = next(row for row in rows if row[1] == "Total")
    assert total[9] == 1_024_000 + 10_000  # the loan and the compulsory saving


@pytest.mark.portable
def test_sheet_of_another_commune_is_404(client, group, meeting, xa_officer_other, chi_hoi_leader):
    for user in (xa_officer_other, chi_hoi_leader):
        client.force_login(user)
        for name in ("credit:sheet", "credit:sheet_pdf", "credit:sheet_xlsx", "credit:collect",
                     "credit:meeting_list"):  # fmt: skip
            assert client.get(_url(name, group)).status_code == 404, (user, name)


# --- entering what the meeting collected ----------------------------------------------------


def _collect_form(client, group, on=FEB10) -> dict:
    """What the rendered form posts back: its hidden fields and prefilled amounts."""
    import re

    page = client.get(_url("credit:collect", group, on)).content.decode()
    fields = dict(re.findall(r'name="((?:key|on|loan-\d+|sav-\d+))" value="([^"]*)"', page))
    assert fields["key"] and fields["on"] == on.isoformat()
    return fields


@pytest.mark.portable
def test_collect_form_is_prefilled_with_what_is_due(client, group, meeting, savings, xa_officer):
    client.force_login(xa_officer)
    fields = _collect_form(client, group)
    assert fields[f"loan-{meeting.pk}"] == "1.024.000"
    assert fields[f"sav-{savings['compulsory'].pk}"] == "10.000"
    assert fields[f"sav-{savings['voluntary'].pk}"] == ""
    assert _collect_form(client, group)["key"] != fields["key"]  # a new key per rendering


@pytest.mark.portable
def test_double_submit_posts_once_and_shows_the_first(client, group, meeting, savings, xa_officer):
    client.force_login(xa_officer)
    fields = _collect_form(client, group)
    fields[f"sav-{savings['voluntary'].pk}"] = "50.000"
    first = client.post(reverse("credit:collect", args=[group.pk]), fields)
    assert first.status_code == 302 and first["Location"] == _url("credit:sheet", group)
    submission = CollectionSubmission.objects.get()
    assert submission.result == {"repaid": 1_024_000, "deposited": 60_000, "entries": 3,
                                 "total": 1_084_000}  # fmt: skip
    after_first = ledger_rows()

    again = client.post(
        reverse("credit:collect", args=[group.pk]), fields, follow=True
    )  # double click
    assert again.redirect_chain[-1][0] == _url("credit:sheet", group)
    assert "already entered" in again.content.decode() and "1.084.000" in again.content.decode()
    back = dict(fields, key="another-key-after-reload")  # back, reload, submit again
    resubmitted = client.post(reverse("credit:collect", args=[group.pk]), back, follow=True)
    assert "already entered" in resubmitted.content.decode()
    assert ledger_rows() == after_first
    assert CollectionSubmission.objects.count() == 1
    assert JournalEntry.objects.filter(submission=submission).count() == 3

    sheet = client.get(_url("credit:sheet", group)).content.decode()
    assert "Collections entered on" in sheet and "1.084.000" in sheet
    assert client.get(_url("credit:collect", group)).status_code == 302  # nothing to enter again


@pytest.mark.portable
def test_closed_period_is_refused_with_nothing_posted(client, group, meeting, xa_officer,
                                                      credit_officer):  # fmt: skip
    services.period_close(
        actor=credit_officer, unit=group.unit, closed_to=datetime.date(2025, 2, 28)
    )
    client.force_login(xa_officer)
    fields = _collect_form(client, group)
    before = ledger_rows()
    response = client.post(reverse("credit:collect", args=[group.pk]), fields)
    assert response.status_code == 200
    assert "closed up to 28/02/2025" in response.content.decode()
    assert ledger_rows() == before and not CollectionSubmission.objects.exists()


@pytest.mark.portable
def test_bad_amounts_are_shown_and_nothing_posted(client, group, meeting, savings, xa_officer):
    client.force_login(xa_officer)
    fields = _collect_form(client, group)
    fields[f"loan-{meeting.pk}"] = "-1.024.000"
    fields[f"sav-{savings['compulsory'].pk}"] = "10.000,5"
    fields[f"sav-{savings['voluntary'].pk}"] = "năm chục"
    before = ledger_rows()
    response = client.post(reverse("credit:collect", args=[group.pk]), fields)
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "cannot be negative" in page and "without fractions" in page and "Enter an amount" in page
    )
    assert "correct the marked rows" in page
    assert f'value="{fields["key"]}"' in page  # the same key: a corrected resubmission posts once
    assert ledger_rows() == before and not CollectionSubmission.objects.exists()


@pytest.mark.portable
def test_overpayment_refused_by_the_programme_shows_its_message(client, group, meeting, xa_officer,
                                                                programmes):  # fmt: skip
    from hoiso.credit.models import Programme

    Programme.objects.filter(pk=meeting.programme_id).update(overpayment="refuse")
    client.force_login(xa_officer)
    fields = _collect_form(client, group)
    fields[f"loan-{meeting.pk}"] = "9.000.000"
    before = ledger_rows()
    response = client.post(reverse("credit:collect", args=[group.pk]), fields)
    assert response.status_code == 200 and 'class="alert alert-danger"' in response.content.decode()
    assert ledger_rows() == before and not CollectionSubmission.objects.exists()


@pytest.mark.portable
def test_future_meeting_cannot_be_entered(client, group, meeting, xa_officer):
    client.force_login(xa_officer)
    later = datetime.date.today() + datetime.timedelta(days=20)
    fields = _collect_form(client, group, later)
    response = client.post(reverse("credit:collect", args=[group.pk]), fields)
    assert response.status_code == 200 and "has not taken place yet" in response.content.decode()
    assert not CollectionSubmission.objects.exists()


# --- query counts ---------------------------------------------------------------------------


def _grow(group, tinh_admin, xa_officer, credit_officer, programmes, n):
    """`n` more members in the group, each with a loan and a compulsory savings account."""
    for i in range(n):
        m = admit(tinh_admin, group.unit.children.first() or group.unit, full_name=f"Thành Viên {n}{i}",
                  joined_on=datetime.date(2024, 1, 5))  # fmt: skip
        services.group_add_member(actor=xa_officer, group=group, member=m,
                                  joined_on=datetime.date(2024, 12, 1))  # fmt: skip
        services.savings_open(actor=xa_officer, group=group, member=m, product=programmes["TKBB"],
                              opened_on=datetime.date(2024, 12, 1))  # fmt: skip
        loan = services.loan_apply(actor=xa_officer, group=group, member=m, programme=programmes["HN"],
                                   amount=2_000_000, term_months=6, applied_on=D0)  # fmt: skip
        services.loan_approve(actor=credit_officer, loan=loan, on=D0)
        services.loan_disburse(actor=xa_officer, loan=loan, on=D0)


@pytest.mark.parametrize("name", ["credit:sheet", "credit:collect", "credit:meeting_list",
                                  "credit:sheet_xlsx"])  # fmt: skip
def test_meeting_pages_query_count_does_not_grow(name, client, group, meeting, tinh_admin,
                                                 xa_officer, credit_officer, programmes):  # fmt: skip
    client.force_login(xa_officer)
    url = _url(name, group) if name != "credit:meeting_list" else reverse(name, args=[group.pk])
    few = queries(client, url)
    _grow(group, tinh_admin, xa_officer, credit_officer, programmes, 4)
    assert queries(client, url) <= few
    assert few <= 30, few  # the pin: a constant handful whatever the size of the group
