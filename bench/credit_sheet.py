"""A savings group's monthly meeting: its collection sheet and the submission of what it
collected, for a group of 60 women with loans, savings and a year of history.

On a PostgreSQL DATABASE_URL (a throw-away database is created beside it and dropped at
the end): a province's books of --background loans in bulk (as bench/credit_monthend.py
builds them), so the tables are of a province's size; then one more commune whose group of
60 members is built through the services, as officials would: the group, members,
compulsory savings for all and voluntary savings for some, a loan for most (entered by the
commune's officer, approved by the province's administrator, disbursed), twelve monthly
meetings each submitted through `collection_submit` (a few members pay part or nothing) and
a month-end after each month.

Timed, on the next meeting day:
- `collection.collection_sheet` of the group, --reps times (target: p95 under 200 ms);
- `collection.collection_submit` of the whole sheet as collected (every loan's due, every
  compulsory saving, some voluntary ones: about 110 lines), --submits times, each on the
  same fresh books: in a transaction rolled back afterwards (target: p95 under 500 ms).

    DATABASE_URL=postgres://… .venv/bin/python bench/credit_sheet.py [--reps 200] [--submits 30]
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

MEMBERS = 60
FORMED = datetime.date(2025, 10, 1)
DAY = 10
LOAN_CODES = [("HN", 0.35), ("CN", 0.2), ("QH", 0.2), ("NSVS", 0.15), ("GQVL", 0.1)]


class Rollback(Exception):
    pass


def group_with_history(rng):
    """The commune, its officer and administrator, and the group with a year of history
    through the services; returns (group, officer, next meeting day, seconds)."""
    from credit_monthend import weighted

    from hoiso.accounts.models import Role, User
    from hoiso.core.bulk import reset_sequence
    from hoiso.credit import services
    from hoiso.credit.models import Programme
    from hoiso.credit.schedules import add_months
    from hoiso.demo.bulk import UnitTree
    from hoiso.members.demo import MemberRows
    from hoiso.members.models import Member
    from hoiso.org.models import Unit

    started = time.perf_counter()
    province = Unit.objects.get(code="BENCH-CR")
    tree = UnitTree()
    commune = tree.add(province, name="Hội LHPN xã Họp Tổ", kind=Unit.Kind.COMMUNE,
                       code="BENCH-CR-SHEET")  # fmt: skip
    branch = tree.add(commune, name="Chi hội Ấp Họp Tổ", kind=Unit.Kind.BRANCH,
                      code="BENCH-CR-SHEET-B")  # fmt: skip
    team = tree.add(branch, name="Tổ 1", kind=Unit.Kind.GROUP, code="BENCH-CR-SHEET-B-T")
    tree.save()
    people = MemberRows(rng=random.Random(12), today=FORMED, first_serial=900_000)
    team.parent = None
    people.add_group(team, commune, MEMBERS, 0.05, "other")
    people.flush()
    reset_sequence(Member)
    members = list(Member.objects.filter(unit=team, status=Member.Status.ACTIVE).order_by("pk"))
    officer = User.objects.create_user(username="bench_sheet_xa", password="x" * 20,
                                       full_name="Cán bộ tín dụng xã")  # fmt: skip
    Role.objects.create(user=officer, unit=commune, role="commune_officer")
    admin = User.objects.get(username="bench_tinh")
    progs = {p.code: p for p in Programme.objects.all()}
    group = services.group_create(actor=officer, unit=commune, name="Tổ TK&VV ấp Họp Tổ",
                                  meeting_day=DAY, formed_on=FORMED,
                                  programmes=list(progs.values()))  # fmt: skip
    for member in members:
        services.group_add_member(actor=officer, group=group, member=member, joined_on=FORMED)
        services.savings_open(actor=officer, group=group, member=member, product=progs["TKBB"],
                              opened_on=FORMED)  # fmt: skip
        if rng.random() < 0.4:
            services.savings_open(actor=officer, group=group, member=member,
                                  product=progs["TKTN"], opened_on=FORMED)  # fmt: skip
    services.group_set_leader(actor=officer, group=group, member=members[0])
    meetings = [add_months(FORMED, m, DAY) for m in range(1, 14)]
    for member in members:
        if rng.random() < 0.1:
            continue
        prog = progs[weighted(rng, LOAN_CODES)[0]]
        on = meetings[rng.randint(0, 5)]
        loan = services.loan_apply(actor=officer, group=group, member=member, programme=prog,
                                   amount=min(prog.max_amount, rng.randint(6, 50) * 1_000_000),
                                   term_months=max(prog.min_term_months, rng.choice([24, 36])),
                                   applied_on=on - datetime.timedelta(days=7), purpose="Nuôi heo")  # fmt: skip
        services.loan_approve(actor=admin, loan=loan, on=on - datetime.timedelta(days=3))
        services.loan_disburse(actor=officer, loan=loan, on=on)
    late = {m.pk for m in members if rng.random() < 0.12}
    for on in meetings[:12]:
        lines = sheet_lines(services.collection_sheet(group=group, on=on), rng, late)
        services.collection_submit(actor=officer, group=group, on=on, lines=lines,
                                   idempotency_key=f"bench-sheet-{on.isoformat()}")  # fmt: skip
        services.month_end(on=add_months(on.replace(day=1), 1) - datetime.timedelta(days=1),
                           unit=commune)  # fmt: skip
    return group, officer, meetings[12], time.perf_counter() - started


def sheet_lines(sheet, rng, late=frozenset()):
    """What a meeting collects: each loan's due (a late payer: nothing or half), every
    compulsory saving, a voluntary deposit from some."""
    from hoiso.credit.services import CollectionLine

    lines = []
    for line in sheet.lines:
        for item in line.loans:
            due = item.total_due
            if line.member.pk in late:
                due = rng.choice([0, due // 2 // 1000 * 1000])
            if due > 0:
                lines.append(CollectionLine(due, loan_id=item.loan.pk))
        for acct in line.savings:
            saved = acct.expected or rng.choice([0, 0, 50_000, 100_000])
            if saved:
                lines.append(CollectionLine(saved, savings_account_id=acct.account.pk))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--background", type=int, default=10_000, help="loans of the province")
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--submits", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not is_postgres(base):
        raise SystemExit("credit_sheet.py measures PostgreSQL: set DATABASE_URL to one.")
    url = with_database(base, "hoiso_bench_credit_sheet")
    create_postgres_database(url, fresh=True)
    os.environ["DATABASE_URL"] = url
    try:
        manage(url, "migrate", "--noinput", "-v", "0")
        setup_django()
        from credit_monthend import build
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext

        from hoiso.credit import collection

        _province, seconds, counts = build(args.background, 20, 50)
        emit("credit_books_fill_seconds", median=seconds, runs=1, **counts)
        rng = random.Random(8)
        group, officer, on, seconds = group_with_history(rng)
        manage(url, "shell", "-c", "from django.db import connection; "
               "connection.cursor().execute('VACUUM ANALYZE')")  # fmt: skip
        emit("credit_sheet_group_history_seconds", median=seconds, runs=1,
             loans=group.loans.count(), savings=group.savings.count())  # fmt: skip
        sheet = collection.collection_sheet(group=group, on=on)
        times = timed_ms(lambda: collection.collection_sheet(group=group, on=on), args.reps)
        cpu = []  # this process's CPU per sheet: the work, whatever the machine's load
        for _rep in range(20):
            started = time.process_time()
            collection.collection_sheet(group=group, on=on)
            cpu.append((time.process_time() - started) * 1000)
        report("credit_collection_sheet_ms", times, members=len(sheet.lines),
               loans=sum(len(x.loans) for x in sheet.lines), cpu_ms=statistics.median(cpu),
               load=os.getloadavg()[0])  # fmt: skip
        submits, cpu, queries = [], [], 0
        for n in range(args.submits + 1):
            lines = sheet_lines(sheet, random.Random(n))
            try:
                with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                    started, processor = time.perf_counter_ns(), time.process_time()
                    collection.collection_submit(actor=officer, group=group, on=on, lines=lines,
                                                 idempotency_key=f"bench-{n}")  # fmt: skip
                    elapsed = (time.perf_counter_ns() - started) / 1e6
                    used = (time.process_time() - processor) * 1000
                    queries = len(captured)
                    raise Rollback
            except Rollback:
                pass
            if n:  # the first one warms up
                submits.append(elapsed)
                cpu.append(used)
        report("credit_collection_submit_ms", submits, members=len(sheet.lines), lines=len(lines),
               queries=queries, cpu_ms=statistics.median(cpu), load=os.getloadavg()[0])  # fmt: skip
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_postgres_database(url)


if __name__ == "__main__":
    sys.exit(main())
