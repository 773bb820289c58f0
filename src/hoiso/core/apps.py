from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hoiso.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from hoiso.core import navigation
        from hoiso.core.permissions import Action

        navigation.register(
            navigation.NavItem(
                label=_("Audit log"),
                url_name="core:audit_list",
                icon="journal-text",
                action=Action.VIEW_AUDIT,
                order=90,
            )
        )
