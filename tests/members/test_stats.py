"""The member dashboard's figures: at a date, by age, digital readiness, participation, by
unit below; sensitive breakdowns only for allowed roles; a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoiso.members.services import member_leave
from hoiso.members.stats import unit_stats
from hoiso.org.services import population_set
from tests.members.helpers import admit

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 6, 30)
START = datetime.date(2026, 1, 1)


@pytest.fixture
def people(tree, xa_officer):
    made = [
        admit(xa_officer, tree.a1, full_name="Lê Thị Một", date_of_birth=datetime.date(2000, 1, 1),
              has_phone=True, has_smartphone=True, uses_zalo=True, vneid_level=2, ethnicity="05"),
        admit(xa_officer, tree.a1, full_name="Lê Thị Hai", date_of_birth=datetime.date(1960, 5, 5),
              has_phone=True, joined_on=datetime.date(2026, 3, 1)),
        admit(xa_officer, tree.a2, full_name="Lê Thị Ba", date_of_birth=datetime.date(1980, 5, 5),
              has_phone=True, is_core=True),
        admit(xa_officer, tree.a2, full_name="Lê Thị Bốn", date_of_birth=datetime.date(1990, 5, 5)),
    ]  # fmt: skip
    member_leave(actor=xa_officer, member=made[3], on=datetime.date(2026, 2, 1), reason="moved")
    return made


def test_figures_at_a_date(tree, people):
    stats = unit_stats(unit=tree.a, on=ON, period_start=START, sensitive=True)
    assert stats.total == 3  # the fourth left in February
    assert stats.joined == 1 and stats.left == 1
    assert stats.core == 1
    assert stats.digital["has_phone"] == 3 and stats.percent(stats.digital["has_phone"]) == 100.0
    assert stats.vneid_2 == 1
    assert dict(stats.age_bands)["18–30"] == 1 and dict(stats.age_bands)["61–75"] == 1
    assert dict(stats.ethnicity)["Khmer"] == 1
    by_unit = {row["unit"].name: row["members"] for row in stats.children}
    assert by_unit == {tree.a1.name: 2, tree.a2.name: 1}
    earlier = unit_stats(
        unit=tree.a, on=datetime.date(2026, 1, 20), period_start=START, sensitive=False
    )
    assert (
        earlier.total == 3 and earlier.ethnicity is None
    )  # the one who joined in March is not yet in


def test_participation_rate_from_population(tree, people, tinh_admin):
    population_set(actor=tinh_admin, unit=tree.a, year=2025, women_18_plus=300)
    stats = unit_stats(unit=tree.a, on=ON, period_start=START, sensitive=False)
    assert stats.women_18_plus == 300 and stats.population_year == 2025
    assert stats.participation == 1.0


def test_dashboard_page_and_sensitive_charts(client, tree, people, xa_officer, chi_hoi_leader):
    client.force_login(xa_officer)
    page = client.get(reverse("members:dashboard") + "?on=30/06/2026").content.decode()
    assert 'data-chart="ethnicity"' in page and "dashboard-data" in page
    client.force_login(chi_hoi_leader)
    page = client.get(reverse("members:dashboard")).content.decode()
    assert 'data-chart="ethnicity"' not in page  # no view_sensitive for a branch leader


def test_dashboard_query_count_does_not_grow(client, tree, people, xa_officer):
    client.force_login(xa_officer)
    url = reverse("members:dashboard")
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for i in range(5):
        admit(xa_officer, tree.a2, full_name=f"Phan Thị Thêm {i}")
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second) == len(first)


def test_a_past_date_counts_her_where_she_was_then(tree, xa_officer, tinh_admin):
    """Moves since the date are replayed: before her transfer she counts in commune A."""
    from hoiso.members.services import member_transfer

    lan = admit(xa_officer, tree.a1, full_name="Lê Thị Lan", joined_on=datetime.date(2020, 1, 1))
    member_transfer(actor=tinh_admin, member=lan, to_unit=tree.b1, on=datetime.date(2026, 5, 1))
    before, after = datetime.date(2026, 4, 1), datetime.date(2026, 5, 2)
    assert unit_stats(unit=tree.a, on=before, period_start=START, sensitive=False).total == 1
    assert unit_stats(unit=tree.b, on=before, period_start=START, sensitive=False).total == 0
    assert unit_stats(unit=tree.a, on=after, period_start=START, sensitive=False).total == 0
    assert unit_stats(unit=tree.b, on=after, period_start=START, sensitive=False).total == 1
    rows = unit_stats(unit=tree.p, on=before, period_start=START, sensitive=False).children
    assert {r["unit"].pk: r["members"] for r in rows} == {tree.a.pk: 1, tree.b.pk: 0}
    branches = unit_stats(unit=tree.a, on=before, period_start=START, sensitive=False).children
    assert {r["unit"].pk: r["members"] for r in branches}[tree.a1.pk] == 1
