"""`manage.py credit_month_end [--on YYYY-MM-DD] [--unit CODE] [--enqueue]`: interest accrual,
penalties, commission and portfolio snapshots as of a day (default: the last day of the
previous month). Running it again for the same day posts nothing new."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hoiso.credit.monthend import month_end
from hoiso.org.models import Unit


class Command(BaseCommand):
    help = "Run the credit month-end (accrual, penalties, commission, PAR snapshot)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--on", help="The day (YYYY-MM-DD); the last day of last month by default."
        )
        parser.add_argument("--unit", help="Only this unit's subtree (unit code).")
        parser.add_argument("--enqueue", action="store_true", help="Queue the task instead.")

    def handle(self, *args, on=None, unit=None, enqueue=False, **options):
        try:
            day = (
                datetime.date.fromisoformat(on)
                if on
                else timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
            )
        except ValueError:
            raise CommandError(f"--on: not a date: {on!r}") from None
        target = None
        if unit:
            target = Unit.objects.filter(code=unit).first()
            if target is None:
                raise CommandError(f"--unit: no unit with code {unit!r}")
        if enqueue:
            from hoiso.credit.tasks import credit_month_end

            credit_month_end.enqueue(day.isoformat(), target.pk if target else None)
            self.stdout.write(f"month-end {day} queued")
            return
        started = time.perf_counter()
        result = month_end(on=day, unit=target)
        self.stdout.write(
            f"month-end {day}: accrued {result.accrued} on {result.accrued_loans} loans, "
            f"penalties {result.penalties} on {result.penalty_loans}, commission {result.commission}, "
            f"{result.snapshots} group snapshots, closed units skipped: {len(result.closed_units)} "
            f"({time.perf_counter() - started:.1f} s)"
        )
