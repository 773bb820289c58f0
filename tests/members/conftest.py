"""Member fixtures on top of the shared tree and personas (tests/conftest.py)."""

import pytest

from tests.helpers import make_user
from tests.members.helpers import admit


@pytest.fixture
def viewer(tree):
    """A viewer of commune A: sees the unit and its figures, not members' personal data."""
    return make_user("viewer_a", full_name="Đinh Thị Xem", role="viewer", unit=tree.a)


@pytest.fixture
def q_officer(tree):
    """The officer of commune C, in the other province (Hồ Chí Minh City)."""
    return make_user("q_officer", full_name="Huỳnh Thị Nga", role="commune_officer", unit=tree.c)


@pytest.fixture
def lan(tree, xa_officer):
    """An ordinary member of branch a1 (commune A)."""
    return admit(xa_officer, tree.a1, full_name="Nguyễn Thị Lan", phone="0912 345 678")
