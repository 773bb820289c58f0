"""What the benchmarks share: databases to run on, running manage.py, printing figures.

Every figure is printed as one line, `name key=value …`, with `median=` the figure itself,
so run_all.py can collect them and docs/performance.md can quote them.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def setup_django() -> None:
    """Import Django in this process against DATABASE_URL (as manage.py does)."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoiso.config.settings")
    import django

    django.setup()


def is_postgres(url: str | None) -> bool:
    return bool(url) and url.split(":", 1)[0] in {"postgres", "postgresql", "pgsql"}


def with_database(url: str, name: str) -> str:
    """The same PostgreSQL server as `url`, another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def create_postgres_database(url: str, *, fresh: bool) -> None:
    """Create the database `url` names (dropping it first if `fresh`), through the
    server's maintenance database."""
    import psycopg

    name = database_name(url)
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_postgres_database(url: str) -> None:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database_name(url)}" WITH (FORCE)')


def temp_sqlite_url(directory: str | None = None) -> str:
    handle, path = tempfile.mkstemp(prefix="hoiso-bench-", suffix=".sqlite3", dir=directory)
    os.close(handle)
    os.unlink(path)
    return f"sqlite:///{path}"


def remove_sqlite(url: str) -> None:
    path = url.removeprefix("sqlite:///").removeprefix("sqlite://")
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


def manage(url: str, *args: str) -> tuple[float, str]:
    """Run `manage.py args…` against `url` in a fresh process; (wall seconds, stdout)."""
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, text=True,
                          capture_output=True)  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed ({done.returncode})")
    return elapsed, done.stdout


def prepare(url: str, *, fresh: bool = True) -> None:
    """An empty, migrated database with the administrative areas loaded."""
    if is_postgres(url):
        create_postgres_database(url, fresh=fresh)
    manage(url, "migrate", "--noinput", "-v", "0")
    manage(url, "load_areas")


def backend_name(url: str) -> str:
    return "postgresql" if is_postgres(url) else "sqlite"


def median(values) -> float:
    return statistics.median(values)


def figure_line(name: str, **fields) -> str:
    """One figure as printed: `name key=value …`."""

    def show(value):
        if isinstance(value, float):
            return f"{value:.3f}" if value < 100 else f"{value:.1f}"
        return str(value)

    return f"{name} {' '.join(f'{k}={show(v)}' for k, v in fields.items())}"


def emit(name: str, **fields) -> None:
    print(figure_line(name, **fields), flush=True)


def host_yardstick(reps: int = 3) -> float:
    """Seconds this machine takes (median of `reps`) for a fixed piece of pure Python: five
    million additions in a loop (0.35 s on the benches' machine on 3 December 2026). That
    machine is shared, and the same fixed work has run up to three times slower on one day
    than another with no steal shown (django-import-export's 20,000 rows: 851 rows/s on
    22 November, 244–302 on 3 December); figures of different days compare beside this."""
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        total = 0
        for i in range(5_000_000):
            total += i
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def yardstick_line(when: str) -> str:
    return figure_line("host_yardstick_s", when=when, median=host_yardstick())


def emit_yardstick(when: str) -> None:
    print(yardstick_line(when), flush=True)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def timed_ms(call, reps: int) -> list[float]:
    """Milliseconds of `reps` calls, after one warming call (templates compiled, caches filled)."""
    call()
    times = []
    for _ in range(reps):
        started = time.perf_counter_ns()
        call()
        times.append((time.perf_counter_ns() - started) / 1e6)
    return times


def report(name: str, times: list[float], **fields) -> None:
    """A figure line: the median and the 95th percentile of `times`."""
    emit(name, reps=len(times), p95=p95(times), median=statistics.median(times), **fields)
