"""The credit start page and the savings-group pages: list, create, edit, detail and members
(search without diacritics, add, remove, leader) — refusals shown on the page with nothing
written, out of scope 404, query counts pinned."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from hoiso.credit import services
from hoiso.credit.models import GroupMembership, SavingsGroup
from tests.credit.pages_helpers import nothing_written, queries, vi
from tests.members.helpers import admit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _form(progs, codes=("HN", "TKBB"), **extra):
    data = {"name": "Tổ TK&VV ấp 2", "meeting_day": "15", "formed_on": "2025-03-01",
            "programmes": [progs[c].pk for c in codes]}  # fmt: skip
    return {**data, **extra}


# --- start page and list -------------------------------------------------------------------------


def test_home_shows_the_units_groups_figures_and_queue(client, group, make_loan, xa_officer,
                                                       credit_officer, programmes, borrowers):  # fmt: skip
    make_loan(amount=10_000_000)
    services.loan_apply(actor=xa_officer, group=group, member=borrowers[1], programme=programmes["HN"],
                        amount=5_000_000, term_months=12, applied_on=datetime.date.today())  # fmt: skip
    client.force_login(credit_officer)
    page = client.get(reverse("credit:home")).content.decode()
    assert "Tổ TK&amp;VV ấp 1" in page
    assert "10.000.000" in page  # principal outstanding, written the Vietnamese way
    assert "Trần Thị Hoa" in page and "Waiting for approval" in page
    assert reverse("credit:par") in page  # the reports pages are linked


def test_home_of_another_commune_shows_nothing_of_a(client, group, xa_officer_other):
    client.force_login(xa_officer_other)
    response = client.get(reverse("credit:home"))
    assert response.status_code == 200
    assert "Tổ TK&amp;VV ấp 1" not in response.content.decode()


def test_home_needs_a_unit(client, group, member):
    client.force_login(member)
    assert client.get(reverse("credit:home")).status_code == 404


def test_group_list_and_search(client, group, xa_officer, programmes, tree):
    services.group_create(actor=xa_officer, unit=tree.a1, name="Tổ vay vốn Khu vực 1", meeting_day=5,
                          formed_on=datetime.date(2025, 1, 1), programmes=[programmes["QH"]])  # fmt: skip
    client.force_login(xa_officer)
    page = client.get(reverse("credit:group_list")).content.decode()
    assert "Tổ TK&amp;VV ấp 1" in page and "Tổ vay vốn Khu vực 1" in page
    page = client.get(reverse("credit:group_list") + "?q=khu+vực").content.decode()
    assert "Tổ vay vốn Khu vực 1" in page and "Tổ TK&amp;VV ấp 1" not in page


def test_group_list_hides_other_communes(client, group, xa_officer_other):
    client.force_login(xa_officer_other)
    response = client.get(reverse("credit:group_list"))
    assert response.status_code == 200 and "Tổ TK&amp;VV ấp 1" not in response.content.decode()


# --- create and edit -----------------------------------------------------------------------------


def test_create_a_group(client, tree, xa_officer, programmes):
    client.force_login(xa_officer)
    response = client.post(reverse("credit:group_create"), _form(programmes))
    group = SavingsGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("credit:group_members", args=[group.pk])
    assert (group.unit_id, group.meeting_day) == (tree.a.pk, 15)
    assert {p.code for p in group.programmes.all()} == {"HN", "TKBB"}


@pytest.mark.parametrize("field, value, message", [
    ("meeting_day", "31", "Ensure this value is less than or equal to 28."),
    ("programmes", [], "This field is required."),
    ("name", "  ", "This field is required."),
])  # fmt: skip
def test_create_refuses_bad_input(client, xa_officer, programmes, field, value, message):
    client.force_login(xa_officer)
    response = client.post(reverse("credit:group_create"), _form(programmes, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SavingsGroup.objects.exists()


def test_create_at_the_province_says_where_groups_belong(client, tinh_admin, programmes):
    client.force_login(tinh_admin)
    response = client.get(reverse("credit:group_create"))
    assert "A savings group belongs to a commune union or a branch." in response.content.decode()
    client.post(reverse("credit:group_create"), _form(programmes))
    assert not SavingsGroup.objects.exists()


def test_create_is_refused_to_a_branch_leader(client, chi_hoi_leader, programmes):
    client.force_login(chi_hoi_leader)  # COLLECT_CREDIT only
    assert client.get(reverse("credit:group_create")).status_code == 404


def test_edit_a_group(client, group, xa_officer, programmes):
    client.force_login(xa_officer)
    data = {"name": "Tổ TK&VV ấp 1 (mới)", "meeting_day": "12",
            "programmes": [p.pk for p in group.programmes.all()]}  # fmt: skip
    response = client.post(reverse("credit:group_edit", args=[group.pk]), data)
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.meeting_day) == ("Tổ TK&VV ấp 1 (mới)", 12)


def test_edit_cannot_take_off_a_programme_with_loans(
    client, group, make_loan, xa_officer, programmes
):
    make_loan(code="HN")
    client.force_login(xa_officer)
    data = {"name": group.name, "meeting_day": "10",
            "programmes": [programmes["QH"].pk, programmes["TKBB"].pk]}  # fmt: skip
    with nothing_written():
        response = client.post(reverse("credit:group_edit", args=[group.pk]), data)
    assert response.status_code == 200
    expected = "The programme %(programme)s still has loans in this group: it cannot be taken off."
    assert expected % {"programme": programmes["HN"].name} in response.content.decode()
    assert vi(expected, programme="x")  # the message goes through gettext


def test_edit_out_of_scope_is_404(client, group, xa_officer_other):
    client.force_login(xa_officer_other)
    with nothing_written():
        response = client.post(reverse("credit:group_edit", args=[group.pk]),
                               {"name": "X", "meeting_day": "3", "programmes": []})  # fmt: skip
    assert response.status_code == 404


# --- the group's page ----------------------------------------------------------------------------


def test_detail_lists_members_with_savings_and_loans(client, group, make_loan, savings, xa_officer):
    services.savings_deposit(actor=xa_officer, account=savings["voluntary"], amount=250_000,
                             on=datetime.date(2025, 1, 5))  # fmt: skip
    loan = make_loan(member=0, amount=8_000_000)
    client.force_login(xa_officer)
    page = client.get(reverse("credit:group_detail", args=[group.pk])).content.decode()
    assert "Nguyễn Thị Lan" in page and "Đặng Thị Thu" in page
    assert "250.000" in page and "8.000.000" in page
    assert reverse("credit:loan_detail", args=[loan.pk]) in page
    assert reverse("credit:savings_detail", args=[savings["voluntary"].pk]) in page
    assert reverse("credit:sheet", args=[group.pk]) in page


@pytest.mark.parametrize("persona", ["xa_officer_other", "chi_hoi_leader", "member"])
def test_detail_out_of_scope_is_404(client, group, personas, persona):
    client.force_login(personas[persona])
    assert client.get(reverse("credit:group_detail", args=[group.pk])).status_code == 404


# --- members -------------------------------------------------------------------------------------


@pytest.fixture
def newcomer(tree, tinh_admin):
    return admit(
        tinh_admin, tree.a2, full_name="Nguyễn Thị Ngọc Ánh", joined_on=datetime.date(2024, 2, 1)
    )


@pytest.fixture
def stranger(tree, tinh_admin):
    """A member of commune B: never offered to a group of A."""
    return admit(
        tinh_admin, tree.b1, full_name="Nguyễn Thị Ngọc Bích", joined_on=datetime.date(2024, 2, 1)
    )


def test_member_search_ignores_diacritics_and_scope(client, group, newcomer, stranger, xa_officer):
    client.force_login(xa_officer)
    url = reverse("credit:group_members", args=[group.pk])
    page = client.get(url + "?q=nguyen+ngoc").content.decode()
    assert "Nguyễn Thị Ngọc Ánh" in page
    assert "Nguyễn Thị Ngọc Bích" not in page  # commune B
    page = client.get(url + "?q=nguyen+thi+lan").content.decode()
    assert "Add members of the union" in page and 'value="add"' not in page  # already in the group


def test_add_remove_and_leader(client, group, newcomer, xa_officer, borrowers):
    client.force_login(xa_officer)
    url = reverse("credit:group_members", args=[group.pk])
    response = client.post(url, {"action": "add", "member": newcomer.pk, "joined_on": "2025-02-01"})
    assert response.status_code == 302
    assert GroupMembership.objects.filter(
        group=group, member=newcomer, left_on__isnull=True
    ).exists()
    client.post(url, {"action": "leader", "member": borrowers[2].pk, "joined_on": "2025-02-01"})
    group.refresh_from_db()
    assert group.leader_id == borrowers[2].pk
    client.post(url, {"action": "remove", "member": newcomer.pk, "joined_on": "2025-03-01"})
    left = GroupMembership.objects.get(group=group, member=newcomer)
    assert left.left_on == datetime.date(2025, 3, 1)


def test_remove_with_a_loan_is_refused(client, group, make_loan, xa_officer, borrowers):
    make_loan(member=1)
    client.force_login(xa_officer)
    with nothing_written():
        response = client.post(reverse("credit:group_members", args=[group.pk]),
                               {"action": "remove", "member": borrowers[1].pk, "joined_on": "2025-03-01"})  # fmt: skip
    assert response.status_code == 200
    assert (
        "She still has a loan in this group: it must be closed first." in response.content.decode()
    )


def test_add_a_member_of_another_commune_is_404(client, group, stranger, xa_officer):
    client.force_login(xa_officer)
    with nothing_written():
        response = client.post(reverse("credit:group_members", args=[group.pk]),
                               {"action": "add", "member": stranger.pk, "joined_on": "2025-02-01"})  # fmt: skip
    assert response.status_code == 404


def test_members_page_out_of_scope_is_404(client, group, newcomer, xa_officer_other):
    client.force_login(xa_officer_other)
    with nothing_written():
        response = client.post(reverse("credit:group_members", args=[group.pk]),
                               {"action": "add", "member": newcomer.pk, "joined_on": "2025-02-01"})  # fmt: skip
    assert response.status_code == 404


# --- query counts --------------------------------------------------------------------------------


def _more_groups(actor, unit, programmes, members, n):
    for i in range(n):
        g = services.group_create(actor=actor, unit=unit, name=f"Tổ thêm {i}", meeting_day=10,
                                  formed_on=datetime.date(2024, 12, 1), programmes=[programmes["HN"]])  # fmt: skip
        for m in members:
            services.group_add_member(
                actor=actor, group=g, member=m, joined_on=datetime.date(2024, 12, 1)
            )


def test_list_and_home_query_counts_do_not_grow(client, group, make_loan, xa_officer, programmes,
                                                borrowers, tree):  # fmt: skip
    make_loan()
    client.force_login(xa_officer)
    urls = [reverse("credit:group_list"), reverse("credit:home")]
    before = [queries(client, url) for url in urls]
    _more_groups(xa_officer, tree.a, programmes, borrowers[:3], 4)
    make_loan(member=2)
    after = [queries(client, url) for url in urls]
    assert after == before, (before, after)


def test_group_detail_query_count_does_not_grow(client, group, make_loan, savings, xa_officer,
                                                programmes, borrowers):  # fmt: skip
    make_loan(member=0)
    client.force_login(xa_officer)
    url = reverse("credit:group_detail", args=[group.pk])
    before = queries(client, url)
    for i in (1, 2, 3):
        services.savings_open(actor=xa_officer, group=group, member=borrowers[i],
                              product=programmes["TKTN"], opened_on=datetime.date(2024, 12, 1))  # fmt: skip
        make_loan(member=i)
    assert queries(client, url) == before
