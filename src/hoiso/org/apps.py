from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "hoiso.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from hoiso.core import navigation
        from hoiso.core.permissions import Action

        navigation.register(
            navigation.NavItem(_("Organisation"), "org:tree", "diagram-3", Action.VIEW, 10)
        )
        navigation.register(
            navigation.NavItem(
                _("Restructuring"), "org:restructuring_list", "arrow-left-right", Action.VIEW, 20
            )
        )
        navigation.register(
            navigation.NavItem(_("Population"), "org:population_list", "people", Action.VIEW, 30)
        )
