"""Two-factor sign-in for the roles that see personal data."""

from django.shortcuts import redirect
from django.urls import reverse

from hoiso.accounts.selectors import has_totp, mfa_required_for

# Pages an official may open before she has set up her authenticator.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/tai-khoan/bao-mat/")


class RequireTwoFactorMiddleware:
    """An official whose role sees personal data and who has no authenticator yet is sent
    to set one up before any other page (settings.HOISO_MFA_REQUIRED)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and mfa_required_for(user=user)
            and not has_totp(user=user)
        ):
            return redirect(reverse("accounts:security"))
        return self.get_response(request)
