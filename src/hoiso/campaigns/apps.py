from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "hoiso.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from hoiso.core import audit, navigation
        from hoiso.core.permissions import Action

        navigation.register(
            navigation.NavItem(_("Campaigns"), "campaigns:list", "flag", Action.VIEW, 58)
        )
        audit.register_labels(
            groups={"campaign": _("Campaigns")},
            actions={
                "campaign.create": _("Created a campaign"),
                "campaign.update": _("Changed a campaign"),
                "campaign.start": _("Started a campaign"),
                "campaign.close": _("Closed a campaign"),
                "campaign.targets": _("Set campaign targets"),
                "campaign.entry": _("Entered a campaign figure"),
            },
        )
