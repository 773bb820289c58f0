"""Send the queued e-mails that are due.

    manage.py notifications_send                 (every 5 minutes, from cron)
    manage.py notifications_send --retry-failed  (after fixing the mail server or an address)

The task queue sends each mail right after it is written and retries with backoff; this
command is the safety net that needs nothing but the database.
"""

from django.core.management.base import BaseCommand

from hoiso.notifications.services import mail_retry_failed, mail_send_due


class Command(BaseCommand):
    help = "Send the queued notification e-mails that are due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry-failed", action="store_true", help="Queue the failed mails again first."
        )

    def handle(self, *args, **options):
        if options["retry_failed"]:
            self.stdout.write(f"{mail_retry_failed()} failed mail(s) queued again.")
        result = mail_send_due(limit=None)
        self.stdout.write(
            f"{result.sent} sent, {result.retrying} to retry later, {result.failed} failed."
        )
