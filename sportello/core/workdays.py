"""Italian working days: Monday to Friday, minus national holidays and the patron-saint day.

National holidays come from the `holidays` library (Easter Monday moves every year); the
company's patron-saint day (`PATRON_SAINT_DAY`, "MM-DD") is added when configured.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=64)
def _holidays(year: int, patron_saint_day: str) -> frozenset[dt.date]:
    days = set(holidays.country_holidays("IT", years=year).keys())
    if patron_saint_day:
        month, day = (int(part) for part in patron_saint_day.split("-"))
        days.add(dt.date(year, month, day))
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    if day.weekday() >= 5:
        return False
    return day not in _holidays(day.year, settings.PATRON_SAINT_DAY)


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `start` (`start` itself never counts).

    With count 0 the result is `start` if it is a working day, else the next working day.
    """
    day = start
    if count <= 0:
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        return day
    remaining = count
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many working days a pause from `start` to `end` took."""
    if end <= start:
        return 0
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
