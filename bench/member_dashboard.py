"""The member dashboard at provincial and national size, from the summary table and live.

On a PostgreSQL DATABASE_URL (a throw-away database is created beside it and dropped at
the end):

1. province: the full demo (`manage.py demo`: Cần Thơ, 277,000 member records of which
   274,000 current, 260,000 in the former Sóc Trăng part). The dashboard page of the
   province as its admin opens it (Django test client in this process: URL routing, the
   view, the figures, the template; no network), today's figures — which read the summary
   table — and, in the same run, the same figures counted live (a date in the past forces
   the live path: the baseline the table is measured against).
2. national: a central union over 8 synthetic provinces (100 communes, 8 branches, 3 groups
   each) with --members member records (2,000,000 by default) generated as the demo does,
   the summary table rebuilt (`members_tally`, timed), then the central union's dashboard
   from the table and, a few times, live.

Each figure is the median and the 95th percentile in milliseconds of --reps requests.

    DATABASE_URL=postgres://… .venv/bin/python bench/member_dashboard.py [--members 2000000] [--reps 50]
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

PROVINCES, COMMUNES, BRANCHES, GROUPS = 8, 100, 8, 3


def dashboard_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def get_ok(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")


def province(reps: int) -> None:
    from django.urls import reverse

    from hoiso.accounts.models import User
    from hoiso.members.stats import unit_stats
    from hoiso.org.models import Unit

    admin = User.objects.get(username="tinh_admin")
    unit = Unit.objects.get(code="HPN-92")
    client = dashboard_client(admin)
    url = f"{reverse('members:dashboard')}?unit={unit.pk}"
    today = datetime.date.today()
    start = today.replace(month=1, day=1)
    total = unit_stats(unit=unit, on=today, period_start=start, sensitive=True).total
    page = timed_ms(lambda: get_ok(client, url), reps)
    report("dashboard_province_page_ms", page, members=total, source="table")
    table = timed_ms(
        lambda: unit_stats(unit=unit, on=today, period_start=start, sensitive=True), reps
    )
    yesterday = today - datetime.timedelta(days=1)
    live = timed_ms(
        lambda: unit_stats(unit=unit, on=yesterday, period_start=start, sensitive=True),
        max(5, reps // 5),
    )
    report("dashboard_province_figures_table_ms", table, members=total)
    report("dashboard_province_figures_live_ms", live, members=total,
           ratio=statistics.median(live) / statistics.median(table))  # fmt: skip
    on = yesterday.strftime("%d/%m/%Y")
    live_page = timed_ms(lambda: get_ok(client, f"{url}&on={on}"), max(5, reps // 5))
    report("dashboard_province_page_live_ms", live_page, members=total, source="live")


def national_tree():
    from hoiso.demo.bulk import UnitTree
    from hoiso.org.models import Unit

    tree = UnitTree()
    central = tree.add(None, name="Trung ương Hội Liên hiệp Phụ nữ Việt Nam",
                       kind=Unit.Kind.CENTRAL, code="BENCH-TW")  # fmt: skip
    groups = []
    for p in range(PROVINCES):
        province = tree.add(central, name=f"Hội LHPN tỉnh Thử {p + 1}", kind=Unit.Kind.PROVINCE,
                            code=f"BENCH-{p}")  # fmt: skip
        for c in range(COMMUNES):
            commune = tree.add(province, name=f"Hội LHPN xã Thử {p + 1}.{c + 1}",
                               kind=Unit.Kind.COMMUNE, code=f"BENCH-{p}-{c}")  # fmt: skip
            for b in range(BRANCHES):
                branch = tree.add(commune, name=f"Chi hội Ấp {b + 1}", kind=Unit.Kind.BRANCH,
                                  code=f"BENCH-{p}-{c}-{b}")  # fmt: skip
                for g in range(GROUPS):
                    groups.append((tree.add(branch, name=f"Tổ {g + 1}", kind=Unit.Kind.GROUP,
                                            code=f"BENCH-{p}-{c}-{b}-{g}"), commune))  # fmt: skip
    tree.save()
    return Unit.objects.get(pk=central.pk), groups


def national(members: int, reps: int) -> None:
    from django.db import transaction
    from django.urls import reverse

    from hoiso.accounts.models import User
    from hoiso.core.bulk import reset_sequence
    from hoiso.members.demo import MemberRows
    from hoiso.members.models import Member
    from hoiso.members.stats import unit_stats

    started = time.perf_counter()
    with transaction.atomic():
        central, groups = national_tree()
        rows = MemberRows(rng=random.Random(11), today=datetime.date.today(), first_serial=500_000)
        per_group, extra = divmod(members, len(groups))
        for i, (group, commune) in enumerate(groups):
            group.parent = None  # only the path and pk are read
            rows.add_group(group, commune, per_group + (i < extra), 0.05, "other")
        rows.flush()
        reset_sequence(Member)
    emit("dashboard_national_fill_seconds", median=time.perf_counter() - started,
         members=rows.current + rows.former)  # fmt: skip
    started = time.perf_counter()
    manage(os.environ["DATABASE_URL"], "members_tally")
    emit("members_tally_rebuild_seconds", median=time.perf_counter() - started,
         members=rows.current + rows.former, runs=1)  # fmt: skip
    manage(os.environ["DATABASE_URL"], "shell", "-c", "from django.db import connection; "
           "connection.cursor().execute('VACUUM ANALYZE')")  # fmt: skip
    root = User.objects.create_superuser(username="bench_root", password="x" * 20,
                                         email="bench_root@hoiso.test")  # fmt: skip
    client = dashboard_client(root)
    url = f"{reverse('members:dashboard')}?unit={central.pk}"
    today = datetime.date.today()
    start = today.replace(month=1, day=1)
    total = unit_stats(unit=central, on=today, period_start=start, sensitive=True).total
    page = timed_ms(lambda: get_ok(client, url), reps)
    report("dashboard_national_page_ms", page, members=total, source="table")
    table = timed_ms(
        lambda: unit_stats(unit=central, on=today, period_start=start, sensitive=True), reps
    )
    yesterday = today - datetime.timedelta(days=1)
    live = timed_ms(
        lambda: unit_stats(unit=central, on=yesterday, period_start=start, sensitive=True), 3
    )
    report("dashboard_national_figures_table_ms", table, members=total)
    report("dashboard_national_figures_live_ms", live, members=total,
           ratio=statistics.median(live) / statistics.median(table))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=2_000_000)
    parser.add_argument("--reps", type=int, default=50)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not is_postgres(base):
        raise SystemExit("member_dashboard.py measures PostgreSQL: set DATABASE_URL to one.")
    url = with_database(base, "hoiso_bench_dashboard")
    create_postgres_database(url, fresh=True)
    os.environ["DATABASE_URL"] = url
    try:
        manage(url, "migrate", "--noinput", "-v", "0")
        wall, _out = manage(url, "demo")
        emit("dashboard_demo_build_seconds", median=wall, runs=1)
        manage(url, "shell", "-c", "from django.db import connection; "
               "connection.cursor().execute('VACUUM ANALYZE')")  # fmt: skip
        setup_django()
        from django.conf import settings

        settings.ALLOWED_HOSTS = ["*"]
        settings.HOISO_MFA_REQUIRED = False
        province(args.reps)
        national(args.members, args.reps)
    finally:
        from django.db import connections

        connections.close_all()
        drop_postgres_database(url)


if __name__ == "__main__":
    sys.exit(main())
