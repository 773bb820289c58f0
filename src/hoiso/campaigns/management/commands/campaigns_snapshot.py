"""`manage.py campaigns_snapshot [--day YYYY-MM-DD]`: store the computed indicators' values of
every running campaign for the day (today). Run it daily (cron or the task); running it again
the same day replaces that day's values, never adds a second row."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from hoiso.campaigns.services import snapshot_all


class Command(BaseCommand):
    help = "Store today's computed progress of every running campaign (idempotent per day)."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="The day (YYYY-MM-DD); today by default.")

    def handle(self, *args, day=None, **options):
        try:
            on = datetime.date.fromisoformat(day) if day else None
        except ValueError:
            raise CommandError(f"--day: not a date: {day!r}") from None
        stored = snapshot_all(day=on)
        for pk, count in stored.items():
            self.stdout.write(f"campaign {pk}: {count} values")
        self.stdout.write(f"{len(stored)} campaigns, {sum(stored.values())} values")
