"""Where the checkout keeps its state: one session key, a small JSON-friendly dict.

    request.session["checkout"] = {
        "billing": {"kind": "person", "first_name": …, …, "country": "IT"},  # BILLING_FIELDS
        "payment_method": "test_gateway",   # a provider identifier
        "token": "0b1c…",                   # uuid4 as text, created when the review is shown
        "quote": "P-2026-000017",           # set when buying an accepted quote, not the cart
        "top_up": "150.00",                 # set when buying prepaid credit, not the cart
    }

The cart itself is not in here: it is the customer's cart row, read fresh on every step.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

SESSION_CHECKOUT = "checkout"


@dataclass
class CheckoutState:
    billing: dict[str, str] = field(default_factory=dict)
    payment_method: str = ""
    token: str = ""
    # The number of an accepted quote being bought instead of the cart ("" for the cart).
    quote: str = ""
    # The amount of prepaid credit being bought instead of the cart ("" for the cart).
    top_up: str = ""

    @property
    def checkout_token(self) -> uuid.UUID | None:
        try:
            return uuid.UUID(self.token)
        except (TypeError, ValueError):
            return None

    def as_session_value(self) -> dict:
        return {
            "billing": self.billing,
            "payment_method": self.payment_method,
            "token": self.token,
            "quote": self.quote,
            "top_up": self.top_up,
        }


def load_state(request) -> CheckoutState:
    raw = request.session.get(SESSION_CHECKOUT)
    if not isinstance(raw, dict):
        return CheckoutState()
    billing = raw.get("billing")
    return CheckoutState(
        billing={str(k): str(v) for k, v in billing.items()} if isinstance(billing, dict) else {},
        payment_method=str(raw.get("payment_method") or ""),
        token=str(raw.get("token") or ""),
        quote=str(raw.get("quote") or ""),
        top_up=str(raw.get("top_up") or ""),
    )


def store_state(request, state: CheckoutState) -> None:
    request.session[SESSION_CHECKOUT] = state.as_session_value()


def clear_state(request) -> None:
    request.session.pop(SESSION_CHECKOUT, None)
