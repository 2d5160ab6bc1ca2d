"""The consumer's right of withdrawal from a contract for services (Codice del Consumo, artt.
52-59), as dates. Pure functions of the order's facts, so orders, the desk's expected delivery
date and the withdrawal function all count the same days.

Day 0 is the day the order was placed (the contract is concluded then); the period ends at the
end of day WITHDRAWAL_PERIOD_DAYS (Europe/Rome). Without the consumer's express request, work
may start the day after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone


def withdrawal_deadline(placed_at: datetime) -> date:
    """The last day (Europe/Rome) on which the consumer may withdraw."""
    return timezone.localdate(placed_at) + timedelta(days=settings.WITHDRAWAL_PERIOD_DAYS)


def is_within_withdrawal_period(placed_at: datetime, *, now: datetime | None = None) -> bool:
    return timezone.localdate(now or timezone.now()) <= withdrawal_deadline(placed_at)


def earliest_start_date(
    *, placed_at: datetime, is_consumer: bool, early_start_requested: bool
) -> date | None:
    """The first day work on the order may start; None when it may start at once.

    A business buyer has no right of withdrawal; a consumer who asked for an early start
    accepted to lose it once the service is fully performed. Anyone else waits for the end of
    the period, so that withdrawing costs them nothing.
    """
    if not is_consumer or early_start_requested:
        return None
    return withdrawal_deadline(placed_at) + timedelta(days=1)


@dataclass(frozen=True)
class TermsAcceptance:
    """What the customer agreed to at the Riepilogo, stored on the order they place."""

    terms: Any  # a TermsOfSale, or None when no version has been published yet
    accepted_at: datetime
    # Only a consumer's request counts; a business buyer may start at once anyway.
    early_start_requested: bool = False
