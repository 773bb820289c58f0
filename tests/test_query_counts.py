"""List pages make the same number of queries whatever the number of rows (no N+1).

Rather than pin an exact figure that every template change would move, each page is
loaded, then more rows are added, and the page must need no more queries than before.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoiso.core import audit
from hoiso.org.models import AdministrativeArea
from hoiso.org.services import official_appoint, population_set, unit_create, unit_rename
from tests.helpers import make_user, today

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    client.get(url)  # warm up: session, user, content types
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


class More:
    """Adds rows of each kind under commune B (seen by the province admin)."""

    def __init__(self, tree, positions, tinh_admin):
        self.tree, self.positions, self.actor = tree, positions, tinh_admin
        self.n = 0

    def units(self, count=4):
        for _ in range(count):
            self.n += 1
            branch = unit_create(actor=self.actor, parent=self.tree.b, name=f"Chi hội Ấp {self.n}", kind="branch",
                                 code=f"X{self.n}")  # fmt: skip
            unit_create(
                actor=self.actor,
                parent=branch,
                name=f"Tổ {self.n}",
                kind="group",
                code=f"XG{self.n}",
            )

    def officials(self, unit, count=4):
        for i in range(count):
            official_appoint(actor=self.actor, unit=unit, full_name=f"Cán bộ số {self.n}{i}",
                             position=self.positions["uy-vien-bch"], term_start=2025, term_end=2030,
                             started_on=datetime.date(2025, 1, 1))  # fmt: skip

    def populations(self, count=4):
        for i in range(count):
            self.n += 1
            area = AdministrativeArea.objects.create(code=f"9{self.n:04d}", name=f"Xã Số {self.n}",
                                                     division_type="xã", level="commune",
                                                     province=self.tree.p.area)  # fmt: skip
            unit = unit_create(actor=self.actor, parent=self.tree.p, name=f"Hội LHPN xã Số {self.n}",
                               kind="commune", code=f"XP{self.n}", area=area)  # fmt: skip
            population_set(actor=self.actor, unit=unit, year=2025, women_18_plus=1000 + i)

    def restructurings(self, count=4):
        for _ in range(count):
            self.n += 1
            unit_rename(actor=self.actor, unit=self.tree.b2, new_name=f"Chi hội Khu vực 4-{self.n}",
                        effective_on=today())  # fmt: skip

    def users(self, count=4):
        for _ in range(count):
            self.n += 1
            make_user(
                f"user{self.n}", full_name=f"Người dùng {self.n}", role="viewer", unit=self.tree.b1
            )

    def members(self, count=4):
        from hoiso.members.services import member_admit

        for _ in range(count):
            self.n += 1
            unit = self.tree.b1a if self.n % 2 else self.tree.b2
            member_admit(actor=self.actor, unit=unit, consents=["membership"],
                         data={"full_name": f"Lê Thị Số {self.n}", "phone": f"09{self.n:08d}",
                               "date_of_birth": datetime.date(1980, 1, 1)})  # fmt: skip

    def audit(self, count=6):
        for i in range(count):
            audit.record(actor=self.actor, action="test.more", obj=self.tree.b1, details={"i": i})


@pytest.fixture
def more(tree, positions, tinh_admin):
    return More(tree, positions, tinh_admin)


@pytest.fixture
def admin_client(client, tinh_admin):
    client.force_login(tinh_admin)
    return client


@pytest.mark.parametrize(
    ("url", "grow"),
    [
        (lambda t: reverse("org:tree"), lambda m: m.units()),
        (lambda t: reverse("org:tree_children", args=[t.b.pk]), lambda m: m.units()),
        (
            lambda t: reverse("org:unit_detail", args=[t.b.pk]),
            lambda m: (m.units(), m.officials(m.tree.b)),
        ),
        (lambda t: reverse("org:unit_officials", args=[t.b.pk]), lambda m: m.officials(m.tree.b)),
        (lambda t: reverse("org:unit_lineage", args=[t.b2.pk]), lambda m: m.restructurings()),
        (lambda t: reverse("org:population_list"), lambda m: m.populations()),
        (lambda t: reverse("org:restructuring_list"), lambda m: m.restructurings()),
        (lambda t: reverse("accounts:user_list"), lambda m: m.users()),
        (lambda t: reverse("core:audit_list"), lambda m: m.audit()),
        (lambda t: reverse("members:member_list"), lambda m: m.members()),
        (lambda t: reverse("members:member_list") + "?q=le+thi", lambda m: m.members()),
        (lambda t: reverse("members:transfer_list"), lambda m: m.members()),
    ],
    ids=[
        "tree",
        "tree_children",
        "unit_detail",
        "unit_officials",
        "unit_lineage",
        "population_list",
        "restructuring_list",
        "user_list",
        "audit_list",
        "member_list",
        "member_list_search",
        "transfer_list",
    ],  # fmt: skip
)
def test_no_more_queries_with_more_rows(admin_client, tree, more, url, grow):
    target = url(tree)
    grow(more)  # some rows first: an empty list skips the per-row code
    before = queries(admin_client, target)
    grow(more)
    after = queries(admin_client, target)
    assert after <= before, f"{target}: {before} queries, then {after} with more rows"
