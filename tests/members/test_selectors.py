"""Member reads: scope per persona, search by name/phone/CCCD/code, Vietnamese order."""

import pytest
from django.http import Http404

from hoiso.members import names as names_module
from hoiso.members import selectors
from hoiso.members.models import Member
from hoiso.members.services import member_transfer
from tests.helpers import today
from tests.members.helpers import admit, make_cccd

pytestmark = [pytest.mark.django_db, pytest.mark.portable]


@pytest.fixture
def people(tree, tinh_admin):
    """Members in every commune: a1, a1a, a2 (commune A), b1 (commune B), c1 (province Q)."""
    from tests.helpers import make_user

    q_admin = make_user("q_admin", role="province_admin", unit=tree.q)
    cccd = make_cccd("092", serial=4321)
    return {
        "lan": admit(
            tinh_admin, tree.a1, full_name="Nguyễn Thị Lan", phone="0912345678", cccd=cccd
        ),
        "dao": admit(tinh_admin, tree.a1a, full_name="Trần Thị Đào", phone="0387654321"),
        "anh": admit(tinh_admin, tree.a2, full_name="Lê Thị Ánh"),
        "mai": admit(tinh_admin, tree.b1, full_name="Phạm Thị Mai"),
        "cuc": admit(q_admin, tree.c1, full_name="Võ Thị Cúc"),
    }


def names(qs) -> set[str]:
    return {m.full_name for m in qs}


# ------------------------------------------------------------------ scope


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("tinh_admin", {"lan", "dao", "anh", "mai"}),
        ("xa_officer", {"lan", "dao", "anh"}),
        ("xa_officer_other", {"mai"}),
        ("chi_hoi_leader", {"lan", "dao"}),
        ("member", set()),
        ("anonymous", set()),
    ],
)
def test_members_visible_per_persona(people, personas, persona, expected):
    visible = selectors.members_visible(user=personas[persona])
    assert set(visible.values_list("pk", flat=True)) == {people[k].pk for k in expected}


def test_viewer_sees_no_member(people, viewer):
    """A viewer sees the unit's figures, not members' personal data."""
    assert not selectors.members_visible(user=viewer).exists()
    with pytest.raises(Http404):
        selectors.member_get(user=viewer, pk=people["lan"].pk)


def test_member_get_out_of_scope_is_404(people, xa_officer, xa_officer_other):
    assert selectors.member_get(user=xa_officer, pk=people["lan"].pk) == people["lan"]
    with pytest.raises(Http404):
        selectors.member_get(user=xa_officer_other, pk=people["lan"].pk)
    with pytest.raises(Http404):
        selectors.member_get(user=xa_officer, pk="not-a-number")


def test_list_by_unit_stays_in_scope(tree, people, xa_officer, chi_hoi_leader):
    assert names(selectors.members_list(user=xa_officer, unit=tree.a1)) == {
        "Nguyễn Thị Lan",
        "Trần Thị Đào",
    }
    assert names(selectors.members_list(user=xa_officer, unit=tree.b)) == set()
    assert names(selectors.members_list(user=chi_hoi_leader, unit=tree.a)) == {
        "Nguyễn Thị Lan",
        "Trần Thị Đào",
    }


# ------------------------------------------------------------------ search


def search(user, query):
    return names(selectors.members_list(user=user, query=query))


@pytest.mark.parametrize(
    "query",
    ["nguyen thi lan", "Nguyễn Thị Lan", "lan nguyen", "NGUYEN LAN", "  nguyễn   lan ", "Lan"],
)
def test_name_search_with_or_without_diacritics(people, tinh_admin, query):
    assert search(tinh_admin, query) == {"Nguyễn Thị Lan"}


@pytest.mark.parametrize("query", ["dao", "Đào", "đào", "tran dao"])
def test_d_with_stroke_folds_to_d(people, tinh_admin, query):
    assert search(tinh_admin, query) == {"Trần Thị Đào"}


def test_name_search_needs_every_word(people, tinh_admin):
    assert search(tinh_admin, "lan mai") == set()
    assert search(tinh_admin, "thi") == {
        "Nguyễn Thị Lan",
        "Trần Thị Đào",
        "Lê Thị Ánh",
        "Phạm Thị Mai",
    }


@pytest.mark.parametrize(
    "query",
    ["0912345678", "0912 345 678", "0912.345.678", "+84 912 345 678", "84912345678", "912345678"],
)
def test_phone_in_any_format(people, tinh_admin, query):
    assert search(tinh_admin, query) == {"Nguyễn Thị Lan"}


def test_cccd_prefix(people, tinh_admin):
    cccd = people["lan"].cccd
    assert search(tinh_admin, cccd) == {"Nguyễn Thị Lan"}
    assert search(tinh_admin, cccd[:8]) == {"Nguyễn Thị Lan"}


def test_member_code(people, tinh_admin):
    code = Member.objects.get(pk=people["dao"].pk).code
    assert search(tinh_admin, code) == {"Trần Thị Đào"}
    assert search(tinh_admin, code.lower()) == {"Trần Thị Đào"}


def test_digits_are_looked_up_as_what_they_could_be(people, tinh_admin):
    """The end of a code (up to its ten digits) or of a phone (up to eleven) still finds;
    a whole CCCD (twelve) is looked up by the CCCD alone."""
    code = Member.objects.get(pk=people["dao"].pk).code
    assert search(tinh_admin, code[-6:]) >= {"Trần Thị Đào"}
    assert search(tinh_admin, code[2:]) == {"Trần Thị Đào"}
    assert search(tinh_admin, "345678") == {"Nguyễn Thị Lan"}
    condition = str(selectors.search_q(people["lan"].cccd))
    assert "cccd" in condition and "code" not in condition and "phone" not in condition


def test_search_never_reaches_outside_scope(people, xa_officer_other):
    assert search(xa_officer_other, "lan") == set()
    assert search(xa_officer_other, "0912345678") == set()
    assert search(xa_officer_other, people["lan"].code) == set()


def test_search_with_like_wildcards_matches_literally(people, tinh_admin):
    assert search(tinh_admin, "%") == set()
    assert search(tinh_admin, "_") == set()


def test_empty_search_lists_everyone_in_scope(people, xa_officer):
    assert search(xa_officer, "   ") == {"Nguyễn Thị Lan", "Trần Thị Đào", "Lê Thị Ánh"}


def test_filters(people, xa_officer, tinh_admin):
    member_transfer(actor=tinh_admin, member=people["anh"], to_unit=people["mai"].unit, on=today())
    listed = selectors.members_list(
        user=tinh_admin, filters={"unit": people["mai"].unit_id, "status": ""}
    )
    assert names(listed) == {"Lê Thị Ánh", "Phạm Thị Mai"}


# ------------------------------------------------------------------ order


def test_vietnamese_order_given_name_first(tree, tinh_admin):
    for name in ["Nguyễn Thị Bình", "Trần Văn An", "Lê Thị Ánh", "Đỗ Thị Đào", "Phạm Thị Dung",
                 "Hoàng Thị Anh", "Vũ Thị Ân", "Bùi Thị Ă"]:  # fmt: skip
        admit(
            tinh_admin, tree.a1, full_name=name, gender="F", member_type="honorary", decision="1/QĐ"
        )
    listed = [m.full_name for m in selectors.members_list(user=tinh_admin)]
    # a < ă < â; Anh before Ánh (same letters, level tone first); d < đ; then the family name.
    assert listed == ["Trần Văn An", "Hoàng Thị Anh", "Lê Thị Ánh", "Bùi Thị Ă", "Vũ Thị Ân",
                      "Nguyễn Thị Bình", "Phạm Thị Dung", "Đỗ Thị Đào"]  # fmt: skip


def test_same_given_name_ordered_by_family_name(tree, tinh_admin):
    for name in ["Trần Thị Lan", "Đặng Thị Lan", "Bùi Thị Lan"]:
        admit(tinh_admin, tree.a1, full_name=name)
    assert [m.full_name for m in selectors.members_list(user=tinh_admin)] == [
        "Bùi Thị Lan", "Đặng Thị Lan", "Trần Thị Lan"]  # fmt: skip


# ------------------------------------------------------------------ sensitive data and management


def test_can_see_sensitive(people, personas, viewer):
    lan = people["lan"]
    expected = {"tinh_admin": True, "xa_officer": True, "xa_officer_other": False,
                "chi_hoi_leader": False, "member": False, "anonymous": False}  # fmt: skip
    for persona, allowed in expected.items():
        assert selectors.can_see_sensitive(user=personas[persona], member=lan) is allowed, persona
    assert selectors.can_see_sensitive(user=viewer, member=lan) is False


def test_can_manage(people, personas, viewer):
    lan, anh = people["lan"], people["anh"]
    assert selectors.can_manage(user=personas["chi_hoi_leader"], member=lan)
    assert not selectors.can_manage(user=personas["chi_hoi_leader"], member=anh)
    assert not selectors.can_manage(user=personas["xa_officer_other"], member=lan)
    assert not selectors.can_manage(user=viewer, member=lan)


def test_member_units_are_active_branches_and_groups_in_scope(tree, chi_hoi_leader, xa_officer):
    from hoiso.org.services import units_merge

    assert [u.code for u in selectors.member_units(user=chi_hoi_leader)] == ["A1", "A1A", "A1B"]
    units_merge(actor=xa_officer, sources=[tree.a2], target=tree.a1, effective_on=today())
    codes = [u.code for u in selectors.member_units(user=xa_officer)]
    assert set(codes) == {"A1", "A1A", "A1B", "A2A"}  # no commune, no retired branch


def test_transfers_incoming_and_outgoing(tree, people, xa_officer, q_officer, xa_officer_other):
    request = member_transfer(actor=xa_officer, member=people["lan"], to_unit=tree.c1, on=today())
    assert list(selectors.transfers_incoming(user=q_officer)) == [request]
    assert list(selectors.transfers_outgoing(user=xa_officer)) == [request]
    assert not selectors.transfers_incoming(user=xa_officer).exists()
    assert not selectors.transfers_outgoing(user=q_officer).exists()
    assert selectors.transfer_get(user=q_officer, pk=request.pk) == request
    assert selectors.transfer_get(user=xa_officer, pk=request.pk) == request
    with pytest.raises(Http404):
        selectors.transfer_get(user=xa_officer_other, pk=request.pk)


# ------------------------------------------------------------------ misspelt words


def remember_names():
    """The vocabulary as migration 0006 fills it from the records.

    member_admit does not add its words yet (the lead wires names.remember_words into the
    services; tests/members/test_names.py checks it): until then the tests fill it here."""
    names_module.recount()


@pytest.fixture
def vocabulary(people):
    remember_names()
    return people


@pytest.mark.parametrize(
    "query", ["nguyen thi lna", "ngyen thi lan", "Nguyễn Thi Lam", "nguyen thị lann"]
)
def test_typo_finds_the_similar_name(vocabulary, tinh_admin, query):
    found = selectors.members_search(user=tinh_admin, query=query)
    assert found.similar
    assert [m.full_name for m in found.members][0] == "Nguyễn Thị Lan"
    assert found.count == len(found.members)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen thi hoang yne", "Nguyễn Thị Hoàng Yến"),  # given name: two letters swapped
        ("tran thi hoang yen", "Trần Thị Hoàng Yến"),  # exact (no correction needed)
        ("tran thi hoagn yen", "Trần Thị Hoàng Yến"),  # middle name
        ("tran thj hoang yen", "Trần Thị Hoàng Yến"),  # "Thị"
        ("ngyen thi hoang yen", "Nguyễn Thị Hoàng Yến"),  # family name: a letter missing
        ("nguyeenx thi hoang yen", "Nguyễn Thị Hoàng Yến"),  # Telex keys left in: two steps
        ("hunh thi xuan", "Huỳnh Thị Xuân"),
        ("huynh thi xaun", "Huỳnh Thị Xuân"),
    ],
)
def test_typo_in_given_middle_or_family_name(tree, tinh_admin, query, expected):
    for name in ["Nguyễn Thị Hoàng Yến", "Trần Thị Hoàng Yến", "Huỳnh Thị Xuân",
                 "Nguyễn Thị Hoa"]:  # fmt: skip
        admit(tinh_admin, tree.a1, full_name=name)
    remember_names()
    found = selectors.members_search(user=tinh_admin, query=query)
    assert [m.full_name for m in found.members] == [expected]
    assert found.similar is (query != "tran thi hoang yen")
    assert (found.count, found.more) == (1, False)


def test_similar_names_most_similar_first(tree, tinh_admin):
    for name in ["Nguyễn Thị Loan", "Nguyễn Thị Lan", "Nguyễn Thị Lành"]:
        admit(tinh_admin, tree.a1, full_name=name)
    remember_names()
    listed = [m.full_name for m in selectors.members_list(user=tinh_admin, query="nguyen thi lna")]
    # "lan" is one step from "lna"; "loan" two. A corrected word is a whole word: not "Lành".
    assert listed == ["Nguyễn Thị Lan"]
    # "lahn": "lanh" (swapped letters) and "lan" (one left out) are both one step away;
    # the spelling of the same length comes first.
    listed = [m.full_name for m in selectors.members_list(user=tinh_admin, query="nguyen thi lahn")]
    assert listed == ["Nguyễn Thị Lành", "Nguyễn Thị Lan"]


def test_a_word_that_exists_is_not_corrected(tree, tinh_admin):
    """ "Lâm" is a name: "nguyen thi lam" means Lâm, not Lan; nobody has it, nothing shows."""
    for name in ["Nguyễn Thị Lan", "Trần Văn Lâm"]:
        admit(tinh_admin, tree.a1, full_name=name, gender="F", member_type="honorary",
              decision="1/QĐ")  # fmt: skip
    remember_names()
    found = selectors.members_search(user=tinh_admin, query="nguyen thi lam")
    assert (list(found.members), found.count, found.similar) == ([], 0, False)
    # Part of a name word is not corrected either ("ngu"): the search takes parts of names.
    found = selectors.members_search(user=tinh_admin, query="ngu thi lna")
    assert ([m.full_name for m in found.members], found.similar) == (["Nguyễn Thị Lan"], True)


def test_a_word_near_no_name_finds_nothing(vocabulary, tinh_admin):
    found = selectors.members_search(user=tinh_admin, query="nguyen thi xyzzyq")
    assert (list(found.members), found.count, found.similar) == ([], 0, False)


def test_exact_matches_come_without_similar_ones(tree, tinh_admin):
    for name in ["Nguyễn Thị Lan", "Nguyễn Thị Loan"]:
        admit(tinh_admin, tree.a1, full_name=name)
    remember_names()
    found = selectors.members_search(user=tinh_admin, query="nguyen thi lan")
    assert not found.similar
    assert [m.full_name for m in found.members] == ["Nguyễn Thị Lan"]


def test_similar_names_stay_in_scope(vocabulary, xa_officer_other, xa_officer):
    """Lan is in commune A: the officer of commune B never sees her, typo or not."""
    assert search(xa_officer_other, "ngyen thi lan") == set()
    assert search(xa_officer_other, "nguyen thi lna") == set()
    assert search(xa_officer, "ngyen thi lan") == {"Nguyễn Thị Lan"}


def test_similar_names_stay_in_the_unit(tree, vocabulary, xa_officer):
    assert names(selectors.members_list(user=xa_officer, query="tran thi dso", unit=tree.a2)) == (
        set()
    )
    assert names(selectors.members_list(user=xa_officer, query="tran thi dso", unit=tree.a1)) == {
        "Trần Thị Đào"
    }


def test_similar_names_keep_the_filters(tree, vocabulary, tinh_admin):
    found = selectors.members_search(
        user=tinh_admin, query="ngyen thi lan", filters={"status": Member.Status.LEFT}
    )
    assert (list(found.members), found.count) == ([], 0)


def test_numbers_are_never_matched_by_similarity(vocabulary, tinh_admin):
    assert search(tinh_admin, "0912345670") == set()
    assert search(tinh_admin, vocabulary["lan"].cccd[:-1] + "9") == set()


def test_corrected_search_counts_up_to_a_limit(tree, tinh_admin, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 2)
    for name in ["Lê Thị Hoa", "Trần Thị Hoa", "Võ Thị Hoa", "Võ Thị Hòa"]:
        admit(tinh_admin, tree.a1, full_name=name)
    remember_names()
    found = selectors.members_search(user=tinh_admin, query="thi hao")
    assert (found.count, found.more, found.similar) == (2, True, True)
    assert [m.full_name for m in found.members] == [
        "Lê Thị Hoa", "Trần Thị Hoa", "Võ Thị Hoa", "Võ Thị Hòa"]  # fmt: skip


def test_typo_tolerance_on_both_databases(vocabulary, tinh_admin):
    """The vocabulary and the edit distance are plain SQL and Python, no trigram index: a
    misspelt search is corrected on SQLite too (the embedded `make run`)."""
    found = selectors.members_search(user=tinh_admin, query="pham thi mia")
    assert ([m.full_name for m in found.members], found.similar) == (["Phạm Thị Mai"], True)


# ------------------------------------------------------------------ counts and order


def test_search_counts_up_to_a_limit(tree, tinh_admin, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 2)
    for name in ["Lê Thị Hoa", "Trần Thị Hoa", "Võ Thị Hoa"]:
        admit(tinh_admin, tree.a1, full_name=name)
    found = selectors.members_search(user=tinh_admin, query="hoa")
    assert (found.count, found.more, found.similar) == (2, True, False)
    # The order is the Vietnamese one whichever plan serves it.
    assert [m.full_name for m in found.members] == ["Lê Thị Hoa", "Trần Thị Hoa", "Võ Thị Hoa"]
    found = selectors.members_search(user=tinh_admin, query="tran hoa")
    assert (found.count, found.more) == (1, False)


def test_search_results_in_vietnamese_order(tree, tinh_admin):
    for name in ["Trần Thị Ánh", "Lê Thị Anh", "Đỗ Thị Bình", "Bùi Thị Anh"]:
        admit(tinh_admin, tree.a1, full_name=name)
    assert [m.full_name for m in selectors.members_list(user=tinh_admin, query="thi")] == [
        "Bùi Thị Anh", "Lê Thị Anh", "Trần Thị Ánh", "Đỗ Thị Bình"]  # fmt: skip


# ------------------------------------------------------------------ pages


def test_pages_read_keys_first_show_what_the_plain_pages_show(
    tree, tinh_admin, django_assert_num_queries
):
    """A plain list and a search over the count's limit are paged keys first; every page
    holds the rows the plain Paginator gives, in the same order (equal names by pk), with
    their units read along (no query per row)."""
    from django.core.paginator import Paginator

    from hoiso.core.paging import KeysFirstPaginator

    for i, name in enumerate(["Lê Thị Hoa", "Trần Thị Hoa", "Võ Thị Ánh", "Lê Thị Hoa"] * 3):
        admit(tinh_admin, tree.a1 if i % 2 else tree.a2, full_name=name)
    found = selectors.members_search(user=tinh_admin)
    assert found.count is None and isinstance(found.paginator(5), KeysFirstPaginator)
    plain = Paginator(found.members, 5, orphans=1)
    keys_first = KeysFirstPaginator(found.members, 5, orphans=1)
    assert keys_first.num_pages == plain.num_pages >= 3
    for number in plain.page_range:
        expected = [(m.pk, m.unit.name) for m in plain.page(number)]
        with django_assert_num_queries(2):  # the keys, then the rows with their units
            shown = [(m.pk, m.unit.name) for m in keys_first.page(number)]
        assert shown == expected


def test_a_row_gone_between_the_two_reads_is_left_out(tree, tinh_admin):
    from hoiso.core.paging import KeysFirstPaginator

    lan, mai = (admit(tinh_admin, tree.a1, full_name=n) for n in ["Lê Thị Lan", "Võ Thị Mai"])
    paginator = KeysFirstPaginator(Member.objects.exclude(pk=lan.pk).order_by("name_sort"), 10)
    # The keys read first still had her; the rows read after no longer do.
    page = paginator._get_page(Member.objects.order_by("name_sort"), 1, paginator)
    assert list(page) == [mai]


def test_a_counted_search_is_paged_plainly(tree, tinh_admin, monkeypatch):
    from hoiso.core.paging import KeysFirstPaginator

    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 2)
    for name in ["Lê Thị Hoa", "Trần Thị Hoa", "Võ Thị Hoa"]:
        admit(tinh_admin, tree.a1, full_name=name)
    counted = selectors.members_search(user=tinh_admin, query="tran hoa").paginator(50)
    assert counted.count == 1 and not isinstance(counted, KeysFirstPaginator)
    over = selectors.members_search(user=tinh_admin, query="hoa").paginator(50)
    assert isinstance(over, KeysFirstPaginator)
    # Counted up to the bound (the page says "more than 2"), in Vietnamese order.
    assert over.count == 2
    assert [m.full_name for m in over.page(1)] == ["Lê Thị Hoa", "Trần Thị Hoa"]
