"""Concurrent submits and starts on PostgreSQL, from real threads with their own connections:
the same submit sent many times at once counts once; many starts at once make one attempt."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from hoiso.contests import quiz
from hoiso.contests.models import Attempt
from hoiso.core.errors import ServiceError
from tests.contests.helpers import make_contest, open_round, public_person, right_answers

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def _together(work) -> list:
    """Run `work()` in THREADS threads released at the same instant; their results (or errors)."""
    barrier = threading.Barrier(THREADS)
    results: list = []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait()
            outcome = work()
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.fixture
def contest(tree, xa_officer):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent connections: PostgreSQL")
    return make_contest(xa_officer, tree.a)


def test_concurrent_submits_count_once(contest):
    attempt = quiz.attempt_start(participant=public_person(contest), round_=open_round(contest))
    answers = right_answers(attempt)
    results = _together(lambda: quiz.attempt_submit(key=attempt.key, token=attempt.submit_token,
                                                    raw_answers=answers, prediction=4))  # fmt: skip
    assert len(results) == THREADS
    assert all(isinstance(r, tuple) for r in results), results
    assert sum(1 for _a, fresh in results if fresh) == 1  # stored once, the others replays
    attempt.refresh_from_db()
    assert attempt.status == "submitted" and attempt.correct == attempt.question_count
    assert {a.submitted_at for a, _f in results} == {attempt.submitted_at}


def test_concurrent_starts_make_one_attempt(contest):
    person = public_person(contest)
    round_ = open_round(contest)
    results = _together(lambda: quiz.attempt_start(participant=person, round_=round_))
    assert not [
        r for r in results if isinstance(r, Exception) and not isinstance(r, ServiceError)
    ], results
    assert Attempt.objects.filter(participant=person).count() == 1
    assert len({r.pk for r in results if isinstance(r, Attempt)}) == 1


def test_concurrent_public_entries_make_one_participant(contest):
    from hoiso.contests.models import Participant

    results = _together(lambda: public_person(contest, 5))
    assert all(isinstance(r, Participant) for r in results), results
    assert Participant.objects.count() == 1
