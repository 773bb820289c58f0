from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudiesConfig(AppConfig):
    name = "hoiso.studies"
    label = "studies"
    verbose_name = _("Study and check")

    def ready(self) -> None:
        from hoiso.core import audit, navigation
        from hoiso.core.permissions import Action
        from hoiso.studies import indicators  # noqa: F401 - registers the study figures

        navigation.register(navigation.NavItem(_("Study"), "studies:list", "book", Action.VIEW, 60))
        audit.register_labels(
            groups={"study": _("Study and check")},
            actions={
                "study.create": _("Created a study material"),
                "study.update": _("Changed a study material"),
                "study.questions": _("Changed the check of a study material"),
                "study.publish": _("Published a study material"),
                "study.close": _("Closed a study material"),
                "study.record": _("Recorded members' study"),
            },
        )
