"""Dates as Italian customers read them: "giovedì 3 dicembre 2026", in Europe/Rome."""

import datetime as dt

from django.utils import timezone

WEEKDAYS = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")
MONTHS = (
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
)


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def long_date(value: dt.date | dt.datetime) -> str:
    """giovedì 3 dicembre 2026 (a datetime is taken on the shop's local day)."""
    day = _local(value)
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def long_datetime(value: dt.datetime) -> str:
    """giovedì 3 dicembre 2026 alle 14:05 (local time)."""
    moment = _local(value)
    return f"{long_date(moment)} alle {moment:%H:%M}"
