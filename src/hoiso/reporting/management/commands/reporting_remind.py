"""Remind the units that have not yet submitted a report due soon (daily, from cron or a
task). Running it twice on one day reminds nobody twice."""

from django.core.management.base import BaseCommand

from hoiso.reporting.services import remind_due


class Command(BaseCommand):
    help = "Remind units of report requests due within N days that they have not submitted."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="days before the deadline (3)")

    def handle(self, *args, days: int, **options):
        count = remind_due(days=max(days, 0))
        self.stdout.write(f"{count} unit(s) reminded")
