"""Importing a province-sized member list (260,000 rows of the template) end to end, against
django-import-export on the first 20,000 rows of the same file.

PostgreSQL only (DATABASE_URL). The demo is built once in a base database; every run gets a
fresh copy of it (CREATE DATABASE … TEMPLATE) and a child process that does what the
import's background tasks do: store the upload and confirm its columns (not timed), then

- `check`: the dry run (read, check every row, write the error report);
- `import`: the import, mode "valid rows only" (read and check again, write in bulk with
  history, events and import records, write the error report) — the figure of the issue:
  rows/s over the whole file, and the child's peak memory (`ru_maxrss` of the child
  process, which does nothing but this; it includes Python and Django, about 80 MB).

django-import-export (the usual Django tool) then imports the first 20,000 rows of the same
file into another fresh copy: the rows read with tablib/openpyxl (timed, as ours are), a
ModelResource for Member with the same columns and the same cell readers, keyed on the
CCCD, `import_data(dry_run=False)` inside one transaction. Two ways: `default` (each row
saved through Member.save(), history through simple-history's signal, as people use it) and
`bulk` (use_bulk=True, batch_size=1000: no save(), no history — less work than ours). The
ratio is our rows/s over the faster of the two.

    DATABASE_URL=postgres://… .venv/bin/python bench/member_import.py [--rows 260000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from common import (
    PYTHON,
    ROOT,
    create_postgres_database,
    drop_postgres_database,
    emit,
    emit_yardstick,
    is_postgres,
    manage,
    median,
    prepare,
    setup_django,
    with_database,
)

BASE = "hoiso_bench_import_base"
COMPARED_ROWS = 20_000
UPLOAD_MB = "64"  # a 260,000-row file is 27 MB; the default upload limit is 20 MB


def _copy(url: str, name: str) -> str:
    import psycopg

    target = with_database(url, name)
    drop_postgres_database(target)
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{BASE}"')
    return target


def _child(url: str, *args: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "HOISO_MAX_UPLOAD_MB": UPLOAD_MB}
    done = subprocess.run([PYTHON, __file__, *args], cwd=ROOT, env=env, text=True,
                          capture_output=True)  # fmt: skip
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"child {args[0]} failed ({done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the children -----------------------------------------------------------------------------


def _backend_cpu() -> float:
    """CPU seconds used so far by this process's PostgreSQL backend (user + system), read
    from /proc when the server runs on this machine (the benches' throw-away cluster);
    NaN elsewhere. With the machine shared, CPU time says what the work costs, wall time
    what the official waits."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _Clock:
    """Wall, own CPU and backend CPU seconds of a stretch of work."""

    def __enter__(self):
        self.wall, self.cpu, self.pg = time.perf_counter(), time.process_time(), _backend_cpu()
        return self

    def __exit__(self, *exc):
        self.pg = _backend_cpu() - self.pg
        self.cpu = time.process_time() - self.cpu
        self.wall = time.perf_counter() - self.wall


def _load() -> float:
    return os.getloadavg()[0]


def _officer():
    from hoiso.accounts.models import Role, User
    from hoiso.org.models import Unit

    user = User.objects.get(username="xa_officer")
    commune = Role.objects.get(user=user).unit
    branch = Unit.objects.filter(path__startswith=commune.path, kind=Unit.Kind.BRANCH)
    return user, commune, branch.active().order_by("path").first()


def child_ours(path: str) -> None:
    import resource

    setup_django()
    from hoiso.members.importing import services as imports
    from hoiso.members.models import Member

    user, _commune, branch = _officer()
    with open(path, "rb") as handle:
        data = handle.read()
    batch = imports.batch_create(actor=user, unit=branch, file_name="danh-sach.xlsx", data=data)
    batch = imports.batch_map(actor=user, batch=batch, mapping=batch.mapping)
    del data
    load = _load()
    with _Clock() as check:
        imports.batch_check(actor=user, batch=batch)
    imports.batch_claim(actor=user, batch=batch)
    with _Clock() as run:
        written = imports.batch_import(actor=user, batch=batch, mode="valid")
    report = imports.batch_report(batch=batch)
    batch.refresh_from_db()
    print(json.dumps({
        "rows": batch.rows_total, "created": written.created, "updated": written.updated,
        "errors": batch.rows_error, "check_s": check.wall, "import_s": run.wall,
        "check_cpu_s": check.cpu, "check_pg_cpu_s": check.pg, "import_cpu_s": run.cpu,
        "import_pg_cpu_s": run.pg, "load": (load + _load()) / 2,
        "report_bytes": len(report), "members": Member.objects.count(),
        "history": Member.history.count(),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))  # fmt: skip


def _resource_class(commune, user, *, use_bulk: bool):
    import uuid

    from import_export import fields, resources, widgets

    from hoiso.core.text import fold, person_name_fields
    from hoiso.members.importing import parse
    from hoiso.members.importing.columns import COLUMNS
    from hoiso.members.models import Member
    from hoiso.org.models import Unit

    units = {}
    for unit in (
        Unit.objects.filter(path__startswith=commune.path).active().select_related("parent")
    ):
        if unit.kind == Unit.Kind.GROUP:
            units[(fold(unit.parent.name), fold(unit.name))] = unit
        elif unit.kind == Unit.Kind.BRANCH:
            units[(fold(unit.name), "")] = unit

    class Reader(widgets.Widget):
        """Our cell readers (parse.py), so both tools accept the same cells; a blank cell
        gives the field's default, as our import leaves a blank cell's field at it."""

        def __init__(self, read, empty):
            super().__init__()
            self.read, self.empty = read, empty

        def clean(self, value, row=None, **kwargs):
            try:
                return self.read(value) if not parse.blank(value) else self.empty
            except ValueError as exc:
                raise ValueError(str(exc)) from exc

    readers = dict(parse.READERS, cccd=lambda v: parse.parse_cccd(v)[0] or None)
    declared = {}
    for column in COLUMNS:
        if column.field in ("branch", "group", "joined_on", "decision"):
            continue
        read = readers["cccd"] if column.field == "cccd" else readers[column.kind]
        empty = Member._meta.get_field(column.field).get_default()
        declared[column.field] = fields.Field(attribute=column.field, column_name=column.header,
                                              widget=Reader(read, empty))  # fmt: skip

    class Meta:
        model = Member
        fields = tuple(declared)
        import_id_fields = ("cccd",)
        skip_unchanged = True
        report_skipped = False

    Meta.use_bulk = use_bulk
    Meta.batch_size = 1000

    def before_import_row(self, row, **kwargs):
        key = (fold(str(row.get("Chi hội") or "")), fold(str(row.get("Tổ") or "")))
        if key not in units:
            raise ValueError("unknown branch or group")
        row["_unit"] = units[key]

    def get_instance(self, instance_loader, row):
        if parse.blank(row.get("Số CCCD")):
            return None  # no key: a new member
        return super(resource, self).get_instance(instance_loader, row)

    def import_instance(self, instance, row, **kwargs):
        super(resource, self).import_instance(instance, row, **kwargs)
        unit = row["_unit"]
        instance.unit, instance.unit_path = unit, unit.path
        if not instance.code:
            instance.code = f"tmp{uuid.uuid4().hex[:12]}"
        instance.full_name, instance.name_folded, instance.name_sort = person_name_fields(
            instance.full_name
        )

    resource = type("MemberResource", (resources.ModelResource,), {
        "Meta": Meta, **declared, "before_import_row": before_import_row,
        "import_instance": import_instance, "get_instance": get_instance,
    })  # fmt: skip
    return resource


def child_import_export(path: str, rows: int, how: str) -> None:
    import resource as rusage

    setup_django()
    import openpyxl
    import tablib
    from django.db import transaction

    from hoiso.members.models import Member

    user, commune, _branch = _officer()
    before = Member.objects.count()
    load, started, cpu, pg = _load(), time.perf_counter(), time.process_time(), _backend_cpu()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    values = sheet.iter_rows(min_row=1, max_row=rows + 1, values_only=True)
    headers = [str(h) for h in next(values)]
    dataset = tablib.Dataset(headers=headers)
    for row in values:
        dataset.append(row)
    book.close()
    read = time.perf_counter() - started
    resource = _resource_class(commune, user, use_bulk=how == "bulk")()
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=False, raise_errors=False,
                                      use_transactions=False)  # fmt: skip
    elapsed = time.perf_counter() - started
    cpu, pg = time.process_time() - cpu, _backend_cpu() - pg
    print(json.dumps({
        "rows": len(dataset), "read_s": read, "import_s": elapsed, "cpu_s": cpu, "pg_cpu_s": pg,
        "load": (load + _load()) / 2,
        "written": Member.objects.count() - before, "invalid": len(result.invalid_rows),
        "errors": len(result.row_errors()),
        "peak_mb": rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss / 1024,
    }))  # fmt: skip


# --- the parent -------------------------------------------------------------------------------


def build_base(url: str, path: str, rows: int) -> None:
    base = with_database(url, BASE)
    prepare(base)
    manage(base, "demo")
    env = {**os.environ, "DATABASE_URL": base}
    subprocess.run([PYTHON, str(ROOT / "bench" / "member_import_data.py"), path, "--rows", str(rows)],
                   cwd=ROOT, env=env, check=True, capture_output=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=260_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compared-runs", type=int, default=1)
    parser.add_argument("--file", help="reuse a generated workbook (with --keep-base)")
    parser.add_argument("--keep-base", action="store_true", help="reuse the base database")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "ours":
            child_ours(rest[0])
        else:
            child_import_export(rest[0], int(rest[1]), rest[2])
        return
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        raise SystemExit("bench/member_import.py measures PostgreSQL: set DATABASE_URL")
    path = args.file or os.path.join(tempfile.gettempdir(), f"hoiso-members-{args.rows}.xlsx")
    started = time.perf_counter()
    if not (args.keep_base and os.path.exists(path)):
        create_postgres_database(with_database(url, BASE), fresh=True)
        build_base(url, path, args.rows)
    emit("member_import_setup_seconds", median=time.perf_counter() - started,
         file_mb=os.path.getsize(path) / 2**20)  # fmt: skip
    emit_yardstick("before the runs")
    ours = []
    for i in range(args.runs):
        run_url = _copy(url, f"hoiso_bench_import_{i}")
        try:
            ours.append(_child(run_url, "--child", "ours", path))
        finally:
            drop_postgres_database(run_url)
        r = ours[-1]
        emit("member_import_run", run=i + 1, rows=r["rows"], created=r["created"],
             updated=r["updated"], errors=r["errors"], check_s=r["check_s"],
             import_s=r["import_s"], cpu_s=r["import_cpu_s"], pg_cpu_s=r["import_pg_cpu_s"],
             check_cpu_s=r["check_cpu_s"], check_pg_cpu_s=r["check_pg_cpu_s"], load=r["load"],
             peak_mb=r["peak_mb"], median=r["rows"] / r["import_s"])  # fmt: skip
    rows = ours[0]["rows"]
    rate = median([r["rows"] / r["import_s"] for r in ours])
    emit("member_import_rows_per_s", db="postgresql", rows=rows, runs=args.runs, median=rate,
         runs_s="/".join(f"{r['import_s']:.2f}" for r in ours))  # fmt: skip
    emit(
        "member_import_seconds",
        db="postgresql",
        rows=rows,
        median=median([r["import_s"] for r in ours]),
    )
    emit("member_import_cpu_seconds", db="postgresql", rows=rows,
         median=median([r["import_cpu_s"] + r["import_pg_cpu_s"] for r in ours]),
         ours=median([r["import_cpu_s"] for r in ours]),
         postgres=median([r["import_pg_cpu_s"] for r in ours]),
         load=median([r["load"] for r in ours]))  # fmt: skip
    emit("member_import_check_rows_per_s", db="postgresql", rows=rows,
         median=median([r["rows"] / r["check_s"] for r in ours]))  # fmt: skip
    emit("member_import_peak_mb", db="postgresql", rows=rows, median=median([r["peak_mb"] for r in ours]),
         max=max(r["peak_mb"] for r in ours), how="ru_maxrss of the child")  # fmt: skip
    best, best_cpu = 0.0, 0.0
    for how in ("bulk", "default"):
        results = []
        for i in range(args.compared_runs):
            run_url = _copy(url, f"hoiso_bench_import_ie_{i}")
            try:
                results.append(_child(run_url, "--child", "ie", path, str(COMPARED_ROWS), how))
            finally:
                drop_postgres_database(run_url)
        r = results[-1]
        their = median([x["rows"] / x["import_s"] for x in results])
        their_cpu = median([x["rows"] / (x["cpu_s"] + x["pg_cpu_s"]) for x in results])
        best, best_cpu = max(best, their), max(best_cpu, their_cpu)
        emit(f"member_import_django_import_export_{how}_rows_per_s", rows=r["rows"],
             written=r["written"], invalid=r["invalid"], errors=r["errors"], read_s=r["read_s"],
             cpu_s=r["cpu_s"], pg_cpu_s=r["pg_cpu_s"], load=r["load"],
             rows_per_cpu_s=their_cpu, runs=len(results), median=their)  # fmt: skip
    emit_yardstick("after the runs")
    ours_cpu = median([r["rows"] / (r["import_cpu_s"] + r["import_pg_cpu_s"]) for r in ours])
    emit("member_import_ratio", ours_rows_per_s=rate, theirs_rows_per_s=best, median=rate / best,
         by_cpu=ours_cpu / best_cpu)  # fmt: skip


if __name__ == "__main__":
    main()
