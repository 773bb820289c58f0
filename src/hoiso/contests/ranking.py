"""Ranking a quiz round — the rules once as a pure function over plain values, and once as
one SQL statement for rounds of hundreds of thousands of attempts; the tests hold them equal.

The rules (the contest's published rules say the same):
1. each person counts with her best attempt;
2. more right answers rank higher;
3. then the prediction closer to the actual number of people who answered every question
   right (each person counted once, whatever her attempts);
4. then the shorter time;
5. then the earlier submission.
Attempts equal on all four share a rank (standard competition ranking: 1, 2, 2, 4); a
person's two equal attempts are told apart by their id, which changes nothing in her place.

Prizes go down the ranking: the first `first` places get a first prize, the next `second` a
second prize, and so on; an exact tie at a boundary shares the better prize (its rank is
inside it), so a tie can give one prize more than configured.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction


@dataclass(frozen=True)
class Scored:
    """A submitted attempt as the ranking sees it."""

    attempt_id: int
    participant_id: int
    correct: int
    question_count: int
    prediction: int
    duration_ms: int
    submitted_at: datetime.datetime


@dataclass(frozen=True)
class Ranked:
    attempt_id: int
    participant_id: int
    correct: int
    prediction: int
    distance: int
    duration_ms: int
    submitted_at: datetime.datetime
    rank: int
    position: int
    prize: str


PRIZES = ("first", "second", "third", "consolation")


def all_correct_count(attempts: Iterable[Scored]) -> int:
    """How many people answered every question right in at least one attempt."""
    return len(
        {a.participant_id for a in attempts if a.question_count and a.correct == a.question_count}
    )


def _key(a: Scored, actual: int) -> tuple:
    return (-a.correct, abs(a.prediction - actual), a.duration_ms, a.submitted_at)


def prize_for(rank: int, counts: tuple[int, int, int, int]) -> str:
    """The prize of a rank: the first rank range that contains it."""
    bound = 0
    for name, count in zip(PRIZES, counts, strict=True):
        bound += count
        if rank <= bound:
            return name
    return ""


def rank(attempts: Iterable[Scored], counts: tuple[int, int, int, int] = (0, 0, 0, 0)
         ) -> tuple[int, list[Ranked]]:  # fmt: skip
    """(actual all-correct count, the ranking of every person by her best attempt)."""
    attempts = list(attempts)
    actual = all_correct_count(attempts)
    best: dict[int, Scored] = {}
    for a in attempts:
        held = best.get(a.participant_id)
        if held is None or (_key(a, actual), a.attempt_id) < (_key(held, actual), held.attempt_id):
            best[a.participant_id] = a
    ordered = sorted(best.values(), key=lambda a: (_key(a, actual), a.attempt_id))
    ranked: list[Ranked] = []
    previous_key, current_rank = None, 0
    for position, a in enumerate(ordered, start=1):
        key = _key(a, actual)
        if key != previous_key:
            current_rank, previous_key = position, key
        ranked.append(Ranked(a.attempt_id, a.participant_id, a.correct, a.prediction,
                             abs(a.prediction - actual), a.duration_ms, a.submitted_at,
                             current_rank, position, prize_for(current_rank, counts)))  # fmt: skip
    return actual, ranked


# ------------------------------------------------------------------------------ in SQL

_ACTUAL = """
SELECT COUNT(DISTINCT participant_id) FROM contests_attempt
WHERE round_id = %s AND status = 'submitted' AND question_count > 0 AND correct = question_count
"""

# Window functions (PostgreSQL, SQLite ≥ 3.25): the best attempt of each person, then the
# ranking over those, inserted in one statement.
_INSERT = """
INSERT INTO contests_result (round_id, participant_id, attempt_id, correct, prediction, distance,
                             duration_ms, submitted_at, rank, position, prize)
SELECT round_id, participant_id, id, correct, prediction, distance, duration_ms, submitted_at,
       RANK() OVER (ORDER BY correct DESC, distance, duration_ms, submitted_at),
       ROW_NUMBER() OVER (ORDER BY correct DESC, distance, duration_ms, submitted_at, id),
       ''
FROM (
    SELECT a.id, a.round_id, a.participant_id, a.correct, a.prediction, a.duration_ms,
           a.submitted_at, ABS(a.prediction - %(actual)s) AS distance,
           ROW_NUMBER() OVER (PARTITION BY a.participant_id
                              ORDER BY a.correct DESC, ABS(a.prediction - %(actual)s),
                                       a.duration_ms, a.submitted_at, a.id) AS nth
    FROM contests_attempt a
    WHERE a.round_id = %(round)s AND a.status = 'submitted'
) best
WHERE nth = 1
"""

_PRIZES = """
UPDATE contests_result SET prize = CASE
    WHEN rank <= %(b1)s THEN 'first' WHEN rank <= %(b2)s THEN 'second'
    WHEN rank <= %(b3)s THEN 'third' ELSE 'consolation' END
WHERE round_id = %(round)s AND rank <= %(b4)s
"""


@transaction.atomic
def rank_round_in_db(round_id: int, counts: tuple[int, int, int, int]) -> tuple[int, int]:
    """Replace the round's results by the ranking of its submitted attempts; returns
    (actual all-correct count, number of people ranked). Three statements whatever the size."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The two window sorts of a big round fit in memory instead of spilling to disk.
            cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute(_ACTUAL, [round_id])
        actual = cursor.fetchone()[0]
        cursor.execute("DELETE FROM contests_result WHERE round_id = %s", [round_id])
        cursor.execute(_INSERT, {"actual": actual, "round": round_id})
        ranked = cursor.rowcount
        bounds = [sum(counts[: i + 1]) for i in range(4)]
        if bounds[3]:
            cursor.execute(_PRIZES, {"b1": bounds[0], "b2": bounds[1], "b3": bounds[2],
                                     "b4": bounds[3], "round": round_id})  # fmt: skip
    return actual, ranked
