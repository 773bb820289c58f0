from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "hoiso.documents"
    label = "documents"
    verbose_name = _("Official documents")

    def ready(self) -> None:
        from hoiso.core import audit, navigation
        from hoiso.core.permissions import Action

        navigation.register(
            navigation.NavItem(_("Documents"), "documents:inbox", "envelope-paper", Action.VIEW, 55)
        )
        audit.register_labels(
            groups={"document": _("Official documents")},
            actions={
                "document.create": _("Drafted an official document"),
                "document.update": _("Changed a draft document"),
                "document.issue": _("Issued an official document"),
                "document.respond": _("Answered an official document"),
                "document.register_incoming": _("Registered an incoming document"),
            },
        )
