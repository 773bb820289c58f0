"""Weekly round windows in Vietnam's time (Asia/Ho_Chi_Minh, no daylight saving): a round
opens on a weekday at an hour and closes a week later, usually an hour earlier (10:00 on
Monday to 09:00 the next Monday), so that results can be ranked before the next opens."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def weekly_windows(first_day: datetime.date, count: int, *, opens: datetime.time = datetime.time(10),
                   closes: datetime.time = datetime.time(9)) -> list[tuple[datetime.datetime, datetime.datetime]]:  # fmt: skip
    """`count` windows, the first opening on `first_day` at `opens`, each closing seven days
    after it opened at `closes` (aware datetimes in Vietnam's time)."""
    windows = []
    for n in range(count):
        day = first_day + datetime.timedelta(weeks=n)
        start = datetime.datetime.combine(day, opens, tzinfo=VN)
        end = datetime.datetime.combine(day + datetime.timedelta(days=7), closes, tzinfo=VN)
        windows.append((start, end))
    return windows


def next_monday(today: datetime.date) -> datetime.date:
    """Today if it is a Monday, else the coming Monday."""
    return today + datetime.timedelta(days=(7 - today.weekday()) % 7)
