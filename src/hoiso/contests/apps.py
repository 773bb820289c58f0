from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "hoiso.contests"
    label = "contests"
    verbose_name = _("Contests")

    def ready(self) -> None:
        from hoiso.contests import entry_app
        from hoiso.core import audit, navigation
        from hoiso.core.permissions import Action

        entry_app.register()  # entry contests and their juries

        navigation.register(
            navigation.NavItem(
                _("Contests"), "contests:quiz_list", "trophy", Action.MANAGE_CONTESTS, 59
            )
        )
        audit.register_labels(
            groups={"contest": _("Contests")},
            actions={
                "contest.create": _("Created a contest"),
                "contest.update": _("Changed a contest"),
                "contest.publish": _("Published a contest"),
                "contest.close": _("Closed a contest"),
                "contest.rounds": _("Set a contest's rounds"),
                "contest.questions": _("Changed a contest's question bank"),
                "contest.import": _("Imported contest questions"),
                "contest.rank": _("Ranked a contest round"),
                "contest.winners": _("Published the winners of a round"),
                "contest.results_download": _("Downloaded a round's ranking"),
            },
        )
