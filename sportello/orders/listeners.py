"""Who else hears that an order changed status, or that a service's outcome was attached.

Apps above orders (the API's webhooks) register a listener at start-up
(`AppConfig.ready`); the order actions call `status_changed` in the transaction of each change
(placing included), so a listener writes its own rows (an outbox) in that transaction and a
rolled-back change leaves nothing. This keeps orders free of imports from above: it only knows
that someone may be listening, never who. A listener must not fail for its own reasons: what it
raises rolls the change back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sportello.orders.models import Order, Outcome

StatusListener = Callable[["Order", str, str], None]
OutcomeListener = Callable[["Outcome"], None]

_listeners: list[StatusListener] = []
_outcome_listeners: list[OutcomeListener] = []


def listen_to_status_changes(listener: StatusListener) -> None:
    """Call `listener(order, from_status, to_status)` on every order status change."""
    if listener not in _listeners:
        _listeners.append(listener)


def status_changed(order: Order, *, from_status: str, to_status: str) -> None:
    for listener in list(_listeners):
        listener(order, from_status, to_status)


def listen_to_outcomes(listener: OutcomeListener) -> None:
    """Call `listener(outcome)` when staff attach an outcome (esito) to a service, its files
    saved, in the same transaction."""
    if listener not in _outcome_listeners:
        _outcome_listeners.append(listener)


def outcome_added(outcome: Outcome) -> None:
    for listener in list(_outcome_listeners):
        listener(outcome)
