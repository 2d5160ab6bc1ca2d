"""The desk's scheduled work: remind unanswered data requests, remind and cancel unpaid
bank-transfer orders. Run by the beat task and by `manage.py desk_reminders` (cron)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sportello.orders.conversation import remind_open_data_requests
from sportello.payments.providers.bank_transfer import remind_and_cancel_unpaid_transfers


def run_reminders(*, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    data_requests = remind_open_data_requests(now=now)
    transfers_reminded, transfers_cancelled = remind_and_cancel_unpaid_transfers(now=now)
    return {
        "data_requests_reminded": data_requests,
        "transfers_reminded": transfers_reminded,
        "transfers_cancelled": transfers_cancelled,
    }
