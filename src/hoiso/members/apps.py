from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "hoiso.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from hoiso.core import audit, navigation
        from hoiso.core.permissions import Action
        from hoiso.members import indicators  # noqa: F401 - registers the member figures

        navigation.register(
            navigation.NavItem(
                _("Members"), "members:member_list", "person-hearts", Action.VIEW_PERSONAL, 5
            )
        )
        audit.register_labels(
            groups={"member": _("Members")},
            actions={
                "member.admit": _("Admitted a member"),
                "member.update": _("Edited a member's record"),
                "member.restore": _("Restored an earlier version of a member's record"),
                "member.import_purge": _("Deleted an old uploaded member list (retention)"),
                "member.transfer": _("Transferred a member"),
                "member.transfer_request": _("Asked another province to take a member"),
                "member.transfer_accept": _("Accepted a member from another province"),
                "member.transfer_refuse": _("Refused a member from another province"),
                "member.leave": _("Recorded that a member left"),
                "member.death": _("Recorded a member's death"),
                "member.reinstate": _("Reinstated a member"),
                "member.consent": _("Recorded a consent"),
                "member.view_sensitive": _("Read a member's ethnicity and religion"),
                "member.export": _("Exported a member list"),
                "member.cards": _("Printed member cards"),
                "member.stats_export": _("Exported member statistics"),
                "member.merge": _("Merged duplicate member records"),
                "member.data_export": _("Gave a member a copy of her data"),
                "member.anonymise": _("Removed a member's personal data at her request"),
            },
        )
