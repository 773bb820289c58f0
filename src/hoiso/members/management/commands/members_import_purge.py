"""Delete uploaded member lists and their error reports past the retention period.

    manage.py members_import_purge     (daily, from cron: see docs/deployment.md)

The uploads hold personal data; settings.HOISO_IMPORT_RETENTION_DAYS (30 by default) says how
long they are kept. The import batches stay, with their counts and the records of which
members they wrote, so an import can still be undone.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from hoiso.members.importing.services import batches_purge


class Command(BaseCommand):
    help = "Delete uploaded member lists and error reports older than the retention period."

    def handle(self, *args, **options):
        count = batches_purge()
        days = settings.HOISO_IMPORT_RETENTION_DAYS
        self.stdout.write(f"{count} import(s) older than {days} days: files deleted.")
