"""Property tests: any sequence of restructurings keeps the tree and every stored path right.

Hypothesis drives a state machine over the fixture tree: create, move, merge, split, rename
and revert-the-latest, with units and actors picked at random (so many steps are refused).
After every step: no unit is lost, every path and depth agrees with the parent links, there
is no cycle, and every role and official stores its unit's current path. A refused step
must have changed nothing at all.
"""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from hoiso.org.models import ALLOWED_CHILD_KINDS, Restructuring, Unit
from hoiso.org.services import (
    OrgError,
    SplitPart,
    official_appoint,
    restructuring_revert,
    unit_create,
    unit_move,
    unit_rename,
    unit_split,
    units_merge,
)
from tests.helpers import assert_tree_consistent, build_tree, create_areas, db_snapshot, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.portable]

NAMES = ["Chi hội Ấp 1", "Tổ Đoàn Kết", "Hội LHPN xã Mỹ Khánh", "Chi hội Khu vực Một", "Tổ 7"]
picks = st.integers(min_value=0, max_value=10_000)
# Half of the steps by the superuser, the others by any persona (often out of scope).
actors = st.one_of(st.just(0), picks)


class RestructuringMachine(RuleBasedStateMachine):
    """One example = one fresh tree inside a savepoint that is rolled back at the end."""

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.codes = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize()
    def build(self):
        from hoiso.org.models import Position

        tree = build_tree(create_areas())
        self.actors = [
            make_user("root", is_superuser=True, is_staff=True),
            make_user("tinh_admin", role="province_admin", unit=tree.p),
            make_user("xa_officer", role="commune_officer", unit=tree.a),
            make_user("xa_officer_other", role="commune_officer", unit=tree.b),
            make_user("chi_hoi_leader", role="branch_leader", unit=tree.a1),
        ]
        positions = {p.code: p for p in Position.objects.all()}
        for key, position in [("a", "chu-tich"), ("b", "chu-tich"), ("a1", "chi-hoi-truong"),
                              ("b1a", "to-truong"), ("c", "chu-tich")]:  # fmt: skip
            official_appoint(actor=None, unit=tree[key], full_name=f"Cán bộ {key}", position=positions[position],
                             term_start=2025, term_end=2030, started_on=datetime.date(2025, 1, 1),
                             check_scope=False)  # fmt: skip
        self.known = set(Unit.objects.values_list("pk", flat=True))
        self.count = len(self.known)

    # ------------------------------------------------------------ helpers

    def unit(self, pick: int, fitting=None) -> Unit:
        """A unit picked by index; among those `fitting` accepts when there are some."""
        units = list(Unit.objects.order_by("pk"))
        candidates = [u for u in units if fitting(u)] if fitting else []
        pool = candidates or units
        return pool[pick % len(pool)]

    def actor(self, pick: int):
        return type(self.actors[0]).objects.get(pk=self.actors[pick % len(self.actors)].pk)

    def code(self) -> str:
        self.codes += 1
        return f"H{self.codes}"

    def attempt(self, name: str, operation) -> None:
        """Run one operation; if it is refused, it must have changed nothing."""
        before = db_snapshot()
        try:
            operation()
        except OrgError:
            event(f"{name} refused")
            assert db_snapshot() == before, "a refused operation changed the database"
        else:
            event(f"{name} applied")

    def after(self) -> None:
        self.known |= set(Unit.objects.values_list("pk", flat=True))

    # ------------------------------------------------------------ operations
    # `fit` asks for a choice that has a chance to be valid (right kinds, every child
    # assigned); without it the choice is anything, and is mostly refused.

    @rule(parent=st.one_of(st.none(), picks), kind=st.sampled_from(Unit.Kind.values), actor=actors)
    def create(self, parent, kind, actor):
        parent_unit = None if parent is None else self.unit(parent, lambda u: u.is_active)
        self.attempt("create", lambda: unit_create(actor=self.actor(actor), parent=parent_unit,
                                                   name="Đơn vị mới", kind=kind, code=self.code()))  # fmt: skip
        self.after()

    @rule(unit=picks, parent=picks, actor=actors, cross=st.booleans(), fit=st.booleans())
    def move(self, unit, parent, actor, cross, fit):
        moving = self.unit(unit, (lambda u: u.is_active) if fit else None)
        fitting = (
            (lambda u: moving.kind in ALLOWED_CHILD_KINDS[u.kind] and u.is_active) if fit else None
        )
        new_parent = self.unit(parent, fitting)
        self.attempt("move", lambda: unit_move(actor=self.actor(actor), unit=moving, new_parent=new_parent,
                                               effective_on=datetime.date.today(),
                                               allow_cross_province=cross))  # fmt: skip

    @rule(sources=st.lists(picks, min_size=1, max_size=3), into=picks, actor=actors, cross=st.booleans(),
          fit=st.booleans())  # fmt: skip
    def merge(self, sources, into, actor, cross, fit):
        target = self.unit(into, (lambda u: u.is_active) if fit else None)
        fitting = (
            (lambda u: u.kind == target.kind and u.pk != target.pk and u.is_active) if fit else None
        )
        chosen = list({u.pk: u for u in (self.unit(s, fitting) for s in sources)}.values())
        self.attempt("merge", lambda: units_merge(actor=self.actor(actor), sources=chosen, target=target,
                                                  effective_on=datetime.date.today(),
                                                  allow_cross_province=cross))  # fmt: skip

    @rule(unit=picks, parts=st.integers(min_value=1, max_value=3), choices=st.lists(st.integers(0, 3), max_size=6),
          keeper=st.integers(0, 3), actor=actors, fit=st.booleans())  # fmt: skip
    def split(self, unit, parts, choices, keeper, actor, fit):
        target = self.unit(
            unit, (lambda u: u.parent_id is not None and u.is_active) if fit else None
        )
        children = list(Unit.objects.filter(parent=target).active().order_by("pk"))
        if fit:  # every child to an existing part
            assignment = {
                c.pk: (choices[i % len(choices)] if choices else 0) % parts
                for i, c in enumerate(children)
            }
            keeper %= parts
        else:
            assignment = {c.pk: choices[i] for i, c in enumerate(children) if i < len(choices)}
        new_parts = [SplitPart(f"Phần {i + 1}", self.code()) for i in range(parts)]
        self.attempt("split", lambda: unit_split(actor=self.actor(actor), unit=target, parts=new_parts,
                                                 assignment=assignment, keeper=keeper,
                                                 effective_on=datetime.date.today()))  # fmt: skip
        self.after()

    @rule(unit=picks, name=st.sampled_from(NAMES), actor=actors)
    def rename(self, unit, name, actor):
        self.attempt("rename", lambda: unit_rename(actor=self.actor(actor), unit=self.unit(unit), new_name=name,
                                                   effective_on=datetime.date.today()))  # fmt: skip

    @rule(actor=actors)
    def revert_latest(self, actor):
        latest = Restructuring.objects.order_by("-pk").first()
        if latest is not None:
            self.attempt("revert", lambda: restructuring_revert(actor=self.actor(actor), restructuring=latest,
                                                                effective_on=datetime.date.today()))  # fmt: skip

    # ------------------------------------------------------------ invariants

    @invariant()
    def no_unit_lost(self):
        pks = set(Unit.objects.values_list("pk", flat=True))
        assert self.known <= pks, f"units lost: {self.known - pks}"
        assert len(pks) >= self.count
        self.count = len(pks)

    @invariant()
    def paths_depths_and_stored_paths_agree(self):
        assert_tree_consistent()


def test_random_restructurings_keep_the_tree_consistent(positions):
    run_state_machine_as_test(
        RestructuringMachine,
        settings=settings(
            max_examples=50,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),  # fmt: skip
    )
