"""Who else hears that an order changed status, or that a service's outcome was attached.

Apps above orders (the API's webhooks) register a listener at start-up (`AppConfig.ready`); the
order actions call `status_changed` in the transaction of each change (placing included) and
`outcome_added` in that of each outcome, so a listener writes its own rows (an outbox) in that
transaction and a rolled-back change leaves nothing. This keeps orders free of imports from
above: it only knows that someone may be listening, never who (`sportello.core.listeners`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sportello.core.listeners import Listeners

if TYPE_CHECKING:
    from sportello.orders.models import Order, Outcome

_status_listeners: Listeners[[Order, str, str]] = Listeners()
_outcome_listeners: Listeners[[Outcome]] = Listeners()
# Call `listener(order, from_status, to_status)` on every order status change.
listen_to_status_changes = _status_listeners.add
# Call `listener(outcome)` when staff attach an outcome (esito) to a service, its files saved.
listen_to_outcomes = _outcome_listeners.add


def status_changed(order: Order, *, from_status: str, to_status: str) -> None:
    _status_listeners.notify(order, from_status, to_status)


def outcome_added(outcome: Outcome) -> None:
    _outcome_listeners.notify(outcome)
