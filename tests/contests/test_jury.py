"""Entry contests, the jury: judges, the automatic assignment (never a judge's own locality:
a property test over random trees), scoring, the aggregation (figures computed by hand),
publishing, the forwarded package and the certificates."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from hoiso.contests import judging, jury
from hoiso.contests.entry_certificates import entry_certificate_pdf
from hoiso.contests.models import Assignment, EntryContest, Forward, Score
from hoiso.core.errors import ServiceError
from tests.contests.entry_helpers import (
    entries_snapshot,
    make_call,
    past_deadline,
    pdf_bytes,
    score_all,
    submit,
    upload,
)
from tests.helpers import make_user

pytestmark = [pytest.mark.usefixtures("english")]
D = Decimal


# ------------------------------------------------------------------------------ pure rules


def seg(n: int) -> str:
    return f"{n:08d}."


class TestLocality:
    def test_locality_is_the_unit_below_the_organiser(self):
        p, a, a1 = seg(1), seg(1) + seg(2), seg(1) + seg(2) + seg(3)
        assert jury.locality(a1, p) == a and jury.locality(a, p) == a
        assert jury.locality(p, p) is None  # the organiser's own unit: neutral
        assert jury.locality(seg(9) + seg(2), p) is None  # outside
        assert jury.locality(a1, a) == a1


class TestTotals:
    # rubric: creativity ×3 /10, usefulness ×5 /10, presentation ×2 /5
    CRITERIA = [(1, 3, 10), (2, 5, 10), (3, 2, 5)]

    def test_judge_total_by_hand(self):
        # 100 × (3×8/10 + 5×6/10 + 2×4/5) / 10 = 100 × (2.4 + 3 + 1.6) / 10 = 70
        assert jury.judge_total({1: D(8), 2: D(6), 3: D(4)}, self.CRITERIA) == D("70.00")
        # 100 × (3×7.5/10 + 5×9/10 + 2×2.5/5) / 10 = 100 × (2.25 + 4.5 + 1) / 10 = 77.5
        assert jury.judge_total({1: D("7.5"), 2: D(9), 3: D("2.5")}, self.CRITERIA) == D("77.50")
        # 100 × (3×1/10 + 0 + 0)/10 = 3; (1/3 of a point rounds half up at the cent)
        assert jury.judge_total({1: D(1), 2: D(0), 3: D(0)}, self.CRITERIA) == D("3.00")
        assert jury.judge_total({1: D(1)}, [(1, 3, 9)]) == D("11.11")

    def test_aggregate_by_hand(self):
        rows = [
            (10, [D(70), D(80)], 2),  # mean 75, pstdev 5, range 10
            (11, [D(90), D(60)], 2),  # mean 75, pstdev 15, range 30 > 20: flagged; ties with 10
            (12, [D(50), D(52), D(54)], 3),  # mean 52, pstdev √(8/3) = 1.63, range 4
            (13, [D(99)], 2),  # one of two judges: not ranked
            (14, [], 1),
        ]
        s = {x.entry_id: x for x in jury.aggregate(rows, threshold=20, prizes=(1, 1, 0, 1))}
        assert (s[10].mean, s[10].stdev, s[10].range, s[10].flagged) == (
            D("75.00"),
            D("5.00"),
            D(10),
            False,
        )
        assert (s[11].mean, s[11].stdev, s[11].range, s[11].flagged) == (
            D("75.00"),
            D("15.00"),
            D(30),
            True,
        )
        assert (s[12].mean, s[12].stdev, s[12].range) == (D("52.00"), D("1.63"), D(4))
        assert (s[10].rank, s[11].rank, s[12].rank) == (1, 1, 3)  # a tie shares the rank
        assert (s[10].prize, s[11].prize, s[12].prize) == ("first", "first", "consolation")
        assert s[13].rank is None and s[13].mean == D("99.00") and not s[13].complete
        assert s[14].rank is None and s[14].mean is None
        order = [x.entry_id for x in jury.aggregate(rows, threshold=20)]
        assert order == [10, 11, 12, 13, 14]


# a random tree: up to 4 localities under the organiser, each with up to 3 units below
trees = st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=4)


@st.composite
def jury_cases(draw):
    organiser = seg(1)
    shape = draw(trees)
    units = []  # every unit strictly below the organiser
    for n, children in enumerate(shape, start=2):
        local = organiser + seg(n)
        units.append(local)
        units += [local + seg(100 * n + k) for k in range(children)]
    elsewhere = [seg(1000), organiser]  # neutral homes: another province, the organiser itself
    entries = [(i, draw(st.sampled_from(units))) for i in range(draw(st.integers(1, 25)))]
    judges = {}
    for j in range(draw(st.integers(1, 7))):
        judges[100 + j] = draw(st.lists(st.sampled_from(units + elsewhere), min_size=1, max_size=3))
    per_entry = draw(st.integers(1, 3))
    return organiser, entries, judges, per_entry


@given(jury_cases())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_assignment_never_gives_a_judge_her_own_locality(case):
    organiser, entries, judges, per_entry = case
    try:
        pairs = jury.plan_assignments(
            entries=entries, judges=judges, organiser_path=organiser, per_entry=per_entry
        )
    except jury.NotEnoughJudges as exc:
        # refused exactly when some entry has fewer eligible judges than it needs
        for entry_id, path in entries:
            eligible = [j for j, paths in judges.items()
                        if jury.locality(path, organiser) not in jury.localities(paths, organiser)]  # fmt: skip
            assert (len(eligible) < per_entry) == (entry_id in exc.short)
        assert exc.short
        return
    paths = dict(entries)
    per: dict[int, list[int]] = {}
    for entry_id, judge_id in pairs:
        per.setdefault(entry_id, []).append(judge_id)
        place = jury.locality(paths[entry_id], organiser)
        own = jury.localities(judges[judge_id], organiser)
        assert place not in own, "a judge was given an entry of her own locality"
        assert not any(paths[entry_id].startswith(p) or p.startswith(paths[entry_id])
                       for p in judges[judge_id] if p != organiser and p.startswith(organiser))  # fmt: skip
    for entry_id, _path in entries:
        assert len(per[entry_id]) == per_entry == len(set(per[entry_id]))
    if all(not jury.localities(p, organiser) for p in judges.values()):
        loads = [sum(1 for _e, j in pairs if j == judge) for judge in judges]
        assert max(loads) - min(loads) <= 1  # no conflicts: the load is even


def test_existing_assignments_are_kept_and_counted():
    p = seg(1)
    entries = [(1, p + seg(2)), (2, p + seg(3))]
    pairs = jury.plan_assignments(entries=entries, judges={7: [p], 8: [p], 9: [p]}, organiser_path=p,
                                  per_entry=2, existing={1: {7, 8}})  # fmt: skip
    assert sorted(pairs) == [(2, 9), (2, 7)] or sorted(pairs) == [(2, 7), (2, 9)]


# ------------------------------------------------------------------------------ services


@pytest.fixture
def judged(tinh_admin, xa_officer, xa_officer_other, tree):
    """The province's call: two entries from commune A, two from commune B; the jury: the
    officers of A and B and an outside judge with the judge role at the province."""
    contest = make_call(tinh_admin, tree.p)
    made = [submit(xa_officer, contest, tree.a, 1, files=[upload("a.pdf", pdf_bytes())]),
            submit(xa_officer, contest, tree.a1, 2), submit(xa_officer_other, contest, tree.b, 3),
            submit(xa_officer_other, contest, tree.b1, 4)]  # fmt: skip
    outside = make_user("giam_khao", full_name="Hồ Thị Giám Khảo", role="judge", unit=tree.p)
    judges = {u.username: judging.judge_add(actor=tinh_admin, contest=contest, user=u)
              for u in (xa_officer, xa_officer_other, outside)}  # fmt: skip
    judging.judging_start(actor=tinh_admin, contest=contest)
    return contest, made, judges


@pytest.mark.django_db
@pytest.mark.portable
class TestJudging:
    def test_judge_candidates_and_home_unit(self, judged, tree, chi_hoi_leader, tinh_admin):
        contest, _made, judges = judged
        assert judges["xa_officer"].unit == tree.a and judges["giam_khao"].unit == tree.p
        assert chi_hoi_leader in judging.judge_candidates(contest)
        q_officer = make_user("q_officer", role="commune_officer", unit=tree.c)
        with pytest.raises(ServiceError, match="role at the organising unit"):
            judging.judge_add(actor=tinh_admin, contest=contest, user=q_officer)

    def test_assignment_never_own_locality(self, judged, tinh_admin):
        contest, made, judges = judged
        assert judging.assign_automatically(actor=tinh_admin, contest=contest) == 8
        given = set(Assignment.objects.values_list("entry__code", "judge__user__username"))
        a_codes, b_codes = {made[0].code, made[1].code}, {made[2].code, made[3].code}
        assert {(c, "xa_officer_other") for c in a_codes} | {
            (c, "giam_khao") for c in a_codes
        } <= given
        assert {(c, "xa_officer") for c in b_codes} | {(c, "giam_khao") for c in b_codes} <= given
        assert not any((c, "xa_officer") in given for c in a_codes)
        assert not any((c, "xa_officer_other") in given for c in b_codes)
        # again: nothing more to do
        assert judging.assign_automatically(actor=tinh_admin, contest=contest) == 0

    def test_not_enough_judges_writes_nothing(self, judged, tinh_admin):
        contest, _made, judges = judged
        judging.judge_remove(actor=tinh_admin, judge=judges["giam_khao"])
        before = entries_snapshot()
        with pytest.raises(ServiceError, match="Not enough judges"):
            judging.assign_automatically(actor=tinh_admin, contest=contest)
        assert entries_snapshot() == before

    def test_scoring_rules(self, judged, tinh_admin, xa_officer, xa_officer_other):
        contest, made, _judges = judged
        judging.assign_automatically(actor=tinh_admin, contest=contest)
        mine = Assignment.objects.filter(judge__user=xa_officer).first()
        theirs = Assignment.objects.filter(judge__user=xa_officer_other).first()
        c = list(contest.criteria.all())
        good = {c[0].pk: "8", c[1].pk: "6", c[2].pk: "4"}
        before = entries_snapshot()
        for values, message in (({**good, c[2].pk: "5.5"}, "from 0 to 5"), ({**good, c[0].pk: "-1"}, "from 0 to 10"),
                                ({**good, c[1].pk: "abc"}, "enter a number"), ({c[0].pk: "1"}, "Score every"),
                                ({**good, c[0].pk: "1.001"}, "two decimal"), ({**good, c[0].pk: "NaN"}, "from 0")):  # fmt: skip
            with pytest.raises(ServiceError, match=message):
                judging.scores_save(actor=xa_officer, assignment=mine, values=values)
        with pytest.raises(ServiceError, match="not assigned to you"):
            judging.scores_save(actor=xa_officer, assignment=theirs, values=good)
        assert entries_snapshot() == before
        judging.scores_save(actor=xa_officer, assignment=mine, values=good)
        assert Assignment.objects.get(pk=mine.pk).total == D("70.00")
        judging.scores_save(
            actor=xa_officer, assignment=mine, values={**good, c[0].pk: "10"}
        )  # revised
        assert Assignment.objects.get(pk=mine.pk).total == D("76.00")
        assert Score.objects.filter(assignment=mine).count() == 3

    def test_publish_needs_every_score_then_freezes_them(self, judged, tinh_admin, xa_officer):
        contest, made, _judges = judged
        judging.assign_automatically(actor=tinh_admin, contest=contest)
        with pytest.raises(ServiceError, match="not scored yet"):
            judging.results_publish(actor=tinh_admin, contest=contest)
        _score_by_hand(contest, made)
        judging.results_publish(actor=tinh_admin, contest=contest)
        contest.refresh_from_db()
        assert contest.status == EntryContest.Status.PUBLISHED
        ranked = {e.code: (e.rank, e.score, e.spread, e.prize) for e in contest.entries.all()}
        # entry 1: totals 90, 50 → 70, σ 20; entry 2: 80, 80 → 80; entry 3: 60, 70 → 65; entry 4: 76, 64 → 70
        assert ranked[made[1].code] == (1, D("80.00"), D("0.00"), "first")
        assert ranked[made[0].code] == (2, D("70.00"), D("20.00"), "second")
        assert ranked[made[3].code] == (2, D("70.00"), D("6.00"), "second")
        assert ranked[made[2].code] == (4, D("65.00"), D("5.00"), "consolation")
        mine = Assignment.objects.filter(judge__user=xa_officer).first()
        with pytest.raises(ServiceError, match="closed"):
            judging.scores_save(actor=xa_officer, assignment=mine, values={})

    def test_forward_the_top_three(self, judged, tinh_admin, xa_officer):
        contest, made, _judges = judged
        judging.assign_automatically(actor=tinh_admin, contest=contest)
        _score_by_hand(contest, made)
        with pytest.raises(ServiceError, match="Publish the results"):
            judging.forward(actor=tinh_admin, contest=contest)
        judging.results_publish(actor=tinh_admin, contest=contest)
        record = judging.forward(actor=tinh_admin, contest=contest)
        assert record.to_unit is None  # the province has no unit above it here
        with pytest.raises(ServiceError, match="already been forwarded"):
            judging.forward(actor=tinh_admin, contest=contest)
        package = zipfile.ZipFile(io.BytesIO(record.package.open("rb").read()))
        names = package.namelist()
        assert names[0] == "bang-diem.xlsx"
        folders = sorted({n.split("/")[0] for n in names[1:]})
        assert [f[:9] for f in folders] == [
            f"01-{made[1].code}",
            f"02-{made[0].code}",
            f"03-{made[3].code}",
        ]
        assert any(n.endswith(".pdf") for n in names)  # entry 1's file, its original
        book = CalamineWorkbook.from_filelike(io.BytesIO(package.read("bang-diem.xlsx")))
        rows = book.get_sheet_by_index(0).to_python()
        table = [r for r in rows[4:] if r and r[0] != ""]
        assert [(int(r[0]), r[1], r[6]) for r in table] == [
            (1, made[1].code, 80.0), (2, made[0].code, 70.0), (2, made[3].code, 70.0)]  # fmt: skip
        assert (
            table[1][5] == "Hội LHPN phường Ninh Kiều"
            and table[1][7] == 20.0
            and table[1][8] == 40.0
        )
        detail = book.get_sheet_by_index(1).to_python()
        assert len([r for r in detail[1:] if r and r[0]]) == 6  # 3 entries × 2 judges

    def test_forward_to_the_parent_unit_is_seen_there(
        self, tree, xa_officer, tinh_admin, xa_officer_other
    ):
        from hoiso.contests import entry_selectors

        contest = make_call(xa_officer, tree.a, judges_per_entry=1, forward_count=1)
        one = submit(xa_officer, contest, tree.a1, 1)
        judging.judge_add(actor=xa_officer, contest=contest, user=xa_officer)
        judging.judging_start(actor=xa_officer, contest=contest)
        judging.assign_automatically(actor=xa_officer, contest=contest)
        score_all(contest)
        judging.results_publish(actor=xa_officer, contest=contest)
        record = judging.forward(actor=xa_officer, contest=contest)
        assert record.to_unit == tree.p and list(record.entries.all()) == [one]
        assert list(entry_selectors.forwards_received(tinh_admin)) == [record]
        assert not entry_selectors.forwards_received(xa_officer_other).exists()
        assert not entry_selectors.forwards_received(xa_officer).exists()  # sent, not received
        assert entry_selectors.forward_for(xa_officer, record.pk) == record

    def test_certificate(self, judged, tinh_admin):
        contest, made, _judges = judged
        judging.assign_automatically(actor=tinh_admin, contest=contest)
        _score_by_hand(contest, made)
        judging.results_publish(actor=tinh_admin, contest=contest)
        winner = contest.entries.get(rank=1)
        pdf = entry_certificate_pdf(winner)
        assert pdf.startswith(b"%PDF") and len(pdf) > 1000

    def test_judging_starts_only_with_entries_and_closes_entries(
        self, tinh_admin, tree, xa_officer
    ):
        contest = make_call(tinh_admin, tree.p)
        with pytest.raises(ServiceError, match="No entry"):
            judging.judging_start(actor=tinh_admin, contest=contest)
        submit(xa_officer, contest, tree.a1)
        judging.judging_start(actor=tinh_admin, contest=contest)
        with pytest.raises(ServiceError):
            submit(xa_officer, contest, tree.a1, 2)
        assert contest.entries.count() == 1

    def test_organiser_scope(self, judged, xa_officer_other):
        contest, _made, judges = judged
        for call in (lambda: judging.assign_automatically(actor=xa_officer_other, contest=contest),
                     lambda: judging.results_publish(actor=xa_officer_other, contest=contest),
                     lambda: judging.judge_remove(actor=xa_officer_other, judge=judges["giam_khao"])):  # fmt: skip
            with pytest.raises(ServiceError, match="cannot organise"):
                call()


def _score_by_hand(contest, made):
    """Totals: entry 1 → 90 and 50; entry 2 → 80, 80; entry 3 → 60, 70; entry 4 → 76, 64.
    With the rubric ×3/10, ×5/10, ×2/5, a total t comes from scores (t/10, t/10, t/20)."""
    wanted = {
        made[0].pk: [90, 50],
        made[1].pk: [80, 80],
        made[2].pk: [60, 70],
        made[3].pk: [76, 64],
    }
    c = list(contest.criteria.all())
    seen: dict[int, int] = {}

    def values(a):
        n = seen.get(a.entry_id, 0)
        seen[a.entry_id] = n + 1
        t = D(wanted[a.entry_id][n])
        return {c[0].pk: t / 10, c[1].pk: t / 10, c[2].pk: t / 20}

    score_all(contest, values)
    assert Forward.objects.count() == 0


def test_past_deadline_helper_is_a_real_deadline(db, tinh_admin, tree, xa_officer):
    contest = past_deadline(make_call(tinh_admin, tree.p))
    assert not contest.accepts_entries()
