"""The vocabulary of name words and the corrections of misspelt search words."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from hoiso.members import names
from hoiso.members.models import MemberNameWord
from tests.members.helpers import admit

pytestmark = [pytest.mark.django_db, pytest.mark.portable]


def vocabulary() -> list[str]:
    return list(MemberNameWord.objects.order_by("word").values_list("word", flat=True))


def test_remember_words_keeps_each_folded_word_once():
    names.remember_words(["Nguyễn Thị Lan", "  Trần   Thị Đào "])
    names.remember_words(["nguyen thi lan", "Lê Thị Ánh"])  # known words: no error, no copy
    assert vocabulary() == ["anh", "dao", "lan", "le", "nguyen", "thi", "tran"]


def test_remember_words_of_nothing_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        names.remember_words(["", "   "])


def test_remember_words_is_one_statement(django_assert_num_queries):
    with django_assert_num_queries(1):
        names.remember_words(f"Nguyễn Thị Lan {i}" for i in range(300))


def test_recount_fills_from_the_records(tree, tinh_admin):
    admit(tinh_admin, tree.a1, full_name="Thạch Thị Sa Rươne")
    admit(tinh_admin, tree.a1, full_name="Nguyễn Thị Lan")
    MemberNameWord.objects.all().delete()
    assert names.recount() == 6
    assert vocabulary() == ["lan", "nguyen", "ruone", "sa", "thach", "thi"]


def test_recount_counts_and_forgets_words_no_name_bears(tree, tinh_admin):
    from hoiso.members.personal_data import member_anonymise

    lan = admit(tinh_admin, tree.a1, full_name="Nguyễn Thị Lan")
    admit(tinh_admin, tree.a1, full_name="Thạch Thị Sóc Khe")
    names.remember_words(["Nguyễn Thị Lan", "Thạch Thị Sóc Khe"])
    names.recount()
    counts = dict(MemberNameWord.objects.values_list("word", "members"))
    assert counts == {"nguyen": 1, "thi": 2, "lan": 1, "thach": 1, "soc": 1, "khe": 1}
    member_anonymise(actor=tinh_admin, member=lan, reason="Đơn số 12")
    assert names.recount() == 4
    assert vocabulary() == ["khe", "soc", "thach", "thi"]


def test_migration_fills_from_the_records(tree, tinh_admin):
    admit(tinh_admin, tree.a1, full_name="Võ Thị Cúc")
    admit(tinh_admin, tree.a2, full_name="Lê Thị Cúc")
    MemberNameWord.objects.all().delete()
    migration = importlib.import_module("hoiso.members.migrations.0006_member_name_word")
    # Not entered: SQLite's editor cannot open inside the test's transaction, and fill
    # only runs one statement (PostgreSQL) or the ORM (SQLite).
    migration.fill(apps, connection.schema_editor())
    assert vocabulary() == ["cuc", "le", "thi", "vo"]


def test_services_remember_the_words_they_write(tree, tinh_admin):
    from hoiso.members.services import member_update

    lan = admit(tinh_admin, tree.a1, full_name="Nguyễn Thị Lan")
    assert vocabulary() == ["lan", "nguyen", "thi"]
    member_update(actor=tinh_admin, member=lan, data={"full_name": "Nguyễn Thị Lành"})
    assert vocabulary() == ["lan", "lanh", "nguyen", "thi"]


# ------------------------------------------------------------------ corrections


@pytest.fixture
def words():
    names.remember_words(["Nguyễn Thị Lan", "Trần Thị Lành", "Lê Thị Loan", "Huỳnh Thị Nguyệt",
                          "Phan Thị Hoàng Yến", "Thạch Thị Sa Ren", "La Thị Na"])  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (["nguyen", "thi", "lna"], {"lna": ["lan", "la", "na"]}),  # swapped
        (["ngyen", "thi", "lan"], {"ngyen": ["nguyen"]}),  # left out
        (["phan", "thj", "yen"], {"thj": ["thi"]}),  # wrong key
        (["nguyte"], {"nguyte": ["nguyet"]}),
        (["nguyeenx"], {"nguyeenx": ["nguyen"]}),  # two steps in a long word
        (["hoagn"], {"hoagn": ["hoang"]}),
        (["lann"], {"lann": ["lan", "lanh"]}),  # a key struck twice before a wrong key
    ],
)
def test_misspelt_words_get_their_closest_spellings(words, typed, expected):
    assert names.corrections(typed) == expected


def test_a_swap_first_then_the_most_alike(words):
    # "lahn": "lanh" (two letters swapped) and "lan" (one left out) are both one step away.
    assert names.corrections(["lahn"]) == {"lahn": ["lanh", "lan"]}
    # "lna": "lan" swapped, "la" and "na" one left out: at most three, "lan" first.
    assert names.corrections(["lna"]) == {"lna": ["lan", "la", "na"]}


def test_words_that_are_part_of_a_name_are_not_corrected(words):
    """A name word, or part of one (typed while the search is being written), stays."""
    assert names.corrections(["nguyen", "thi", "ngu", "oan", "sa", "ren"]) == {}


def test_a_word_far_from_every_name_has_no_spelling(words):
    assert names.corrections(["xyzzyq", "lan"]) == {"xyzzyq": []}
    assert names.corrections(["zz"]) == {"zz": []}


def test_short_words_allow_one_step_only(words):
    # "lam": "lan" (a wrong key) and "la" (a letter added), both one step; "lmo" is two
    # steps from "loan" and from "la": too far for three letters.
    assert sorted(names.corrections(["lam"])["lam"]) == ["la", "lan"]
    assert names.corrections(["lmo"]) == {"lmo": []}


def test_commoner_spellings_first():
    """Of the spellings one step from "ngc", the commonest names; a swap ("lahn" for
    "lanh") counts four times a letter left out ("lan")."""
    counts = {"ngoc": 9_000, "nga": 3_000, "ngo": 2_000, "nac": 1, "lan": 300, "lanh": 100}
    MemberNameWord.objects.bulk_create(MemberNameWord(word=w, members=n) for w, n in counts.items())
    assert names.corrections(["ngc"]) == {"ngc": ["ngoc", "nga", "ngo"]}
    assert names.corrections(["lahn"]) == {"lahn": ["lanh", "lan"]}
    assert names.corrections(["lanhh"]) == {"lanhh": ["lanh"]}


def test_corrections_read_only_the_vocabulary(words, django_assert_num_queries):
    with django_assert_num_queries(2):
        names.corrections(["phan", "thi", "ngyuet"])


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("lan", "lan", 0), ("lna", "lan", 1), ("ngyen", "nguyen", 1), ("lann", "lan", 1),
     ("lam", "lan", 1), ("nguyeenx", "nguyen", 2), ("abc", "xyz", 3)],
)  # fmt: skip
def test_edit_distance_counts_a_swap_as_one_step(a, b, distance):
    assert names.edit_distance(a, b, 5) == distance
    assert names.edit_distance(a, b, 0) == min(distance, 1)


def test_demo_rows_remember_their_words(tree):
    """The demo copies its members in without the services: it adds their words itself."""
    import datetime
    import random

    from hoiso.members.demo import MemberRows
    from hoiso.members.models import Member

    writer = MemberRows(rng=random.Random(3), today=datetime.date(2025, 6, 1))
    writer.add_group(tree.a1a, tree.a, 12, 0.5, "soc_trang")
    writer.flush()
    stored = Member.objects.values_list("name_folded", flat=True)
    assert vocabulary() == sorted({w for name in stored for w in name.split()})
