from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "hoiso.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from hoiso.core import audit, navigation
        from hoiso.core.permissions import Action

        navigation.register(
            navigation.NavItem(
                _("Report figures"), "reporting:preview", "calculator", Action.VIEW, 40
            )
        )
        navigation.register(
            navigation.NavItem(
                _("Indicators"), "reporting:indicator_list", "clipboard-data",
                Action.MANAGE_REPORTING, 45,
            )
        )  # fmt: skip
        audit.register_labels(
            groups={"indicator": _("Indicators"), "reporting": _("Reporting")},
            actions={
                "indicator.create": _("Defined an indicator"),
                "indicator.update": _("Changed an indicator"),
                "indicator.delete": _("Deleted an unused indicator"),
                "reporting.cut_off": _("Changed a cut-off day of reporting periods"),
            },
        )
