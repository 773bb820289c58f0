"""Report roll-ups at national size, and a province's page of its communes' reports.

On a PostgreSQL DATABASE_URL (a throw-away database is created beside it and dropped at
the end), a central union over 34 provinces and 3,321 communes — the country's count since
1 July 2025 — is built, with the shipped indicators and report templates. Then:

1. national: the central union asks every commune for the standard quarterly report
   (`request_issue`, timed: 3,321 draft submissions and their notifications); every commune
   has sent it and it was accepted (the versions are written in bulk: the bench measures
   reading them). The roll-up of the 3,321 accepted reports (`figures.rolled_up`: sums and
   weighted ratios of 19 indicators), the whole overview (units, statuses, who is missing or
   late, on-time marks over six requests), the roll-up as a Word document and the figures by
   unit as an Excel workbook. Target: the roll-up under 2 s.
2. province: the largest province (103 communes, as the merged Cần Thơ) asks its communes;
   five earlier requests give the on-time history; a mix of accepted, submitted, returned and
   missing reports. The request's page as the province's administrator opens it (Django test
   client in this process: routing, the view, the template; no network). Target: p95 under
   300 ms.

Each figure is the median (and the 95th percentile for pages) in milliseconds over --reps.

    DATABASE_URL=postgres://… .venv/bin/python bench/report_rollup.py [--reps 30]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
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

PROVINCES, COMMUNES, LARGEST = 34, 3321, 103


def build_country():
    """A central union, 34 provinces, 3,321 communes: the first province has 103 of them,
    the others share the rest."""
    from hoiso.demo.bulk import UnitTree
    from hoiso.org.models import Unit

    tree = UnitTree()
    start = datetime.date(2020, 1, 1)
    central = tree.add(None, name="Trung ương Hội Liên hiệp Phụ nữ Việt Nam", kind=Unit.Kind.CENTRAL,
                       code="BENCH-TW", active_from=start)  # fmt: skip
    rest, extra = divmod(COMMUNES - LARGEST, PROVINCES - 1)
    provinces = []
    for p in range(PROVINCES):
        province = tree.add(central, name=f"Hội LHPN tỉnh Thử {p + 1}", kind=Unit.Kind.PROVINCE,
                            code=f"BENCH-{p}", active_from=start)  # fmt: skip
        provinces.append(province)
        count = LARGEST if p == 0 else rest + (p - 1 < extra)
        for c in range(count):
            tree.add(province, name=f"Hội LHPN xã Thử {p + 1}.{c + 1}", kind=Unit.Kind.COMMUNE,
                     code=f"BENCH-{p}-{c}", active_from=start)  # fmt: skip
    tree.save()
    return Unit.objects.get(pk=central.pk), Unit.objects.get(pk=provinces[0].pk)


def figures_for(indicators, rng: random.Random) -> dict:
    """A stored row per indicator, as a commune's computed and entered figures would be."""
    values = {}
    for indicator in indicators:
        if indicator.is_ratio:
            bottom = rng.randint(500, 5000)
            top = rng.randint(0, bottom)
            value = f"{100 * top / bottom:.2f}"
            values[indicator.code] = {"computed": {"value": value, "numerator": str(top),
                                                   "denominator": str(bottom)}}  # fmt: skip
        else:
            values[indicator.code] = {"computed": {"value": str(rng.randint(0, 3000))}}
    return values


def answer(request, *, rng: random.Random, shares: dict[str, float], today) -> None:
    """Every submission of `request` sent once (on time or late) and decided as `shares`
    says (accepted, submitted, returned; the rest never sent), in bulk."""
    from django.utils import timezone

    from hoiso.reporting.models import Submission, SubmissionVersion

    indicators = request.template.ordered_indicators()
    now = timezone.now()
    versions, changed = [], []
    for submission in request.submissions.all():
        draw = rng.random()
        if draw >= sum(shares.values()):
            continue
        status = ("accepted" if draw < shares["accepted"] else
                  "submitted" if draw < shares["accepted"] + shares["submitted"] else "returned")  # fmt: skip
        on_time = rng.random() < 0.8
        submission.values = figures_for(indicators, rng)
        submission.narrative = {"results": "Kết quả công tác Hội trong quý."}
        submission.status = status
        submission.first_submitted_at = submission.submitted_at = now
        submission.on_time = on_time
        changed.append(submission)
        versions.append(SubmissionVersion(
            submission=submission, number=1, values=submission.values,
            narrative=submission.narrative, submitted_at=now, late=not on_time,
            decision="" if status == "submitted" else status,
            decided_at=None if status == "submitted" else now,
        ))  # fmt: skip
    Submission.objects.bulk_update(changed, ["values", "narrative", "status", "first_submitted_at",
                                             "submitted_at", "on_time"], batch_size=1000)  # fmt: skip
    SubmissionVersion.objects.bulk_create(versions, batch_size=1000)


def issue(actor, unit, template, kind: str, number: int, deadline):
    from hoiso.reporting.services import request_issue

    return request_issue(actor=actor, unit=unit, template=template, kind=kind, year=2026,
                         number=number, recipient_kind="commune", deadline=deadline)  # fmt: skip


def national(root, central, template, reps: int) -> None:
    from hoiso.reporting import figures, output, selectors

    deadline = datetime.date.today() + datetime.timedelta(days=10)
    started = time.perf_counter()
    request = issue(root, central, template, "quarter", 4, deadline)
    emit("report_request_issue_seconds", median=time.perf_counter() - started, runs=1,
         units=request.submissions.count())  # fmt: skip
    answer(request, rng=random.Random(7), shares={"accepted": 1.0, "submitted": 0, "returned": 0},
           today=datetime.date.today())  # fmt: skip
    indicators = template.ordered_indicators()
    accepted = request.submissions.filter(status="accepted").count()
    rolled = timed_ms(lambda: figures.rolled_up(request, indicators), reps)
    report("report_rollup_national_ms", rolled, accepted=accepted, indicators=len(indicators))
    overview = timed_ms(lambda: selectors.overview(request=request), max(5, reps // 3))
    report("report_overview_national_ms", overview, units=accepted)
    docx = timed_ms(lambda: output.rollup_docx(request), max(5, reps // 3))
    report("report_rollup_word_national_ms", docx, accepted=accepted)
    xlsx = timed_ms(lambda: output.figures_xlsx(request), max(3, reps // 10))
    report("report_figures_excel_national_ms", xlsx, units=accepted)


def province_page(province, template, reps: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from hoiso.accounts.models import Role, User

    admin = User.objects.create_user(username="bench_province", password="x" * 20,
                                     full_name="Quản trị tỉnh Thử")  # fmt: skip
    Role.objects.create(user=admin, unit=province, role="province_admin")
    today = datetime.date.today()
    rng = random.Random(3)
    request = None
    for month in range(1, 7):  # five earlier requests and this one
        request = issue(
            admin, province, template, "month", month, today + datetime.timedelta(days=5)
        )
        shares = ({"accepted": 0.85, "submitted": 0.05, "returned": 0.05} if month < 6 else
                  {"accepted": 0.5, "submitted": 0.2, "returned": 0.1})  # fmt: skip
        answer(request, rng=rng, shares=shares, today=today)
    client = Client()
    client.force_login(admin)
    url = reverse("reporting:request_detail", args=[request.pk])

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")

    page = timed_ms(get, reps)
    report("report_province_page_ms", page, communes=request.submissions.count())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not is_postgres(base):
        raise SystemExit("report_rollup.py measures PostgreSQL: set DATABASE_URL to one.")
    url = with_database(base, "hoiso_bench_reporting")
    create_postgres_database(url, fresh=True)
    os.environ["DATABASE_URL"] = url
    try:
        manage(url, "migrate", "--noinput", "-v", "0")
        setup_django()
        from django.conf import settings

        from hoiso.accounts.models import User

        settings.ALLOWED_HOSTS = ["*"]
        settings.HOISO_MFA_REQUIRED = False
        from hoiso.reporting.models import ReportTemplate

        central, province = build_country()
        root = User.objects.create_superuser(username="bench_root", password="x" * 20,
                                             email="bench_root@hoiso.test")  # fmt: skip
        template = ReportTemplate.objects.get(name__startswith="Báo cáo kết quả công tác Hội quý")
        manage(url, "shell", "-c", "from django.db import connection; "
               "connection.cursor().execute('VACUUM ANALYZE')")  # fmt: skip
        national(root, central, template, args.reps)
        province_page(province, template, args.reps)
    finally:
        from django.db import connections

        connections.close_all()
        drop_postgres_database(url)


if __name__ == "__main__":
    sys.exit(main())
