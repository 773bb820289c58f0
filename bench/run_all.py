"""Run every benchmark and print its figures (`make bench`).

`make bench` runs this under scripts/with-postgres.sh, so DATABASE_URL names a database
on a throw-away PostgreSQL server; the database is created when missing and migrated
first. Every script then runs on that PostgreSQL and on a temporary SQLite file, and the
figure lines of all of them are repeated at the end. Without a PostgreSQL DATABASE_URL
only SQLite is measured.

    .venv/bin/python bench/run_all.py [--quick]     (--quick: fewer runs and repetitions)
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from common import (
    PYTHON,
    create_postgres_database,
    is_postgres,
    manage,
    remove_sqlite,
    temp_sqlite_url,
    yardstick_line,
)

HERE = Path(__file__).resolve().parent


def run(script: str, url: str, *args: str) -> list[str]:
    """Run one script with DATABASE_URL=url, echoing its output; return its figure lines."""
    print(f"\n== {script} {' '.join(args)} ({url.split(':', 1)[0]})", flush=True)
    env = {**os.environ, "DATABASE_URL": url}
    proc = subprocess.Popen([PYTHON, str(HERE / script), *args], env=env, text=True,
                            stdout=subprocess.PIPE)  # fmt: skip
    figures = []
    for line in proc.stdout:
        print(line, end="", flush=True)
        if " median=" in line:
            figures.append(line.rstrip())
    if proc.wait():
        raise SystemExit(f"{script} failed ({proc.returncode})")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs, reps, rows = ("1", "20", "50000") if args.quick else ("3", "200", "260000")
    started = time.perf_counter()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    yardsticks = [yardstick_line("start")]
    print(yardsticks[0], flush=True)
    pg = os.environ.get("DATABASE_URL", "")
    sqlite = temp_sqlite_url()
    urls = [pg, sqlite] if is_postgres(pg) else [sqlite]
    try:
        if is_postgres(pg):
            create_postgres_database(pg, fresh=False)
        for url in urls:
            manage(url, "migrate", "--noinput", "-v", "0")
        figures = run("demo_build.py", pg, "--runs", runs)
        for url in urls:
            figures += run("scoped_queries.py", url, "--reps", reps)
            figures += run("scoped_records.py", url, "--rows", rows, "--reps", "50")
        if is_postgres(pg):  # the member registry's targets are set on PostgreSQL
            figures += run("member_import.py", pg, "--rows", rows, "--runs", runs)
            figures += run("member_search.py", pg, "--rows", "100000" if args.quick else "1000000")
            figures += run("member_dashboard.py", pg, "--members",
                           "200000" if args.quick else "2000000")  # fmt: skip
            figures += run("report_rollup.py", pg, "--reps", "10" if args.quick else "30")
            figures += run("contest_ranking.py", pg, "--reps", "2" if args.quick else "5")
            figures += run("contest_submit_load.py", pg, "--runs", runs,
                           "--seconds", "20" if args.quick else "60")  # fmt: skip
            figures += run("credit_monthend.py", pg, "--loans",
                           "10000" if args.quick else "50000", "--runs", runs)  # fmt: skip
            figures += run("credit_sheet.py", pg, "--reps", "50" if args.quick else "200",
                           "--submits", "10" if args.quick else "30")  # fmt: skip
    finally:
        remove_sqlite(sqlite)
    yardsticks.append(yardstick_line("end"))
    print(f"\n== figures ({time.perf_counter() - started:.0f} s in all)")
    print("\n".join(yardsticks + figures))


if __name__ == "__main__":
    sys.exit(main())
