"""A small sliding-window counter in Django's cache (the project's database cache, shared by
every web process), for the public quiz pages: so many starts and submits per phone number
and per IP address in `HOISO_CONTEST_RATE_WINDOW` seconds.

The window slides by weighting the previous fixed window's count by the part of it still
inside the sliding window (the usual approximation: two counters per key, no list of
times). Keys hold a keyed hash, never the phone number itself. The database cache's incr is
a read then a write, so two requests at the same instant may both pass: a limit here slows
abuse down, the database constraints keep the counts right.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _digest(ident: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}|{ident}".encode()).hexdigest()[:24]


def hit(scope: str, ident: str, *, limit: int, window: int, now: float | None = None) -> bool:
    """Count one request of `ident`; True while it stays within `limit` per `window` s."""
    if not ident or limit <= 0:
        return True
    now = time.time() if now is None else now
    slot = int(now // window)
    base = f"contests:rl:{scope}:{_digest(ident)}"
    current_key = f"{base}:{slot}"
    if cache.add(current_key, 1, timeout=window * 2):
        current = 1
    else:
        try:
            current = cache.incr(current_key)
        except ValueError:  # expired between add and incr
            cache.set(current_key, 1, timeout=window * 2)
            current = 1
    previous = cache.get(f"{base}:{slot - 1}", 0)
    weight = 1 - (now % window) / window
    return previous * weight + current <= limit


def allow_ip(ip: str | None) -> bool:
    return hit("ip", ip or "", limit=settings.HOISO_CONTEST_RATE_PER_IP,
               window=settings.HOISO_CONTEST_RATE_WINDOW)  # fmt: skip


def allow_phone(phone: str) -> bool:
    return hit("phone", phone, limit=settings.HOISO_CONTEST_RATE_PER_PHONE,
               window=settings.HOISO_CONTEST_RATE_WINDOW)  # fmt: skip
