"""`manage.py demo`: build the demo province — Thành phố Cần Thơ after the 2025 merge.

    manage.py demo                    build it into an empty organisation (fails if it is there)
    manage.py demo --if-missing       build it unless it is there (`make run`)
    manage.py demo --print-sign-ins   build it if missing, then print the demo sign-ins
    manage.py demo --reset            `make demo`: build it; if it is there, stop and say how
                                      to start from an empty database. This command never
                                      deletes anything, so it cannot wipe real data.
    manage.py demo --seed N           another, equally realistic province
    manage.py demo --sample           a small demo (about ten members per group): tests, quick looks

The demo is built only into a database without units, and never with HOISO_PRODUCTION on.
Administrative areas are loaded first (`load_areas`) when missing.

Builders
--------
settings.HOISO_DEMO_BUILDERS lists dotted paths of functions `build(ctx) -> None`; they
run in that order, all in one transaction. An app with demo data adds `<app>/demo.py`
and appends its path to the setting. A builder

- gets a hoiso.demo.context.DemoContext: `ctx.rng` (a random.Random seeded with the demo
  seed and the builder's path: use it for every random choice), `ctx.today`, `ctx.refs`,
  `ctx.log(message)`, `ctx.email(username)`;
- writes through the services or, for thousands of rows, the bulk helpers in
  hoiso.demo.bulk (they fill derived fields, stored unit paths and history rows);
- reads what earlier builders made from `ctx.refs` and adds its own keys, never
  replacing one; Vietnamese names and places come from hoiso.demo.names;
- raises CommandError to stop; the whole demo then rolls back.

ctx.refs keys so far (all fetched after the merge, so their paths are current):
  province          Unit: Hội LHPN thành phố Cần Thơ (HPN-92)            org.demo
  former_provinces  {"soc_trang": Unit, "hau_giang": Unit}, retired 2025-07-01
  communes          [Unit]: the 103 active commune unions, ordered by code
  affiliated        [Unit]: the affiliated grassroots unions
  home_commune      Unit: xã Kế Sách (from Sóc Trăng), xa_officer's
  sibling_commune   Unit: xã An Lạc Thôn (from Sóc Trăng), xa_officer_other's
  home_branch       Unit: chi_hoi_leader's branch, in home_commune
  home_group        Unit: to_truong's group, in home_branch
  merge             Restructuring: the merge of 1 July 2025
  users             {username: User}: the demo accounts                  accounts.demo
"""

from __future__ import annotations

import random
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from hoiso.core import audit
from hoiso.demo.context import DEFAULT_SEED, DEMO_PROVINCE_CODE, DemoContext
from hoiso.demo.signins import sign_in_text
from hoiso.org.models import AdministrativeArea, Unit

RESET_REFUSED = (
    "Dữ liệu mẫu đã có trong cơ sở dữ liệu này; lệnh demo không bao giờ xoá dữ liệu.\n"
    "Để dựng lại từ đầu: xoá tệp db.sqlite3 (SQLite) hoặc dùng một cơ sở dữ liệu PostgreSQL "
    "mới, rồi chạy lại `make demo`.\n"
    "(The demo is already here and this command never deletes data: remove db.sqlite3 or "
    "use a fresh PostgreSQL database, then run `make demo` again.)"
)


class Command(BaseCommand):
    help = "Build the demo province (Cần Thơ after the 2025 merge) and its demo sign-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing if the demo province is already there.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Build the demo; if it is already there, stop and say how to "
            "start from an empty database (nothing is ever deleted).",
        )
        parser.add_argument(
            "--print-sign-ins",
            action="store_true",
            help="Print the demo user names, password and TOTP secrets "
            "(building the demo first if it is missing).",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help="Seed of the random choices (names, counts).")  # fmt: skip
        parser.add_argument("--sample", action="store_true",
                            help="A small demo: about ten members per group, not the seed figures.")  # fmt: skip

    def handle(self, *args, if_missing, reset, print_sign_ins, seed, sample, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo is never built with HOISO_PRODUCTION on.")
        if Unit.objects.filter(code=DEMO_PROVINCE_CODE).exists():
            if reset:
                raise CommandError(RESET_REFUSED)
            if not (if_missing or print_sign_ins):
                raise CommandError("The demo is already built (use --if-missing to skip it).")
            if if_missing:
                self.stdout.write("demo: already built, nothing to do")
        elif Unit.objects.exists():
            message = ("demo: this database already holds units of its own; the demo is built "
                       "only into an empty organisation")  # fmt: skip
            if not (if_missing or print_sign_ins):
                raise CommandError(message)
            self.stdout.write(message + " — skipped")
            return
        else:
            self._ensure_areas()
            self._build(seed, sample)
        if print_sign_ins:
            self.stdout.write(sign_in_text())

    def _ensure_areas(self) -> None:
        if not AdministrativeArea.objects.filter(province__code="92").exists():
            call_command("load_areas", stdout=self.stdout)

    def _build(self, seed: int, sample: bool) -> None:
        started = time.perf_counter()
        ctx = DemoContext(rng=random.Random(seed), today=timezone.localdate(),
                          write=self.stdout.write, seed=seed, sample=sample)  # fmt: skip
        # Services store some text (a restructuring's summary) in the active language.
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            if connection.vendor == "sqlite":  # a large page cache for the bulk inserts
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA cache_size = -262144")
            for path in settings.HOISO_DEMO_BUILDERS:
                step = time.perf_counter()
                self.stdout.write(f"{path}:")
                ctx.rng = random.Random(f"{seed}:{path}")
                import_string(path)(ctx)
                ctx.log(f"({time.perf_counter() - step:.2f} s)")
            audit.record(actor=None, action="demo.build", obj=ctx.refs.get("province"),
                         details={"seed": seed, "builders": settings.HOISO_DEMO_BUILDERS})  # fmt: skip
        self.stdout.write(
            self.style.SUCCESS(f"demo: built in {time.perf_counter() - started:.2f} s")
        )
