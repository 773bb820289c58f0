"""allauth adapters: no public sign-up (accounts are created by officials), and the
messages allauth shows, in our catalogue."""

import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
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


def _fernet() -> Fernet:
    """The key that protects authenticator secrets at rest: HOISO_SECRETS_KEY if set, else
    derived from SECRET_KEY (changing either makes officials set up their app again)."""
    material = settings.HOISO_SECRETS_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(f"hoiso-totp:{material}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _("Incorrect code."),
        "cannot_delete_authenticator": _(
            "Two-factor sign-in is required for your role and cannot be switched off."
        ),
    }

    def encrypt(self, text: str) -> str:
        """Authenticator secrets are stored encrypted (allauth's default keeps them in clear)."""
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()

    def get_totp_label(self, user) -> str:
        return user.get_username()

    def can_delete_authenticator(self, authenticator) -> bool:
        from hoiso.accounts.selectors import mfa_required_for

        return not mfa_required_for(user=authenticator.user)
