"""Background work of notifications: sending the mail queue and the daily digest.

`send_mail` is queued after the commit of every `services.notify` that wrote mail; when the
SMTP server cannot be reached it queues itself again for the backoff time. Cron runs
`manage.py notifications_send` every few minutes as the safety net and
`manage.py notifications_digest` once a day (docs/deployment.md).
"""

from django_tasks import task


@task()
def send_mail(mail_ids: list[int] | None = None) -> dict:
    """Send the given queued mails (all due ones when None)."""
    from hoiso.notifications.services import mail_send_due

    return mail_send_due(ids=mail_ids).as_dict()


@task()
def send_digests() -> dict:
    """Queue today's digest mails (they are then sent by `send_mail`)."""
    from hoiso.notifications.services import digest_send

    return {"queued": digest_send()}
