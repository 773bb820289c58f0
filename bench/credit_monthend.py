"""Month-end of a province's savings and credit: 50,000 active loans.

On a PostgreSQL DATABASE_URL (a throw-away database is created beside it and dropped at
the end): a province of --communes commune unions, each with savings groups of --group
members (her compulsory savings, one loan each on the Bank's programmes or the Union's
fund), --loans loans in all, disbursed over the twelve months before the month-end and
repaid at the monthly meetings; 12% of the borrowers stop paying at some month, so there
is overdue debt of every age. The books are written in bulk (bench/credit_books.py: the
rows the services write) and checked with the project's balance check.

Timed: `credit.monthend.month_end` for the whole province on the last day of the month —
interest accrual, penalties on overdue principal, commission on entrusted programmes,
ageing and PAR per group into the portfolio snapshots — --runs times, each in a
transaction rolled back afterwards (so each run starts from the same books). Target:
under 60 s. Then PAR30 of the province as of that day (`selectors.par30`), --reps times.

    DATABASE_URL=postgres://… .venv/bin/python bench/credit_monthend.py [--loans 50000] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time

from common import (
    create_postgres_database,
    drop_postgres_database,
    emit,
    is_postgres,
    manage,
    report,
    setup_django,
    timed_ms,
    with_database,
)

MONTH_END = datetime.date(2026, 10, 31)
FORMED = datetime.date(2025, 10, 1)
PROGRAMMES = [("HN", 0.35, (24, 36, 60)), ("CN", 0.2, (24, 36)), ("QH", 0.15, (12, 18, 24)),
              ("NSVS", 0.15, (24, 36, 60)), ("GQVL", 0.15, (24, 36))]  # fmt: skip
LATE_SHARE = 0.12


class Rollback(Exception):
    pass


def weighted(rng, pairs):
    roll, total = rng.random(), 0.0
    for pair in pairs:
        total += pair[1]
        if roll <= total:
            return pair
    return pairs[-1]


def build(loans: int, communes: int, group_size: int):
    """The province, its members and the books; returns (province, seconds)."""
    from credit_books import Books
    from django.db import connection, transaction

    from hoiso.accounts.models import Role, User
    from hoiso.core.bulk import reset_sequence
    from hoiso.credit.models import Programme
    from hoiso.credit.schedules import add_months
    from hoiso.demo.bulk import UnitTree
    from hoiso.members.demo import MemberRows
    from hoiso.members.models import Member
    from hoiso.org.models import Unit

    started = time.perf_counter()
    rng = random.Random(6)
    groups = -(-loans // group_size)
    per_commune = -(-groups // communes)
    with transaction.atomic(), connection.cursor() as cursor:
        # The rows are consistent by construction (and balance-checked afterwards): skip the
        # foreign-key triggers while filling, as a restore does (superuser, this session).
        cursor.execute("SET LOCAL session_replication_role = replica")
        tree = UnitTree()
        province = tree.add(None, name="Hội LHPN tỉnh Thử Tín Dụng", kind=Unit.Kind.PROVINCE,
                            code="BENCH-CR")  # fmt: skip
        places = []
        for c in range(communes):
            commune = tree.add(province, name=f"Hội LHPN xã Thử {c + 1}", kind=Unit.Kind.COMMUNE,
                               code=f"BENCH-CR-{c}")  # fmt: skip
            branch = tree.add(commune, name=f"Chi hội Ấp {c + 1}", kind=Unit.Kind.BRANCH,
                              code=f"BENCH-CR-{c}-B")  # fmt: skip
            places.append((commune, tree.add(branch, name="Tổ 1", kind=Unit.Kind.GROUP,
                                             code=f"BENCH-CR-{c}-B-T")))  # fmt: skip
        tree.save()
        people = MemberRows(rng=random.Random(11), today=MONTH_END, first_serial=700_000)
        for commune, team in places:
            team.parent = None  # only the path and pk are read
            people.add_group(team, commune, per_commune * group_size, 0.05, "other")
        people.flush()
        reset_sequence(Member)
        members = {}
        for pk, unit_id in (Member.objects.filter(status=Member.Status.ACTIVE)
                            .values_list("pk", "unit_id").order_by("pk")):  # fmt: skip
            members.setdefault(unit_id, []).append(pk)
        maker = User.objects.create_user(username="bench_xa", password="x" * 20,
                                         full_name="Cán bộ xã Thử")  # fmt: skip
        checker = User.objects.create_user(username="bench_tinh", password="x" * 20,
                                           full_name="Quản trị tỉnh Thử")  # fmt: skip
        Role.objects.create(user=checker, unit=province, role="province_admin")
        programmes = {p.code: p for p in Programme.objects.all()}
        books = Books(maker=maker, checker=checker, programmes=programmes)
        left = loans
        for c, (commune, team) in enumerate(places):
            ids = members[team.pk]
            for g in range(per_commune):
                if left <= 0:
                    break
                size = min(group_size, left)
                day = rng.choice([5, 10, 15, 20])
                meetings = [add_months(FORMED, m, day) for m in range(1, 14)]
                meetings = [d for d in meetings if d <= MONTH_END]
                specs = []
                for n in range(size):
                    code, _w, terms = weighted(rng, PROGRAMMES)
                    prog = programmes[code]
                    months = max(prog.min_term_months, rng.choice(terms))
                    amount = min(prog.max_amount, rng.randint(6, 60) * 1_000_000)
                    disbursed = meetings[rng.randint(0, 11)]
                    stops = None
                    if rng.random() < LATE_SHARE:
                        stops = add_months(disbursed, rng.randint(1, 12))
                    specs.append((n, code, amount, months, disbursed, stops))
                books.group(unit=commune, code=f"BCR{c}-{g:03d}", name=f"Tổ TK&VV {c + 1}.{g + 1}",
                            meeting_day=day, formed_on=FORMED,
                            member_ids=ids[g * group_size: g * group_size + size], loans=specs,
                            meetings=meetings)  # fmt: skip
                left -= size
            books.flush()
        books.finish()
    return Unit.objects.get(pk=province.pk), time.perf_counter() - started, books.counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loans", type=int, default=50_000)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--group", type=int, default=50, help="members (and loans) per group")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not is_postgres(base):
        raise SystemExit("credit_monthend.py measures PostgreSQL: set DATABASE_URL to one.")
    url = with_database(base, "hoiso_bench_credit")
    create_postgres_database(url, fresh=True)
    os.environ["DATABASE_URL"] = url
    try:
        manage(url, "migrate", "--noinput", "-v", "0")
        setup_django()
        from credit_books import check
        from django.db import transaction

        from hoiso.credit import monthend, selectors

        province, seconds, counts = build(args.loans, args.communes, args.group)
        emit("credit_books_fill_seconds", median=seconds, runs=1, **counts)
        manage(url, "shell", "-c", "from django.db import connection; "
               "connection.cursor().execute('VACUUM ANALYZE')")  # fmt: skip
        started = time.perf_counter()
        differences = check()
        emit("credit_check_balances_seconds", median=time.perf_counter() - started, runs=1,
             differences=len(differences))  # fmt: skip
        if differences:
            raise SystemExit(f"the books do not balance: {differences[:5]}")
        times, result = [], None
        for _run in range(args.runs):
            try:
                with transaction.atomic():
                    started = time.perf_counter()
                    result = monthend.month_end(on=MONTH_END)
                    times.append(time.perf_counter() - started)
                    raise Rollback
            except Rollback:
                pass
        emit("credit_month_end_seconds", median=statistics.median(times), runs=len(times),
             max=max(times), loans=counts["loans"], accrued_loans=result.accrued_loans,
             penalty_loans=result.penalty_loans, snapshots=result.snapshots,
             load=os.getloadavg()[0])  # fmt: skip
        ratio = selectors.par30(unit=province, on=MONTH_END)
        par = timed_ms(lambda: selectors.par30(unit=province, on=MONTH_END), args.reps)
        report("credit_par30_province_ms", par, loans=counts["loans"], par30=ratio.percent())
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_postgres_database(url)


if __name__ == "__main__":
    sys.exit(main())
