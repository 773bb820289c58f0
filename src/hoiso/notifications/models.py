"""Notifications: the in-app inbox, each user's choice of e-mail, and the outgoing-mail queue.

A notification belongs to one person (its recipient), never to a unit: nobody else sees it,
whatever her roles. Mail is never sent inside a request: `services.notify` writes the
notifications and, for those who want mail at once, rows of `OutgoingMail`; a task sends
them after the commit, and a row stays queued (retried with backoff) until the SMTP server
accepts it, so a mail server that is down loses nothing.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view") -> "NotificationQuerySet":
        """A notification is its recipient's alone (superusers included): the same rule for
        every action, so `core.scoping.get_object_for_user` answers 404 for anyone else's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a person should know: a report asked of her, a deadline, a document.

    `url` is a local path (checked by the service and again when opened) that opening the
    notification leads to. `mail` is the e-mail that carried it (immediate or digest);
    `awaiting_digest` marks one that the next daily digest must include.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    awaiting_digest = models.BooleanField(default=False)
    mail = models.ForeignKey(
        "OutgoingMail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # the inbox, newest first
            models.Index(fields=["recipient", "-created_at"], name="notif_inbox_idx"),
            # the badge: "my unread", a small partial index
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_unread_idx"
            ),
            # the daily digest's work list
            models.Index(
                fields=["recipient"], condition=Q(awaiting_digest=True), name="notif_digest_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DeliveryPreference(models.Model):
    """How a person wants her notifications by e-mail. No row means the default: at once."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("An e-mail for each notification")
        DIGEST = "digest", _("One e-mail a day with all of them")
        NONE = "none", _("No e-mail, only in HộiSố")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_mode = models.CharField(
        _("e-mail"), max_length=16, choices=Mode.choices, default=Mode.IMMEDIATE
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.email_mode}"


class OutgoingMail(models.Model):
    """One e-mail waiting for, or done with, the SMTP server.

    QUEUED until sent; SENDING while a worker holds it (`next_attempt_at` is then the end
    of its lease: a worker that died mid-send gives it back when the lease runs out); SENT;
    FAILED when the server refused the address for good or after the last attempt — kept,
    and `manage.py notifications_send --retry-failed` queues it again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        IMMEDIATE = "immediate", _("Notification")
        DIGEST = "digest", _("Daily digest")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_address = models.EmailField(_("address"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=255)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["queued", "sending"]),
                name="notif_mail_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to_address}: {self.subject}"
