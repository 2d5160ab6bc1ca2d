"""Who else hears that a quote request changed status (sent included).

The API's webhooks register at start-up (`AppConfig.ready`); `quotes.actions` calls
`status_changed` in the transaction of each change (`sportello.core.listeners`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sportello.core.listeners import Listeners

if TYPE_CHECKING:
    from sportello.quotes.models import QuoteRequest

_status_listeners: Listeners[[QuoteRequest, str, str]] = Listeners()
# Call `listener(quote, from_status, to_status)` on every change of a quote request's status.
listen_to_status_changes = _status_listeners.add


def status_changed(quote: QuoteRequest, *, from_status: str, to_status: str) -> None:
    _status_listeners.notify(quote, from_status, to_status)
