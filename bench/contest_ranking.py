"""Ranking a quiz round of 200,000 attempts.

On a PostgreSQL DATABASE_URL (a throw-away database is created beside it and dropped at the
end): one province, a public quiz contest with a closed round, 150,000 participants and
200,000 submitted attempts (a third of the people tried twice; right answers, predictions,
times and submission instants drawn so that ties happen on every criterion), written with
COPY. Then, --reps times:

1. `services.round_rank` — the SQL path (contests.ranking.rank_round_in_db: the all-right
   count, DELETE, one INSERT … SELECT with window functions, the prizes' UPDATE) in its
   transaction, with the audit row. Target: under 5 s.
2. the pure function (contests.ranking.rank) over the same attempts read with values_list —
   the single pass in Python, for comparison.

Each figure is the median in seconds over --reps.

    DATABASE_URL=postgres://… .venv/bin/python bench/contest_ranking.py [--attempts 200000] [--reps 5]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
import uuid

from common import (
    create_postgres_database,
    drop_postgres_database,
    emit,
    is_postgres,
    manage,
    median,
    setup_django,
)
from common import with_database as other_database


def build(attempts: int):
    from django.utils import timezone

    from hoiso.accounts.models import User
    from hoiso.contests import services
    from hoiso.contests.models import Attempt, Participant
    from hoiso.core.bulk import copy_rows
    from hoiso.org.models import Unit
    from hoiso.org.services import unit_create

    province = unit_create(actor=None, parent=None, name="Hội LHPN tỉnh Bench", kind=Unit.Kind.PROVINCE,
                           code="BENCH-P", check_scope=False)  # fmt: skip
    actor = User.objects.create_superuser(
        username="bench_contest", password="x" * 20, email="b@hoiso.test"
    )
    contest = services.contest_create(actor=actor, unit=province, data={
        "title": "Bench", "rules": "", "audience": "public", "time_limit_minutes": 15,
        "questions_per_attempt": 10, "attempts_per_round": 3, "prize_first": 1, "prize_second": 2,
        "prize_third": 3, "prize_consolation": 20})  # fmt: skip
    now = timezone.now()
    round_ = services.round_add(actor=actor, contest=contest, data={
        "starts_at": now - datetime.timedelta(days=8), "ends_at": now - datetime.timedelta(hours=1)})  # fmt: skip
    rng = random.Random(5)
    people = attempts * 3 // 4
    first = (Participant.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    copy_rows(Participant, ["id", "contest_id", "kind", "full_name", "name_folded", "phone", "unit_path", "created_at"],
              ((first + n, contest.pk, "public", f"Người {n}", f"nguoi {n}", f"09{n:08d}", "", now)
               for n in range(people)))  # fmt: skip
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('contests_participant', 'id'), %s)",
            [first + people],
        )
    start = round_.starts_at

    def rows():
        for n in range(attempts):
            person = first + (n if n < people else rng.randrange(people))
            correct = min(10, int(rng.betavariate(5, 1.5) * 11))
            started = start + datetime.timedelta(seconds=rng.randrange(7 * 86400))
            seconds = rng.choice([60, 90, 120, 150, 180, 240, 300, 600])
            yield (round_.pk, person, uuid.uuid4(), uuid.uuid4(), "submitted", started,
                   started + datetime.timedelta(minutes=15), started + datetime.timedelta(seconds=seconds),
                   "[]", "{}", 10, correct, rng.randint(0, 60000), seconds * 1000)  # fmt: skip

    copy_rows(Attempt, ["round_id", "participant_id", "key", "submit_token", "status", "started_at", "deadline",
                        "submitted_at", "layout", "answers", "question_count", "correct", "prediction",
                        "duration_ms"], rows())  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE contests_attempt")
        cursor.execute("ANALYZE contests_participant")
    return actor, round_


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=200_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument(
        "--explain", action="store_true", help="print the INSERT's plan with timings"
    )
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not is_postgres(base):
        raise SystemExit("contest_ranking.py measures PostgreSQL: set DATABASE_URL to one.")
    url = other_database(base, "hoiso_bench_contests")
    create_postgres_database(url, fresh=True)
    os.environ["DATABASE_URL"] = url
    try:
        manage(url, "migrate", "--noinput", "-v", "0")
        setup_django()
        from hoiso.contests import ranking, services
        from hoiso.contests.models import Attempt, Result, Round

        started = time.perf_counter()
        actor, round_ = build(args.attempts)
        emit("contest_ranking_build", attempts=args.attempts, seconds=time.perf_counter() - started)
        sql, python, outcome = [], [], None
        for _n in range(args.reps):
            Round.objects.filter(pk=round_.pk).update(ranked_at=None)
            t = time.perf_counter()
            outcome = services.round_rank(actor=actor, round_=round_)
            sql.append(time.perf_counter() - t)
            t = time.perf_counter()
            fields = (
                "pk",
                "participant_id",
                "correct",
                "question_count",
                "prediction",
                "duration_ms",
                "submitted_at",
            )
            rows = [
                ranking.Scored(*values)
                for values in Attempt.objects.filter(round=round_, status="submitted")
                .values_list(*fields)
                .iterator(5000)
            ]
            actual, ranked = ranking.rank(rows, round_.contest.prize_counts())
            python.append(time.perf_counter() - t)
        if args.explain:
            from django.db import connection, transaction

            from hoiso.contests.ranking import _INSERT

            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '128MB'")
                cursor.execute("DELETE FROM contests_result")
                cursor.execute(
                    "EXPLAIN (ANALYZE, BUFFERS) " + _INSERT, {"actual": actual, "round": round_.pk}
                )
                print("\n".join(row[0] for row in cursor.fetchall()))
                transaction.set_rollback(True)
        assert outcome == (actual, len(ranked)), (outcome, actual, len(ranked))
        first = list(Result.objects.filter(round=round_).order_by("position").values_list(
            "participant_id", "rank", "prize")[:30])  # fmt: skip
        assert first == [(r.participant_id, r.rank, r.prize) for r in ranked[:30]]
        emit("contest_ranking_sql", attempts=args.attempts, people=outcome[1], all_right=outcome[0],
             median=median(sql), first=sql[0], again=median(sql[1:] or sql), runs=len(sql), max=max(sql))  # fmt: skip
        emit(
            "contest_ranking_python",
            attempts=args.attempts,
            median=median(python),
            runs=len(python),
        )
    finally:
        from django.db import connections

        connections.close_all()
        drop_postgres_database(url)


if __name__ == "__main__":
    sys.exit(main())
