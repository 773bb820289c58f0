"""Member search over a million members on PostgreSQL (the issue's target: p95 under 50 ms).

A throw-away database on the server DATABASE_URL names (`<name>_search`): migrated, the
demo built, then --rows synthetic members copied in (COPY through psycopg) across the
demo province's groups, with realistic names (hoiso.demo.names, stored through
hoiso.core.text.person_name_fields), phones, CCCDs for four in five of them, and codes
as the registry gives them; then VACUUM ANALYZE, as autovacuum would leave a table that
size. The vocabulary of name words (MemberNameWord, which misspelt searches are corrected
against) is counted from the records and padded with the words of the 3,321 communes' and
34 provinces' names (real syllables: about 720 words in all, where the demo's names alone give
134). The database is dropped at the end (--keep leaves it for the
next run, which then skips the build, only migrating it).

For each persona (the province admin, a commune officer) and each query, the timed call is
what the list page does: `members_search(user=…, query=…)` (the queryset members_list
returns, with its bounded count) through a Paginator of 50, its first page, with the role
lookup of a request. Printed per query: `p50`, `p95` (milliseconds over --reps calls),
`median=` (the p50, for run_all.py), the members found ("1000+": more than the search
counts; "similar": the typo step) and the number of SQL statements. Measures PostgreSQL
only (on SQLite it prints a note and exits).

    DATABASE_URL=postgres://… .venv/bin/python bench/member_search.py [--rows 1000000]
        [--reps 40] [--keep]
"""

from __future__ import annotations

import argparse
import datetime
import functools
import os
import random
import statistics
import time

from common import (
    create_postgres_database,
    database_name,
    drop_postgres_database,
    emit,
    emit_yardstick,
    is_postgres,
    manage,
    setup_django,
    with_database,
)

PERSONAS = ("tinh_admin", "xa_officer")
COLUMNS = (
    "id", "unit_id", "unit_path", "code", "full_name", "name_folded", "name_sort",
    "date_of_birth", "gender", "ethnicity", "religion", "cccd", "phone", "hamlet", "home_town",
    "education", "qualification", "political_theory", "occupation", "party_member",
    "member_type", "is_core", "joined_on", "household", "has_phone", "has_smartphone",
    "has_internet", "uses_zalo", "uses_facebook", "uses_tiktok", "vneid_level",
    "has_bank_account", "pays_cashless", "status", "status_since", "status_reason",
    "created_at", "updated_at",
)  # fmt: skip


def insert_members(rows: int) -> None:
    """COPY `rows` members into the demo province's active groups."""
    from django.db import connection

    from hoiso.accounts.models import User
    from hoiso.core.scoping import path_q, scope_paths
    from hoiso.core.text import person_name_fields
    from hoiso.demo import names
    from hoiso.members.models import Member
    from hoiso.org.models import Unit

    stored = functools.lru_cache(maxsize=None)(person_name_fields)
    rng = random.Random(11)
    admin = User.objects.get(username="tinh_admin")
    groups = list(
        Unit.objects.filter(path_q("path", scope_paths(admin)), kind=Unit.Kind.GROUP)
        .active()
        .values_list("pk", "path")
    )
    first = (Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = datetime.datetime.now(datetime.UTC)
    statuses = ["active"] * 92 + ["left"] * 5 + ["deceased"] * 3
    sql = f"COPY members_member ({', '.join(COLUMNS)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for i in range(rows):
            pk = first + i
            # Group after group, as members are admitted and imported: a commune's members
            # lie together in the table.
            unit_id, path = groups[i * len(groups) // rows]
            name, folded, key = stored(names.woman_name(rng, khmer=rng.random() < 0.1))
            born = datetime.date(rng.randint(1935, 2007), rng.randint(1, 12), rng.randint(1, 28))
            cccd = f"001{1 if born.year < 2000 else 3}{born.year % 100:02d}{i:06d}"
            joined = datetime.date(rng.randint(1990, 2025), rng.randint(1, 12), 1)
            copy.write_row((
                pk, unit_id, path, f"HV{pk:010d}", name, folded, key, born, "F", "01", "",
                cccd if rng.random() < 0.8 else None, names.phone_number(rng), "", "", "",
                "", "", "", False, "ordinary", False, joined, "", True, True, True, True,
                False, False, 2, False, False, rng.choice(statuses), joined, "", now, now,
            ))  # fmt: skip
    # The demo's next members get ids after these (so their codes stay unique).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('members_member', 'id'), "
            "(SELECT max(id) FROM members_member))"
        )


def remember_vocabulary() -> None:
    """The name words of every member, counted (as migration 0006 fills them), and the
    words of the country's province and commune names: real Vietnamese syllables, many of
    them in people's names too, for a vocabulary of national size and its neighbours."""
    from hoiso.members import names
    from hoiso.org.models import AdministrativeArea

    names.recount()
    names.remember_words(AdministrativeArea.objects.values_list("name_folded", flat=True))


def build(url: str, rows: int) -> None:
    """The throw-away database with the demo and `rows` more members, vacuumed."""
    started = time.perf_counter()
    create_postgres_database(url, fresh=True)
    manage(url, "migrate", "--noinput", "-v", "0")
    manage(url, "load_areas")
    manage(url, "demo")
    built = time.perf_counter()
    os.environ["DATABASE_URL"] = url
    setup_django()
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        # Indexes are dropped for the copy and made again after it: much faster than
        # updating them row by row (the unique constraints' indexes stay).
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'members_member' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        insert_members(rows)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the unit keys now
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        remember_vocabulary()
    copied = time.perf_counter()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE members_member")
    print(
        f"# built: demo {built - started:.1f} s, copy of {rows} members "
        f"{copied - built:.1f} s, vacuum analyze {time.perf_counter() - copied:.1f} s",
        flush=True,
    )


def queries_for(user) -> list[tuple[str, str]]:
    """(label, text) of the searches timed for `user`: drawn from members she can see, so
    every search has something to find."""
    from hoiso.members.selectors import members_visible

    rng = random.Random(5)
    visible = members_visible(user=user).exclude(cccd=None).order_by("pk")
    total = visible.count()
    picks = [visible[rng.randrange(total)] for _ in range(3)]
    one, two, three = picks
    words = two.name_folded.split()
    typo = one.name_folded[:-2] + one.name_folded[-1] + one.name_folded[-2]  # "lan" → "lna"
    return [
        ("full_name", one.name_folded),
        ("full_name_accents", three.full_name),
        ("given_family", f"{words[-1]} {words[0]}"),
        ("given_name", words[-1]),
        ("common_family", "nguyen"),
        ("typo_swap", typo),
        ("typo_missing", _drop_letter(one.name_folded)),
        ("phone", one.phone),
        ("phone_spaced", f"{two.phone[:4]} {two.phone[4:7]} {two.phone[7:]}"),
        ("phone_end", three.phone[-6:]),
        ("cccd", two.cccd),
        ("cccd_prefix", three.cccd[:9]),
        ("code", one.code),
        ("code_digits", one.code[-6:]),
        ("none", ""),
    ]


def _drop_letter(name: str) -> str:
    """The name with the third letter of its longest word left out ("nguyen" → "ngyen")."""
    words = name.split()
    longest = max(range(len(words)), key=lambda k: len(words[k]))
    words[longest] = words[longest][:2] + words[longest][3:]
    return " ".join(words)


def list_page(user, query: str) -> str:
    """What the list view does: the scoped search, a Paginator of 50, count and page 1."""
    from hoiso.members.selectors import members_search

    user.__dict__.pop("_roles_cache", None)
    found = members_search(user=user, query=query)
    page = found.paginator(50).get_page(1)
    list(page.object_list)
    return f"{page.paginator.count}{'+' if found.more else ''}{' similar' if found.similar else ''}"


def measure(reps: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hoiso.accounts.models import User
    from hoiso.members.models import Member, MemberNameWord

    total = Member.objects.count()
    print(f"# vocabulary: {MemberNameWord.objects.count()} name words", flush=True)
    for username in PERSONAS:
        user = User.objects.get(username=username)
        for label, text in queries_for(user):
            with CaptureQueriesContext(connection) as captured:
                found = list_page(user, text)
            samples = []
            for _ in range(reps):
                started = time.perf_counter_ns()
                list_page(user, text)
                samples.append((time.perf_counter_ns() - started) / 1e6)
            p50 = statistics.median(samples)
            p95 = statistics.quantiles(samples, n=20)[-1]
            emit(f"member_search_{label}_ms", persona=username, rows=total, query=repr(text),
                 found=found, queries=len(captured), p50=p50, p95=p95, median=p50,
                 reps=reps)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the database for next time")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        print("# member_search measures PostgreSQL only (pg_trgm); skipped on SQLite")
        return
    bench_url = with_database(url, f"{database_name(url)}_search")
    if not (args.keep and _ready(bench_url, args.rows)):
        build(bench_url, args.rows)
    else:
        manage(bench_url, "migrate", "--noinput", "-v", "0")  # kept from an older version
        os.environ["DATABASE_URL"] = bench_url
        setup_django()
        remember_vocabulary()
    try:
        emit_yardstick("before")
        measure(args.reps)
        emit_yardstick("after")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_postgres_database(bench_url)


def _ready(url: str, rows: int) -> bool:
    """Whether a kept database from an earlier run holds at least `rows` members."""
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM members_member").fetchone()[0] >= rows
    except psycopg.Error:
        return False


if __name__ == "__main__":
    main()
