"""TOTP for the demo accounts: fixed secrets, and the code an authenticator app would show.

The secrets are derived from the user name, so they are the same on every machine and
can be printed next to the sign-ins; they protect nothing and exist only in the demo.
"""

from __future__ import annotations

import base64
import hashlib
import time

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt


def demo_secret(username: str) -> str:
    """A fixed base32 secret of 32 characters (160 bits, what authenticator apps expect)."""
    digest = hashlib.sha256(f"hoiso-demo-totp:{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode("ascii")


def activate(user, secret: str) -> None:
    TOTP.activate(user, secret)


def stored_secret(user) -> str | None:
    """The user's TOTP secret in clear, or None when she has no authenticator app."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return decrypt(authenticator.data["secret"]) if authenticator else None


def current_code(secret: str, now: float | None = None) -> tuple[str, int]:
    """The 6-digit code for `now` and how many seconds it stays valid."""
    now = time.time() if now is None else now
    period = app_settings.TOTP_PERIOD
    counter = int(now) // period
    return format_hotp_value(hotp_value(secret, counter)), period - int(now) % period


def grouped(secret: str) -> str:
    """The secret in groups of four ("ABCD EFGH …"), easier to type into a phone."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
