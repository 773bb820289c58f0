"""How long `manage.py demo` takes to build the demo province on an empty database.

Each run gets a database of its own, migrated and with the areas loaded beforehand (not
timed): a temporary SQLite file, and — when DATABASE_URL names a PostgreSQL server — a
new database on that server. Two figures per run: `build` is what the command reports
for its transaction (the builders and the merge), `wall` the whole process including
Python and Django start-up. Medians of --runs runs (3 by default).

    .venv/bin/python bench/demo_build.py [--runs 3] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import os
import re

from common import (
    backend_name,
    drop_postgres_database,
    emit,
    is_postgres,
    manage,
    median,
    prepare,
    remove_sqlite,
    temp_sqlite_url,
    with_database,
)

BUILT = re.compile(r"demo: built in ([0-9.]+) s")


def one_run(url: str) -> tuple[float, float]:
    prepare(url)
    wall, out = manage(url, "demo")
    match = BUILT.search(out)
    if not match:
        raise SystemExit(f"unexpected output of manage.py demo:\n{out}")
    return float(match.group(1)), wall


def bench(make_url, drop, runs: int) -> None:
    builds, walls = [], []
    for i in range(runs):
        url = make_url(i)
        try:
            build, wall = one_run(url)
        finally:
            drop(url)
        builds.append(build)
        walls.append(wall)
    name = backend_name(url)
    emit(f"demo_build_{name}_seconds", median=median(builds), runs=runs,
         runs_s="/".join(f"{b:.2f}" for b in builds))  # fmt: skip
    emit(f"demo_build_{name}_wall_seconds", median=median(walls), runs=runs,
         runs_s="/".join(f"{w:.2f}" for w in walls))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if is_postgres(base) and not args.sqlite_only:
        bench(
            lambda i: with_database(base, f"hoiso_bench_demo_{i}"),
            drop_postgres_database,
            args.runs,
        )
    bench(lambda i: temp_sqlite_url(), remove_sqlite, args.runs)


if __name__ == "__main__":
    main()
