"""What the demo builders share: the context object and the demo's fixed markers."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The unit whose presence means "the demo is built" (manage.py demo --if-missing).
DEMO_PROVINCE_CODE = "HPN-92"
# Every demo account has an e-mail address at this domain; demo_totp and the sign-in
# printout use it to tell demo accounts from real ones.
DEMO_EMAIL_DOMAIN = "hoiso.local"
# One password for every demo account; it passes settings.AUTH_PASSWORD_VALIDATORS
# (accounts.demo checks it against each account).
DEMO_PASSWORD = "HoiSo@2025"
DEFAULT_SEED = 2025


@dataclass
class DemoContext:
    """Handed to every builder in settings.HOISO_DEMO_BUILDERS, in order.

    rng     a random.Random seeded from the demo seed and the builder's dotted path, so
            each builder's data is reproducible and does not shift when another builder
            draws more or fewer numbers.
    today   the date the demo treats as today (terms, population years, loan dates).
    refs    named objects earlier builders made, for later ones (see the keys in
            hoiso.demo.management.commands.demo). Builders add keys; they never replace one.
    write   prints one progress line.
    sample  build a small demo: builders with many records (members) make only a sample.
    """

    rng: random.Random
    today: datetime.date
    write: Callable[[str], None]
    seed: int = DEFAULT_SEED
    # A small demo (tests, quick looks): builders make fewer records where theirs are many.
    sample: bool = False
    refs: dict[str, Any] = field(default_factory=dict)

    def log(self, message: str) -> None:
        self.write(f"  {message}")

    def email(self, username: str) -> str:
        return f"{username}@{DEMO_EMAIL_DOMAIN}"
