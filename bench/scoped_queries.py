"""Scoped reads and restructurings on the demo province, against baselines.

On the database DATABASE_URL names (migrated; the demo is built if missing):

- scoped count: `Unit.objects.visible_to(persona).count()` for each persona, including
  the role lookup a request does (the per-user role cache is dropped every time);
  compared with three ways of finding the same subtree without the materialised path:
  `parent_walk` loads (id, parent_id) of every unit and walks up from each in Python,
  `level_walk` asks for the children of the frontier level by level, `recursive_cte`
  is one WITH RECURSIVE query. Each baseline must count the same units.
- children_with_counts of the province (the tree page) and units_search("ke sach").
- restructuring: move a branch to a sibling commune and back (unit_move, as tinh_admin),
  and merge one commune into another (units_merge), each in a transaction rolled back.

Medians in milliseconds; `queries=` is the number of SQL statements of one repetition.

    DATABASE_URL=… .venv/bin/python bench/scoped_queries.py [--reps 200]
"""

from __future__ import annotations

import argparse
import os
import time

from common import emit, manage, median, setup_django


def timed(fn, reps: int) -> tuple[float, int, object]:
    """Median milliseconds of `fn()` over `reps` calls, its query count, its last result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = fn()
    samples = []
    for _ in range(reps):
        started = time.perf_counter_ns()
        result = fn()
        samples.append((time.perf_counter_ns() - started) / 1e6)
    return median(samples), len(queries), result


# ---------------------------------------------------------------- baselines


def _role_unit_ids(user) -> set[int]:
    from hoiso.accounts.models import Role

    return set(Role.objects.filter(user=user, is_active=True).values_list("unit_id", flat=True))


def parent_walk_count(user) -> int:
    """Adjacency list, no path: walk up from every unit until a role's unit or the top."""
    from hoiso.org.models import Unit

    roots = _role_unit_ids(user)
    parent = dict(Unit.objects.values_list("pk", "parent_id"))
    found = 0
    for pk in parent:
        node = pk
        while node is not None:
            if node in roots:
                found += 1
                break
            node = parent[node]
    return found


def level_walk_count(user) -> int:
    """Adjacency list, no path: children of the frontier, one query per level."""
    from hoiso.org.models import Unit

    frontier = _role_unit_ids(user)
    found = len(frontier)
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        found += len(frontier)
    return found


def recursive_cte_count(user) -> int:
    """Adjacency list, no path: one WITH RECURSIVE query (same SQL on SQLite and PostgreSQL)."""
    from django.db import connection

    roots = sorted(_role_unit_ids(user))
    if not roots:
        return 0
    marks = ", ".join(["%s"] * len(roots))
    sql = (f"WITH RECURSIVE sub(id) AS (SELECT id FROM org_unit WHERE id IN ({marks}) "
           "UNION ALL SELECT u.id FROM org_unit u JOIN sub ON u.parent_id = sub.id) "
           "SELECT count(*) FROM sub")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, roots)
        return cursor.fetchone()[0]


def children_counts_grouped(user, unit):
    """What org.selectors.children_with_counts returns, with the counts below every child
    taken from one scan of the subtree grouped by path prefix instead of one correlated
    subquery per child (a candidate replacement, measured beside it)."""
    from django.db.models import Count, Q
    from django.db.models.functions import Substr

    from hoiso.org.models import PATH_SEGMENT_WIDTH, Unit

    children = list(Unit.objects.visible_to(user).filter(parent=unit).active()
                    .select_related("area").vn_ordered())  # fmt: skip
    prefix_len = len(unit.path) + PATH_SEGMENT_WIDTH + 1
    counts = {
        row["prefix"]: row
        for row in Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth + 1,
                                       active_to__isnull=True)
        .annotate(prefix=Substr("path", 1, prefix_len)).values("prefix")
        .annotate(n=Count("pk"), direct=Count("pk", filter=Q(depth=unit.depth + 2)))
        .order_by()
    }  # fmt: skip
    for child in children:
        row = counts.get(child.path, {})
        child.descendants, child.child_count = row.get("n", 0), row.get("direct", 0)
    return children


# ---------------------------------------------------------------- figures


def scoped_counts(db: str, reps: int) -> None:
    from hoiso.accounts.models import User
    from hoiso.org.models import Unit

    for username in ("tinh_admin", "viewer", "xa_officer", "xa_officer_other",
                     "chi_hoi_leader", "to_truong", "member"):  # fmt: skip
        user = User.objects.get(username=username)

        def scoped(user=user):
            user.__dict__.pop("_roles_cache", None)
            return Unit.objects.visible_to(user).count()

        path_ms, queries, count = timed(scoped, reps)
        emit("scoped_count_ms", db=db, persona=username, units=count, median=path_ms, reps=reps,
             queries=queries)  # fmt: skip
        baselines = {"parent_walk": parent_walk_count, "level_walk": level_walk_count,
                     "recursive_cte": recursive_cte_count}  # fmt: skip
        for name, fn in baselines.items():
            naive_reps = max(10, reps // 4) if name == "parent_walk" else reps
            ms, queries, naive = timed(lambda fn=fn, user=user: fn(user), naive_reps)
            if naive != count:
                raise SystemExit(f"{name} found {naive} units for {username}, the path {count}")
            emit(f"scoped_count_{name}_ms", db=db, persona=username, median=ms, reps=naive_reps,
                 queries=queries, ratio=ms / path_ms)  # fmt: skip


def tree_reads(db: str, reps: int) -> None:
    from hoiso.accounts.models import User
    from hoiso.org.models import Unit
    from hoiso.org.selectors import children_with_counts, units_search

    admin = User.objects.get(username="tinh_admin")
    province = Unit.objects.get(code="HPN-92")
    ms, queries, rows = timed(lambda: list(children_with_counts(user=admin, unit=province)), reps)
    emit("children_with_counts_ms", db=db, unit="province", rows=len(rows), median=ms,
         reps=reps, queries=queries)  # fmt: skip
    expected = {c.pk: (c.descendants, c.child_count) for c in rows}
    alt_ms, queries, alt = timed(lambda: children_counts_grouped(admin, province), reps)
    if {c.pk: (c.descendants, c.child_count) for c in alt} != expected:
        raise SystemExit("children_counts_grouped disagrees with children_with_counts")
    emit("children_counts_grouped_alternative_ms", db=db, unit="province", rows=len(alt),
         median=alt_ms, reps=reps, queries=queries, ratio=ms / alt_ms)  # fmt: skip
    ms, queries, rows = timed(lambda: list(units_search(user=admin, query="ke sach")), reps)
    emit("units_search_ms", db=db, query="ke_sach", rows=len(rows), median=ms, reps=reps,
         queries=queries)  # fmt: skip


def restructurings(db: str, reps: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from hoiso.accounts.models import User
    from hoiso.org.models import Unit
    from hoiso.org.services import unit_move, units_merge

    admin = User.objects.get(username="tinh_admin")
    home = Unit.objects.get(code="HPN-31528")
    sibling = Unit.objects.get(code="HPN-31531")
    branch = Unit.objects.filter(parent=home).order_by("code").first()
    today = timezone.localdate()
    below = Unit.objects.filter(path__startswith=branch.path).count()

    def move_there_and_back():
        unit_move(actor=admin, unit=branch, new_parent=sibling, effective_on=today)
        unit_move(actor=admin, unit=branch, new_parent=home, effective_on=today)

    def merge():
        sid = transaction.savepoint()
        units_merge(actor=admin, sources=[sibling], target=home, effective_on=today)
        transaction.savepoint_rollback(sid)

    with transaction.atomic():
        ms, queries, _ = timed(move_there_and_back, reps)
        emit("restructure_move_there_and_back_ms", db=db, units_moved=below, median=ms,
             reps=reps, queries=queries)  # fmt: skip
        merge_reps = max(5, reps // 10)
        moved = Unit.objects.filter(parent=sibling).active().count()
        ms, queries, _ = timed(merge, merge_reps)
        emit("restructure_merge_communes_ms", db=db, children_moved=moved, median=ms,
             reps=merge_reps, queries=queries)  # fmt: skip
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=200)
    args = parser.parse_args()
    manage(os.environ.get("DATABASE_URL", ""), "demo", "--if-missing")
    setup_django()
    from django.db import connection

    db = connection.vendor
    scoped_counts(db, args.reps)
    tree_reads(db, args.reps)
    restructurings(db, max(20, args.reps // 10))


if __name__ == "__main__":
    main()
