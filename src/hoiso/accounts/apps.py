from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hoiso.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from hoiso.core import navigation
        from hoiso.core.permissions import Action

        navigation.register(
            navigation.NavItem(
                _("Users"), "accounts:user_list", "person-badge", Action.MANAGE_USERS, 80
            )
        )

        from hoiso.core import audit

        audit.register_labels(
            groups={"user": _("Accounts"), "role": _("Roles")},
            actions={
                "user.create": _("Created an account"),
                "user.update": _("Edited an account"),
                "user.lock": _("Locked an account"),
                "user.unlock": _("Unlocked an account"),
                "user.set_password": _("Set a new password"),
                "role.grant": _("Granted a role"),
                "role.revoke": _("Removed a role"),
            },
        )
