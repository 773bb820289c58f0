"""Queue the daily digest mail of everyone who chose it, send what is due, and delete the
mails sent more than 30 days ago (services.SENT_MAIL_KEPT).

    manage.py notifications_digest               (once a day, from cron, e.g. 17:00)

Safe to run twice: a notification goes into one digest only.
"""

from django.core.management.base import BaseCommand

from hoiso.notifications.services import digest_send, mail_purge_sent, mail_send_due


class Command(BaseCommand):
    help = "Queue and send the daily digest of notifications."

    def handle(self, *args, **options):
        queued = digest_send()
        result = mail_send_due(limit=None)
        purged = mail_purge_sent()
        self.stdout.write(
            f"{queued} digest(s) queued; {result.sent} sent, {result.retrying} to retry later, "
            f"{result.failed} failed; {purged} old sent mail(s) deleted."
        )
