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
        navigation.register(
            navigation.NavItem(
                _("Reports"), "reporting:request_list", "file-earmark-text",
                Action.MANAGE_REPORTING, 42,
            )
        )  # fmt: skip
        audit.register_labels(
            groups={
                "indicator": _("Indicators"),
                "reporting": _("Reporting"),
                "report_template": _("Report templates"),
                "report_request": _("Report requests"),
                "submission": _("Reports"),
            },
            actions={
                "indicator.create": _("Defined an indicator"),
                "indicator.update": _("Changed an indicator"),
                "indicator.delete": _("Deleted an unused indicator"),
                "reporting.cut_off": _("Changed a cut-off day of reporting periods"),
                "report_template.create": _("Defined a report template"),
                "report_template.update": _("Changed a report template"),
                "report_request.issue": _("Requested a report from the units below"),
                "report_request.close": _("Closed a report request"),
                "submission.save": _("Saved a report draft"),
                "submission.submit": _("Submitted a report"),
                "submission.return": _("Returned a report for correction"),
                "submission.accept": _("Accepted a report"),
                "submission.attach": _("Attached a file to a report"),
                "submission.detach": _("Removed a file from a report draft"),
            },
        )
