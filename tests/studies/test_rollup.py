"""Completion and pass rates rolled up the tree, against figures computed by hand, and the
same figures as report indicators (ratios that roll up weighted).

Who must study the province's material (officials of both communes and all members):

    commune A (6): xa_officer (at A)       studies, passes the check online (100%)
                   chi_hoi_leader (a1)     nothing
                   m1, m2 (group a1a)      recorded: m1 90% (pass), m2 50% (fail)
                   m3 (group a1b)          nothing
                   m4 (branch a2)          recorded: studied, no score
    commune B (3): xa_officer_other (at B) nothing
                   m5, m6 (branch b1)      recorded: m5 80% (pass: the mark is 80), m6 nothing

    A: studied 4/6 = 66.7%, passed 2/6 = 33.3%     B: studied 1/3 = 33.3%, passed 1/3 = 33.3%
    province: studied 5/9 = 55.6%, passed 3/9 = 33.3%
    inside A: A itself 1/1 studied, 1/1 passed; branch a1 2/4 studied, 1/4 passed;
              branch a2 1/1 studied, 0/1 passed
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from hoiso.core import indicators
from hoiso.core.indicators import Ratio
from hoiso.studies import selectors, services
from hoiso.studies.models import Learner
from hoiso.studies.services import Row
from tests.studies.helpers import key, right_answers

pytestmark = [pytest.mark.django_db, pytest.mark.portable]


@pytest.fixture
def done(material, people, xa_officer, xa_officer_other, chi_hoi_leader):
    def pk(name):
        return Learner.objects.get(material=material, member=people[name]).pk

    learner = Learner.objects.get(material=material, user=xa_officer)
    services.learner_confirm(actor=xa_officer, learner=learner)
    services.check_submit(actor=xa_officer, learner=learner, key=key(),
                          answers=right_answers(material))  # fmt: skip
    services.record_members(actor=chi_hoi_leader, material=material, rows=[
        Row(pk("m1"), True, 90), Row(pk("m2"), True, 50), Row(pk("m3"), False, None)])  # fmt: skip
    services.record_members(actor=xa_officer, material=material, rows=[Row(pk("m4"), True, None)])
    services.record_members(actor=xa_officer_other, material=material, rows=[
        Row(pk("m5"), False, 80), Row(pk("m6"), False, None)])  # fmt: skip
    return material


def figures(progress):
    return (progress.total, progress.studied, progress.passed, progress.completion,
            progress.pass_rate)  # fmt: skip


def test_the_province_by_commune(done, tree):
    board = selectors.progress_board(material=done, parent=tree.p)
    rows = {row.unit.pk: figures(row) for row in board.rows}
    assert rows == {
        tree.a.pk: (6, 4, 2, Decimal("66.7"), Decimal("33.3")),
        tree.b.pk: (3, 1, 1, Decimal("33.3"), Decimal("33.3")),
    }
    assert board.own is None
    assert figures(board.total) == (9, 5, 3, Decimal("55.6"), Decimal("33.3"))


def test_drilling_into_commune_a(done, tree):
    board = selectors.progress_board(material=done, parent=tree.a)
    assert figures(board.own) == (1, 1, 1, Decimal("100.0"), Decimal("100.0"))
    assert {row.unit.pk: figures(row) for row in board.rows} == {
        tree.a1.pk: (4, 2, 1, Decimal("50.0"), Decimal("25.0")),
        tree.a2.pk: (1, 1, 0, Decimal("100.0"), Decimal("0.0")),
    }
    assert figures(board.total) == (6, 4, 2, Decimal("66.7"), Decimal("33.3"))
    group = selectors.progress_board(material=done, parent=tree.a1)
    assert {row.unit.pk: row.total for row in group.rows} == {tree.a1a.pk: 2, tree.a1b.pk: 1}
    assert group.own.total == 1  # the branch leader herself


def test_indicators_are_ratios_that_roll_up(done, tree):
    start = datetime.date.today() - datetime.timedelta(days=30)
    end = done.deadline
    province = indicators.evaluate(["studies.completion", "studies.pass_rate"], unit=tree.p,
                                   start=start, end=end)  # fmt: skip
    assert province == {"studies.completion": Ratio(5, 9), "studies.pass_rate": Ratio(3, 9)}
    a = indicators.evaluate(["studies.completion", "studies.pass_rate"], unit=tree.a,
                            start=start, end=end)  # fmt: skip
    b = indicators.evaluate(["studies.completion", "studies.pass_rate"], unit=tree.b,
                            start=start, end=end)  # fmt: skip
    added = Ratio(a["studies.completion"].numerator + b["studies.completion"].numerator,
                  a["studies.completion"].denominator + b["studies.completion"].denominator)  # fmt: skip
    assert added == province["studies.completion"]
    assert province["studies.completion"].percent() == Decimal("55.56")


def test_no_material_due_in_the_period_no_figure(done, tree):
    far = done.deadline + datetime.timedelta(days=400)
    values = indicators.evaluate(["studies.completion", "studies.pass_rate"], unit=tree.p,
                                 start=far, end=far)  # fmt: skip
    assert values == {"studies.completion": None, "studies.pass_rate": None}


def test_the_list_shows_each_reader_her_own_scope(done, xa_officer, tinh_admin, chi_hoi_leader):
    assert figures(selectors.scope_completion(user=tinh_admin, materials=[done])[done.pk])[:3] == (
        9,
        5,
        3,
    )
    assert figures(selectors.scope_completion(user=xa_officer, materials=[done])[done.pk])[:3] == (
        6,
        4,
        2,
    )
    mine = selectors.scope_completion(user=chi_hoi_leader, materials=[done])[done.pk]
    assert (mine.total, mine.studied, mine.passed) == (4, 2, 1)
