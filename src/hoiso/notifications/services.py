"""Every write of notifications: notify, read, preferences, the mail queue and the digest.

Other apps call `notify(...)`; nothing here runs inside a request for longer than a few
inserts: mail goes to the SMTP server from a task, after the commit.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from hoiso.core.errors import ServiceError
from hoiso.notifications import emails, selectors
from hoiso.notifications.models import DeliveryPreference, Notification, OutgoingMail

logger = logging.getLogger(__name__)

Mode = DeliveryPreference.Mode

# Retries of a mail the SMTP server did not take: 1, 2, 4 … minutes, at most 6 hours apart;
# after MAX_ATTEMPTS (about two days) the mail is FAILED, kept, and can be queued again.
RETRY_FIRST = datetime.timedelta(minutes=1)
RETRY_LONGEST = datetime.timedelta(hours=6)
MAX_ATTEMPTS = 16
# How long a worker holds a mail it is sending before another may take it.
SENDING_LEASE = datetime.timedelta(minutes=10)
# Sent mails hold the text of notifications (personal data, at times): kept this long for
# support questions ("did the mail go?"), then deleted; the notifications stay.
SENT_MAIL_KEPT = datetime.timedelta(days=30)


# ------------------------------------------------------------------------------ notify


def is_local_path(url: str) -> bool:
    """A path on this site ("/hoi-vien/12/"), never an address elsewhere ("//evil", "https:…")."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url.isprintable()
        and " " not in url
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set())
    )


def notify(*, recipients: Iterable, kind: str, title: str, body: str = "", url: str = "",
           unit=None, email: bool = True) -> list[Notification]:  # fmt: skip
    """Tell `recipients` (users) something: one notification each in their inbox and, if
    `email`, an e-mail as each prefers (at once, in the daily digest, or none).

    `kind` names what happened ("report.requested", "document.delivered"); `url` is the
    local path the notification leads to. Runs in the caller's transaction: if that rolls
    back, nothing was notified and no mail goes out. Returns the notifications written.
    """
    if not kind or len(kind) > 64:
        raise ValueError("notify: kind must be 1-64 characters")
    if url and (len(url) > 500 or not is_local_path(url)):
        raise ValueError(f"notify: url must be a local path, not {url!r}")
    title = " ".join(str(title).split())
    if not title:
        raise ValueError("notify: a notification needs a title")
    title = title if len(title) <= 255 else title[:254] + "…"
    users = list({user.pk: user for user in recipients}.values())
    if not users:
        return []
    modes = dict(
        DeliveryPreference.objects.filter(user__in=[u.pk for u in users]).values_list(
            "user_id", "email_mode"
        )
    )

    def mailable(user) -> bool:
        return email and user.is_active and bool(user.email)

    def mode(user) -> str:
        return modes.get(user.pk, Mode.IMMEDIATE) if mailable(user) else Mode.NONE

    now = timezone.now()
    with transaction.atomic():
        notes = Notification.objects.bulk_create(
            Notification(
                recipient=user,
                kind=kind,
                title=title,
                body=body,
                url=url,
                unit=unit,
                created_at=now,
                awaiting_digest=mode(user) == Mode.DIGEST,
            )
            for user in users
        )
        immediate = [(n, u) for n, u in zip(notes, users, strict=True) if mode(u) == Mode.IMMEDIATE]
        if immediate:
            mails = OutgoingMail.objects.bulk_create(
                emails.notification_mail(notification=n, user=u) for n, u in immediate
            )
            for (note, _user), mail in zip(immediate, mails, strict=True):
                note.mail = mail
            Notification.objects.bulk_update([n for n, _u in immediate], ["mail"])
            _send_after_commit([m.pk for m in mails])
    return notes


def _send_after_commit(mail_ids: list[int] | None, *, at: datetime.datetime | None = None) -> None:
    """Queue the sending task once the rows are committed (a worker must find them). If the
    task queue cannot take it, the mail stays queued for `manage.py notifications_send`."""
    from hoiso.notifications import tasks

    def enqueue():
        task = tasks.send_mail
        if at is not None:
            if not task.get_backend().supports_defer:
                return  # the periodic command retries it
            task = task.using(run_after=at)
        task.enqueue(mail_ids)

    transaction.on_commit(enqueue, robust=True)


# ------------------------------------------------------------------------------ reading


def notification_mark_read(*, user, notification: Notification) -> bool:
    """Mark the user's own notification read. Returns whether it was unread."""
    if notification.recipient_id != user.pk:
        raise ServiceError(_("This notification is not yours."))
    if notification.read_at is not None:
        return False
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now
    )
    notification.read_at = notification.read_at or now
    return bool(changed)


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read. Returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_set(*, user, email_mode: str) -> DeliveryPreference:
    """Set how the user wants her notifications by e-mail. Switching away from the digest
    drops what waited for it only when she wants no e-mail at all (the next digest carries
    the rest once, then notifications follow the new choice)."""
    if email_mode not in Mode.values:
        raise ServiceError(_("Choose how you want to receive e-mail."))
    with transaction.atomic():
        preference, _created = DeliveryPreference.objects.update_or_create(
            user=user, defaults={"email_mode": email_mode}
        )
        if email_mode == Mode.NONE:
            Notification.objects.filter(recipient=user, awaiting_digest=True).update(
                awaiting_digest=False
            )
    return preference


# ------------------------------------------------------------------------------ the mail queue


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return {"sent": self.sent, "retrying": self.retrying, "failed": self.failed}


def retry_delay(attempts: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failed attempt: doubling, capped."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_LONGEST)


def _due(now):
    return OutgoingMail.objects.filter(
        status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.SENDING],
        next_attempt_at__lte=now,
    )


def _claim(pk: int, now) -> OutgoingMail | None:
    """Take one due mail for this worker (one UPDATE: two workers never both get it)."""
    taken = _due(now).filter(pk=pk).update(
        status=OutgoingMail.Status.SENDING, attempts=F("attempts") + 1,
        next_attempt_at=now + SENDING_LEASE,
    )  # fmt: skip
    return OutgoingMail.objects.get(pk=pk) if taken else None


def _permanent(exc: Exception) -> bool:
    """The server refused the address for good (5xx): retrying cannot help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return False


def _connection_error(exc: Exception) -> bool:
    """The server could not be reached or dropped us: the next mails would fail the same way."""
    return isinstance(exc, OSError | smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError)


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _record_failure(mail: OutgoingMail, exc: Exception, now) -> OutgoingMail.Status:
    gave_up = _permanent(exc) or mail.attempts >= MAX_ATTEMPTS
    status = OutgoingMail.Status.FAILED if gave_up else OutgoingMail.Status.QUEUED
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=status, last_error=_describe(exc), next_attempt_at=now + retry_delay(mail.attempts)
    )
    log = logger.error if gave_up else logger.warning
    log("mail %s to %s not sent (attempt %s): %s", mail.pk, mail.to_address, mail.attempts, exc)
    return status


def mail_send_due(*, ids: list[int] | None = None, limit: int | None = 500, now=None) -> SendResult:
    """Send the queued mails that are due (only `ids`, when given) over one SMTP connection.

    Each mail is claimed before it is sent and marked SENT as soon as the server takes it,
    so no mail goes twice. When the server cannot be reached, the mail tried keeps its
    attempt and backoff, the others due wait as long (their error noted, no attempt counted),
    and one retry is queued for then.
    """
    fixed = now  # tests pass a time; otherwise each step reads the clock (a batch takes a while)

    def clock():
        return fixed or timezone.now()

    now = clock()
    result = SendResult()
    due = _due(now).order_by("next_attempt_at", "pk")
    if ids is not None:
        due = due.filter(pk__in=ids)
    candidates = list(due.values_list("pk", flat=True)[:limit])
    connection = None
    retry_at = None
    try:
        for index, pk in enumerate(candidates):
            now = clock()
            mail = _claim(pk, now)
            if mail is None:
                continue  # another worker has it
            try:
                if connection is None:
                    connection = get_connection(fail_silently=False)
                    connection.open()
                emails.message(mail, connection).send()
            except (smtplib.SMTPException, OSError) as exc:
                if _record_failure(mail, exc, now) == OutgoingMail.Status.FAILED:
                    result.failed += 1
                    continue
                result.retrying += 1
                retry_at = now + retry_delay(mail.attempts)
                if _connection_error(exc):
                    result.retrying += _postpone(candidates[index + 1 :], exc, retry_at, now)
                    break
                continue
            except Exception as exc:  # the message itself is broken: retrying cannot help
                logger.exception("mail %s cannot be sent", mail.pk)
                OutgoingMail.objects.filter(pk=mail.pk).update(
                    status=OutgoingMail.Status.FAILED, last_error=_describe(exc)
                )
                result.failed += 1
                continue
            OutgoingMail.objects.filter(pk=mail.pk).update(
                status=OutgoingMail.Status.SENT, sent_at=timezone.now(), last_error=""
            )
            result.sent += 1
    finally:
        if connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.close()
    if retry_at is not None:
        _send_after_commit(None, at=retry_at)
    return result


def _postpone(pks: list[int], exc: Exception, until, now) -> int:
    """The server is unreachable: the rest wait with the mail that failed, untried."""
    return (
        _due(now)
        .filter(pk__in=pks, status=OutgoingMail.Status.QUEUED)
        .update(next_attempt_at=until, last_error=_describe(exc))
    )


def mail_retry_failed() -> int:
    """Queue the FAILED mails again (after the mail server or an address was fixed)."""
    count = OutgoingMail.objects.filter(status=OutgoingMail.Status.FAILED).update(
        status=OutgoingMail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    if count:
        _send_after_commit(None)
    return count


def mail_purge_sent(*, now=None) -> int:
    """Delete the mails sent more than SENT_MAIL_KEPT ago. Returns how many."""
    cutoff = (now or timezone.now()) - SENT_MAIL_KEPT
    deleted, _per_model = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.SENT, sent_at__lt=cutoff
    ).delete()
    return deleted


# ------------------------------------------------------------------------------ the daily digest


def digest_send(*, now=None) -> int:
    """Gather, for each person who chose the daily digest, her notifications not yet sent
    by e-mail into one mail (only those still unread: what she has seen needs no mail).
    Each person in her own transaction; safe to run twice. Returns the mails queued."""
    now = now or timezone.now()
    waiting = Notification.objects.filter(awaiting_digest=True, created_at__lte=now)
    queued = []
    for user_id in waiting.values_list("recipient_id", flat=True).distinct().order_by():
        with transaction.atomic():
            mail = _digest_for(user_id, waiting, now)
        if mail is not None:
            queued.append(mail.pk)
    if queued:
        _send_after_commit(queued)
    return len(queued)


def _digest_for(user_id: int, waiting, now) -> OutgoingMail | None:
    rows = list(
        waiting.filter(recipient_id=user_id)
        .select_for_update(of=("self",))
        .select_related("recipient", "unit")
        .order_by("created_at", "pk")
    )
    if not rows:
        return None  # another run took them
    user = rows[0].recipient
    unread = [n for n in rows if n.read_at is None]
    mail = None
    if unread and user.is_active and user.email and selectors.email_mode(user=user) != Mode.NONE:
        day = timezone.localtime(now).date()
        mail = emails.digest_mail(user=user, notifications=unread, day=day)
        mail.save()
        Notification.objects.filter(pk__in=[n.pk for n in unread]).update(mail=mail)
    Notification.objects.filter(pk__in=[n.pk for n in rows]).update(awaiting_digest=False)
    return mail
