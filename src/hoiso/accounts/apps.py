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
