"""Studies tests: the fixture tree's people and a province material assigned to both
communes, with the members of the hand-computed roll-up (see test_rollup.py)."""

from __future__ import annotations

import pytest

from tests.studies.helpers import admit, make_material


@pytest.fixture
def people(tree, xa_officer, xa_officer_other, chi_hoi_leader, tinh_admin):
    """Members: two in group a1a, one in group a1b, one in branch a2, two in branch b1 (one
    of them a core member)."""
    return {
        "m1": admit(xa_officer, tree.a1a, "Nguyễn Thị Một"),
        "m2": admit(xa_officer, tree.a1a, "Trần Thị Hai"),
        "m3": admit(xa_officer, tree.a1b, "Lê Thị Ba"),
        "m4": admit(xa_officer, tree.a2, "Phạm Thị Bốn"),
        "m5": admit(xa_officer_other, tree.b1, "Võ Thị Năm", is_core=True),
        "m6": admit(xa_officer_other, tree.b1, "Đặng Thị Sáu"),
    }


@pytest.fixture
def material(tinh_admin, tree, people):
    """The province's material to every commune: officials and all members study it."""
    return make_material(tinh_admin, tree.p)
