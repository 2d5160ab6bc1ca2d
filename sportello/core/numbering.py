"""Readable yearly numbers for orders, quotes (and, later, invoices): 2026-000042, P-2026-000007.

One counter row per (prefix, year) in `NumberSequence`; the year is the Italian one
(Europe/Rome), so an order placed at 00:30 on 1 January in Rome starts the new year's series.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from sportello.core.models import NumberSequence


def next_number(*, prefix: str, year: int) -> int:
    """The next number of a yearly sequence, unique under concurrency.

    A conditional UPDATE … SET last_number = last_number + 1 takes the row lock on both
    PostgreSQL and SQLite (IMMEDIATE transactions), so two orders never share a number.
    Must run inside a transaction.
    """
    NumberSequence.objects.get_or_create(prefix=prefix, year=year)
    NumberSequence.objects.filter(prefix=prefix, year=year).update(last_number=F("last_number") + 1)
    return NumberSequence.objects.get(prefix=prefix, year=year).last_number


def format_number(year: int, number: int, *, prefix: str = "") -> str:
    """2026-000042, or P-2026-000042 with a prefix."""
    formatted = f"{year}-{number:06d}"
    return f"{prefix}-{formatted}" if prefix else formatted


def local_year(moment: dt.datetime) -> int:
    """The year of `moment` in Italy, which names the series its number belongs to."""
    return timezone.localdate(moment).year
