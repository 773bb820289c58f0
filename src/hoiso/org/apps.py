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

        from hoiso.core import audit

        audit.register_labels(
            groups={
                "unit": _("Units"),
                "restructuring": _("Restructuring"),
                "official": _("Officials"),
                "population": _("Population"),
                "demo": _("Demo data"),
            },
            actions={
                "unit.create": _("Created a unit"),
                "unit.update": _("Edited a unit's details"),
                "restructuring.merge": _("Merged units"),
                "restructuring.split": _("Split a unit"),
                "restructuring.rename": _("Renamed a unit"),
                "restructuring.move": _("Moved a unit"),
                "restructuring.revert": _("Reverted a restructuring"),
                "official.appoint": _("Recorded an official"),
                "official.update": _("Edited an official"),
                "official.end": _("Ended an official's term"),
                "population.set": _("Entered a population figure"),
                "population.import": _("Imported population figures"),
                "demo.build": _("Built the demo data"),
            },
        )
