"""Sliding-window rate limits for the public quiz pages: so many starts and submits per phone
number and per IP address in `HOISO_CONTEST_RATE_WINDOW` seconds.

The window slides by weighting the previous fixed window's count by the part of it still
inside the sliding window (the usual approximation: two counters per key, no list of
times). Each key's counters are one row of `RateCounter`, counted by ONE atomic upsert
(INSERT … ON CONFLICT DO UPDATE … RETURNING, on PostgreSQL and SQLite alike): no
read-then-write race, so a burst cannot slip past the limit, and one round trip per check —
this sits on the submit path that must take hundreds of submissions a second. Keys hold a
keyed hash, never the phone number itself. Counters of windows long gone are deleted now and
then by the check itself (about one call in `SWEEP_EVERY`).
"""

from __future__ import annotations

import hashlib
import random
import time

from django.conf import settings
from django.db import connection

from hoiso.contests.models import RateCounter
from hoiso.core.middleware import request_ip

SWEEP_EVERY = 1000
IP = "ip"
# Where a request records that its address was counted, and the answer: in its WSGI environ
# (no header can name it), so that it survives the lean path handing the request on.
IP_ALLOWED = "hoiso.ip_allowed"

_UPSERT = (
    "INSERT INTO {table} (key, slot, current, previous) VALUES (%s, %s, 1, 0) "
    "ON CONFLICT (key) DO UPDATE SET "
    "previous = CASE WHEN {table}.slot = excluded.slot THEN {table}.previous "
    "WHEN {table}.slot = excluded.slot - 1 THEN {table}.current ELSE 0 END, "
    "current = CASE WHEN {table}.slot = excluded.slot THEN {table}.current + 1 ELSE 1 END, "
    "slot = excluded.slot "
    "RETURNING current, previous"
)


def _digest(ident: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}|{ident}".encode()).hexdigest()[:24]


def upsert_sql() -> str:
    """The counting statement; its parameters are `counter_params`' and it returns the
    key's (current, previous) counts."""
    return _UPSERT.format(table=connection.ops.quote_name(RateCounter._meta.db_table))


def counter_params(scope: str, ident: str, *, window: int, now: float) -> list:
    return [f"{scope}:{window}:{_digest(ident)}", int(now // window)]


def within(current: int, previous: int, *, limit: int, window: int, now: float) -> bool:
    """Whether the counts leave the key within `limit` per `window` s at `now`; now and then
    (about one call in SWEEP_EVERY) the counters of windows long gone are deleted."""
    if random.randrange(SWEEP_EVERY) == 0:
        sweep(now)
    return previous * weight(window=window, now=now) + current <= limit


def weight(*, window: int, now: float) -> float:
    """The share of the previous fixed window still inside the sliding one at `now` (a
    statement that decides in SQL, `previous * weight + current <= limit`, takes it as a
    parameter: the same arithmetic as `within`)."""
    return 1 - (now % window) / window


def hit(scope: str, ident: str, *, limit: int, window: int, now: float | None = None) -> bool:
    """Count one request of `ident`; True while it stays within `limit` per `window` s.
    Refused requests count too (whoever keeps knocking stays out)."""
    if not ident or limit <= 0:
        return True
    now = time.time() if now is None else now
    with connection.cursor() as cursor:
        cursor.execute(upsert_sql(), counter_params(scope, ident, window=window, now=now))
        current, previous = cursor.fetchone()
    return within(current, previous, limit=limit, window=window, now=now)


def sweep(now: float | None = None) -> int:
    """Delete the counters no window can still use (older than two of the longest windows)."""
    now = time.time() if now is None else now
    longest = max(settings.HOISO_CONTEST_RATE_WINDOW, 1)
    return RateCounter.objects.filter(slot__lt=int(now // longest) - 2).delete()[0]


def allow_ip(ip: str | None) -> bool:
    return hit(IP, ip or "", limit=settings.HOISO_CONTEST_RATE_PER_IP,
               window=settings.HOISO_CONTEST_RATE_WINDOW)  # fmt: skip


def allow_ip_of(request) -> bool:
    """`allow_ip` for this request's address, counted once however many of the submit's
    paths ask (the lean path of `fastpath` counts it and records the answer here before
    handing over)."""
    allowed = request.META.get(IP_ALLOWED)
    if allowed is None:
        allowed = request.META[IP_ALLOWED] = allow_ip(request_ip(request))
    return allowed


def allow_phone(phone: str) -> bool:
    return hit("phone", phone, limit=settings.HOISO_CONTEST_RATE_PER_PHONE,
               window=settings.HOISO_CONTEST_RATE_WINDOW)  # fmt: skip
