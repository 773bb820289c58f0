"""Remind the people who have not finished a study material due soon, and the officials of
units whose members' study is not all recorded (daily, from cron or a task). Running it
twice on one day reminds nobody twice."""

from django.core.management.base import BaseCommand

from hoiso.studies.services import remind_due


class Command(BaseCommand):
    help = "Remind learners of study materials due within N days that they have not finished."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="days before the deadline (3)")

    def handle(self, *args, days: int, **options):
        count = remind_due(days=max(days, 0))
        self.stdout.write(f"{count} person(s) reminded")
