"""Every member indicator against members counted by hand, on SQLite and PostgreSQL: live
counts at a past cut-off, the summary table for today, and ratios that roll up weighted."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from hoiso.core import indicators
from hoiso.core.indicators import Ratio
from hoiso.members.services import member_death, member_leave
from hoiso.org.services import population_set
from hoiso.reporting.rollup import Figure, roll_up
from tests.members.helpers import admit

pytestmark = [pytest.mark.django_db, pytest.mark.portable]

START, END = datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)
ALL = sorted(c.key for c in indicators.all_computed() if c.key.startswith("members."))
READY = {"has_smartphone": True, "has_internet": True, "vneid_level": 2,
         "has_bank_account": True, "pays_cashless": True}  # fmt: skip


@pytest.fixture
def people(tree, xa_officer, xa_officer_other):
    """Commune A, counted by hand at 30/06/2026:
    Một   a1   in      core, Party, Khmer, Buddhist, all five digital basics
    Hai   a1   in      joined 10/06 (new in June), Kinh, no religion, smartphone
    Ba    a2   in      core, ethnicity not recorded, Catholic, internet
    Bốn   a2   out     left 20/06 (a departure in June)
    Năm   a2a  out     died 01/05 (before June)
    Bảy   a1   out     joined 05/07 (after the cut-off)
    and in commune B: Sáu (b1)."""
    made = {
        "mot": admit(xa_officer, tree.a1, full_name="Lê Thị Một", is_core=True, party_member=True,
                     ethnicity="05", religion="buddhism", **READY),
        "hai": admit(xa_officer, tree.a1, full_name="Lê Thị Hai", ethnicity="01", religion="none",
                     has_smartphone=True, joined_on=datetime.date(2026, 6, 10)),
        "ba": admit(xa_officer, tree.a2, full_name="Lê Thị Ba", is_core=True, religion="catholic",
                    has_internet=True),
        "bon": admit(xa_officer, tree.a2, full_name="Lê Thị Bốn"),
        "nam": admit(xa_officer, tree.a2a, full_name="Lê Thị Năm"),
        "bay": admit(xa_officer, tree.a1, full_name="Lê Thị Bảy", joined_on=datetime.date(2026, 7, 5)),
        "sau": admit(xa_officer_other, tree.b1, full_name="Lê Thị Sáu", **READY),
    }  # fmt: skip
    member_leave(
        actor=xa_officer, member=made["bon"], on=datetime.date(2026, 6, 20), reason="moved"
    )
    member_death(actor=xa_officer, member=made["nam"], on=datetime.date(2026, 5, 1))
    population_set(actor=xa_officer, unit=tree.a, year=2025, women_18_plus=300)
    population_set(actor=xa_officer_other, unit=tree.b, year=2025, women_18_plus=50)
    return made


def test_every_member_indicator_of_a_commune_at_a_past_cut_off(tree, people):
    values = indicators.evaluate(ALL, unit=tree.a, start=START, end=END)
    assert values == {
        "members.total": 3,  # Một, Hai, Ba
        "members.joined": 1,  # Hai
        "members.left": 1,  # Bốn (Năm died in May)
        "members.participation": Ratio(3, 300),
        "members.core": 2,
        "members.core_pct": Ratio(2, 3),
        "members.party": 1,
        "members.ethnic_minority": 1,  # Một (Khmer); Kinh and not recorded are not
        "members.religious": 2,  # Một, Ba; "Không" and not recorded are not
        "members.vneid2": 1,
        "members.vneid2_pct": Ratio(1, 3),
        "members.smartphone_pct": Ratio(2, 3),
        "members.digital_readiness": Ratio(5 + 1 + 1, 3 * 5),
    }


def test_a_branch_and_the_sibling_commune(tree, people):
    branch = indicators.evaluate(
        ["members.total", "members.joined"], unit=tree.a1, start=START, end=END
    )
    assert branch == {"members.total": 2, "members.joined": 1}  # Bảy not yet
    other = indicators.evaluate(["members.total", "members.digital_readiness", "members.participation"],
                                unit=tree.b, start=START, end=END)  # fmt: skip
    assert other == {"members.total": 1, "members.digital_readiness": Ratio(5, 5),
                     "members.participation": Ratio(1, 50)}  # fmt: skip


def test_before_anyone_joined_and_without_population(tree, people):
    early = indicators.evaluate(ALL, unit=tree.a1, start=datetime.date(2020, 1, 1),
                                end=datetime.date(2020, 1, 31))  # fmt: skip
    assert early["members.total"] == 0
    assert early["members.participation"] is None  # a branch has no population of its own
    assert early["members.core_pct"] == Ratio(0, 0) and early["members.core_pct"].percent() is None


def test_todays_figures_come_from_the_summary_table_and_agree(
    tree, people, django_assert_max_num_queries
):
    today = timezone.localdate()
    month = today.replace(day=1)
    with django_assert_max_num_queries(12):  # one reading shared by thirteen indicators
        values = indicators.evaluate(
            ALL, unit=tree.a, start=month, end=today + datetime.timedelta(days=40)
        )
    assert values["members.total"] == 4  # Một, Hai, Ba and Bảy (joined in July)
    assert values["members.core"] == 2 and values["members.party"] == 1
    assert values["members.ethnic_minority"] == 1 and values["members.religious"] == 2
    assert values["members.digital_readiness"] == Ratio(7, 20)
    assert values["members.participation"] == Ratio(4, 300)


def test_ratios_of_communes_roll_up_weighted_to_the_province(tree, people):
    keys = ["members.participation", "members.total", "members.digital_readiness"]
    a = indicators.evaluate(keys, unit=tree.a, start=START, end=END)
    b = indicators.evaluate(keys, unit=tree.b, start=START, end=END)
    p = indicators.evaluate(keys, unit=tree.p, start=START, end=END)
    for key in ("members.participation", "members.digital_readiness"):
        whole = roll_up("ratio", [Figure.of(a[key]), Figure.of(b[key])])
        assert whole == Figure.of(p[key]), key
    rate = roll_up(
        "ratio", [Figure.of(a["members.participation"]), Figure.of(b["members.participation"])]
    )
    assert rate.value == Decimal("1.14")  # 4 / 350, not (1% + 2%) / 2 = 1.5%
    assert (
        roll_up("sum", [Figure(a["members.total"]), Figure(b["members.total"])]).value
        == p["members.total"]
    )
