"""allauth adapters: no public sign-up (accounts are created by officials), and the
messages allauth shows, in our catalogue."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": _(
            "The user name and/or password you entered is not correct."
        ),
        "email_password_mismatch": _(
            "The e-mail address and/or password you entered is not correct."
        ),
        "too_many_login_attempts": _("Too many failed sign-in attempts. Try again later."),
    }

    def is_open_for_signup(self, request) -> bool:
        return False


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _("Incorrect code."),
        "cannot_delete_authenticator": _(
            "Two-factor sign-in is required for your role and cannot be switched off."
        ),
    }

    def get_totp_label(self, user) -> str:
        return user.get_username()

    def can_delete_authenticator(self, authenticator) -> bool:
        from hoiso.accounts.selectors import mfa_required_for

        return not mfa_required_for(user=authenticator.user)
