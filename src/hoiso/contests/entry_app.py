"""What entry contests register when the app starts (called from ContestsConfig.ready()):
their menu entry and the names of their audit actions."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from hoiso.core import audit, navigation
    from hoiso.core.permissions import Action

    navigation.register(
        navigation.NavItem(
            _("Entry contests"),
            "contests:entry_list",
            "journal-richtext",
            Action.MANAGE_CONTESTS,
            60,
        )  # fmt: skip
    )
    audit.register_labels(
        groups={"entries": _("Entry contests")},
        actions={
            "entries.create": _("Created a call for entries"),
            "entries.update": _("Changed a call for entries"),
            "entries.open": _("Opened a call for entries"),
            "entries.rubric": _("Changed a contest's rubric"),
            "entries.submit": _("Submitted a contest entry"),
            "entries.withdraw": _("Withdrew a contest entry"),
            "entries.jury": _("Changed a contest's jury"),
            "entries.judging": _("Started judging a contest"),
            "entries.assign": _("Assigned entries to judges"),
            "entries.score": _("Scored a contest entry"),
            "entries.publish": _("Published a contest's results"),
            "entries.forward": _("Forwarded the best entries to the level above"),
        },
    )
