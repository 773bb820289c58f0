from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "hoiso.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        checks.register(check_site_url, checks.Tags.compatibility)


def check_site_url(app_configs=None, **kwargs) -> list:
    """In production, links in e-mails must not point at this machine's loopback."""
    host = urlsplit(settings.HOISO_SITE_URL).hostname or ""
    if getattr(settings, "PRODUCTION", False) and host in {"127.0.0.1", "localhost", "::1"}:
        return [
            checks.Warning(
                "HOISO_SITE_URL is not set: links in notification e-mails point at "
                f"{settings.HOISO_SITE_URL}.",
                hint="Set HOISO_SITE_URL to the public address, e.g. https://hoiso.example.vn",
                id="notifications.W001",
            )
        ]
    return []
