"""Scoped counts over records at the size of a province's membership (260,000 rows).

Members do not exist yet, so the records are officials (org.Official, a UnitOwnedModel
like every member record will be): --rows of them spread over the demo's groups, inserted
inside a transaction that is rolled back at the end, so the database is left as it was.
For each persona, the median milliseconds of

- `path`: `Official.objects.visible_to(user).count()`, the mechanism every selector uses
  (the stored unit_path, a prefix filter, no join);
- `range`: the same subtree as a range, `unit_path >= P AND unit_path < P'` with P' the
  path with its final "." replaced by "/" (the next character), which any B-tree index
  serves under any LIKE semantics — a candidate for core.scoping.path_q;
- `cte_join`: no stored path: the units found with WITH RECURSIVE, joined to the records.

    DATABASE_URL=… .venv/bin/python bench/scoped_records.py [--rows 260000] [--reps 50]
"""

from __future__ import annotations

import argparse
import os
import random

from common import emit, manage, setup_django
from scoped_queries import timed

PERSONAS = ("tinh_admin", "xa_officer", "chi_hoi_leader", "to_truong")


def insert_records(rows: int) -> None:
    from hoiso.core.text import fold, person_name_key
    from hoiso.org.models import Official, Position, Unit

    rng = random.Random(7)
    groups = list(Unit.objects.filter(kind=Unit.Kind.GROUP).active().only("pk", "path"))
    position = Position.objects.get(code="to-pho")
    batch = []
    for i in range(rows):
        group = groups[i % len(groups)]
        name = f"Hội viên {rng.randint(1, 10**6)}"
        batch.append(Official(unit_id=group.pk, unit_path=group.path, full_name=name,
                              name_folded=fold(name), name_sort=person_name_key(name),
                              position=position, term_start=2025, term_end=2030))  # fmt: skip
        if len(batch) == 5000:
            Official.objects.bulk_create(batch)
            batch = []
    Official.objects.bulk_create(batch)


def range_count(user) -> int:
    from django.db.models import Q

    from hoiso.core.scoping import scope_paths
    from hoiso.org.models import Official

    user.__dict__.pop("_roles_cache", None)
    paths = scope_paths(user)
    if not paths:
        return 0
    condition = Q()
    for path in paths:
        condition |= Q(unit_path__gte=path, unit_path__lt=path[:-1] + "/")
    return Official.objects.filter(condition).count()


def cte_join_count(user) -> int:
    from django.db import connection

    from hoiso.accounts.models import Role

    roots = list(Role.objects.filter(user=user, is_active=True).values_list("unit_id", flat=True))
    if not roots:
        return 0
    marks = ", ".join(["%s"] * len(roots))
    sql = (f"WITH RECURSIVE sub(id) AS (SELECT id FROM org_unit WHERE id IN ({marks}) "
           "UNION ALL SELECT u.id FROM org_unit u JOIN sub ON u.parent_id = sub.id) "
           "SELECT count(*) FROM org_official o JOIN sub ON o.unit_id = sub.id")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, roots)
        return cursor.fetchone()[0]


def measure(db: str, rows: int, reps: int) -> None:
    from django.db import connection

    from hoiso.accounts.models import User
    from hoiso.org.models import Official

    total = Official.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE org_official")
    for username in PERSONAS:
        user = User.objects.get(username=username)

        def path_count(user=user):
            user.__dict__.pop("_roles_cache", None)
            return Official.objects.visible_to(user).count()

        path_ms, queries, count = timed(path_count, reps)
        emit("scoped_records_path_ms", db=db, persona=username, rows=total, found=count,
             median=path_ms, reps=reps, queries=queries)  # fmt: skip
        for name, fn in (("range", range_count), ("cte_join", cte_join_count)):
            ms, queries, found = timed(lambda fn=fn, user=user: fn(user), reps)
            if found != count:
                raise SystemExit(f"{name} found {found} records for {username}, the path {count}")
            emit(f"scoped_records_{name}_ms", db=db, persona=username, rows=total, median=ms,
                 reps=reps, queries=queries, ratio_to_path=ms / path_ms)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=260_000)
    parser.add_argument("--reps", type=int, default=50)
    args = parser.parse_args()
    manage(os.environ.get("DATABASE_URL", ""), "demo", "--if-missing")
    setup_django()
    from django.db import connection, transaction

    with transaction.atomic():
        insert_records(args.rows)
        measure(connection.vendor, args.rows, args.reps)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
