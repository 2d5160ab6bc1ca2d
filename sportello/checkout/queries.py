"""Reads the checkout needs: the customer's purchase cart, priced; payment methods; orders."""

from __future__ import annotations

import hashlib
import uuid

from sportello.cart.models import CartKind
from sportello.cart.queries import PricedCart, cart_for_request, priced_cart
from sportello.orders.models import Order
from sportello.payments.providers import PaymentProvider, enabled_providers

CART_EMPTY = "Il carrello è vuoto: aggiungi un servizio per procedere all'acquisto."
CART_NEEDS_REVIEW = (
    "Alcuni servizi del carrello vanno verificati prima dell'acquisto: controlla le note "
    "nel carrello."
)
CART_HAS_QUOTE_LINES = (
    "Il carrello contiene servizi su preventivo: rimuovili e richiedi un preventivo."
)


def purchase_cart(request) -> PricedCart:
    """The visitor's purchase cart priced from the live catalogue (three queries)."""
    return priced_cart(cart_for_request(request, CartKind.PURCHASE))


def cart_problem(priced: PricedCart) -> str:
    """Why this cart cannot be bought now, or "" when it is ready."""
    if priced.is_empty:
        return CART_EMPTY
    if priced.needs_review:
        return CART_NEEDS_REVIEW
    if any(line.price is None for line in priced.lines):
        return CART_HAS_QUOTE_LINES
    return ""


def enabled_payment_providers() -> list[PaymentProvider]:
    return list(enabled_providers())


def order_for_checkout_token(*, customer, token: uuid.UUID) -> Order | None:
    """The customer's order placed with this checkout token, or None (never another's)."""
    return Order.objects.filter(customer=customer, checkout_token=token).first()


def cart_version(priced: PricedCart) -> str:
    """A fingerprint of what the review shows (lines, answers, amounts).

    Not a price: it only tells whether the cart changed between showing the review and the
    click, so the customer never buys something other than what they confirmed.
    """
    parts = [str(priced.cart.pk if priced.cart else "")]
    for item in priced.lines:
        gross = item.price.price.gross if item.price else ""
        parts.append(f"{item.line.pk}:{item.line.updated_at.isoformat()}:{gross}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
