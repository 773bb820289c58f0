"""The e-mails of notifications, composed (not sent): plain text and HTML, in Vietnamese.

Composed when the notification is written, so that what is queued is exactly what will be
sent, whatever happens to templates or settings before the SMTP server takes it. Links are
absolute (settings.HOISO_SITE_URL) and go through the notification's own page, so that
following one marks the notification read.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoiso.notifications.models import Notification, OutgoingMail


def absolute(path: str) -> str:
    """`path` (starting with /) as a link that works from a mailbox."""
    return settings.HOISO_SITE_URL.rstrip("/") + path


def subject_line(text: str) -> str:
    """One line, prefixed with the site name, at most what the column holds."""
    line = " ".join(f"[{settings.HOISO_SITE_NAME}] {text}".split())
    return line if len(line) <= 255 else line[:254] + "…"


def _context(user, **extra) -> dict:
    return {
        "user_name": user.get_full_name(),
        "site_name": settings.HOISO_SITE_NAME,
        "inbox_url": absolute(reverse("notifications:inbox")),
        "preferences_url": absolute(reverse("notifications:preferences")),
        **extra,
    }


def _render(template: str, context: dict) -> tuple[str, str]:
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    return text.strip() + "\n", html


def notification_mail(*, notification: Notification, user) -> OutgoingMail:
    """The e-mail of one notification, for a recipient who wants each one at once."""
    with translation.override(settings.LANGUAGE_CODE):
        item = {
            "title": notification.title,
            "body": notification.body,
            "link": absolute(reverse("notifications:open", args=[notification.pk])),
            "unit": notification.unit.name if notification.unit_id else "",
        }
        text, html = _render("notification", _context(user, item=item))
        subject = subject_line(notification.title)
    return OutgoingMail(
        recipient=user, to_address=user.email, kind=OutgoingMail.Kind.IMMEDIATE,
        subject=subject, text_body=text, html_body=html,
    )  # fmt: skip


def digest_mail(*, user, notifications: Sequence[Notification], day: datetime.date) -> OutgoingMail:
    """One e-mail with every notification the daily digest carries to `user`, oldest first."""
    with translation.override(settings.LANGUAGE_CODE):
        items = [
            {
                "title": n.title,
                "body": n.body,
                "link": absolute(reverse("notifications:open", args=[n.pk])),
                "unit": n.unit.name if n.unit_id else "",
                "created_at": n.created_at,
            }
            for n in notifications
        ]
        count = len(items)
        heading = ngettext(
            "%(count)d notification you have not read yet",
            "%(count)d notifications you have not read yet",
            count,
        ) % {"count": count}
        text, html = _render("digest", _context(user, items=items, heading=heading, day=day))
        subject = subject_line(
            _("Your notifications of %(day)s") % {"day": day.strftime("%d/%m/%Y")} + f" ({count})"
        )
    return OutgoingMail(
        recipient=user, to_address=user.email, kind=OutgoingMail.Kind.DIGEST,
        subject=subject, text_body=text, html_body=html,
    )  # fmt: skip


def message(mail: OutgoingMail, connection) -> EmailMultiAlternatives:
    """The message the SMTP server gets. Its Message-ID is fixed by the queue row, so a mail
    sent again after a lost answer can be recognised as the same one."""
    domain = urlsplit(settings.HOISO_SITE_URL).hostname or "hoiso.local"
    email = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to_address],
        connection=connection,
        headers={
            "Message-ID": f"<hoiso-mail-{mail.pk}@{domain}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    if mail.html_body:
        email.attach_alternative(mail.html_body, "text/html")
    return email
