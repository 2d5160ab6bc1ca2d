"""Buying the cart through the checkout: the purchase cart as a purchase source
(`orders.purchase.PurchaseSource`), priced from the live catalogue."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from functools import cached_property

from django.urls import reverse
from django.utils.http import urlencode

from sportello.cart.actions import place_cart_order
from sportello.cart.models import CartKind
from sportello.cart.queries import PricedCart, cart_for_request, priced_cart
from sportello.contracts.rules import TermsAcceptance
from sportello.core.money import TaxedPrice
from sportello.orders.purchase import PlacedOrder, PurchaseSource, ReviewLine

CART_EMPTY = "Il carrello è vuoto: aggiungi un servizio per procedere all'acquisto."
CART_NEEDS_REVIEW = (
    "Alcuni servizi del carrello vanno verificati prima dell'acquisto: controlla le note "
    "nel carrello."
)
CART_HAS_QUOTE_LINES = (
    "Il carrello contiene servizi su preventivo: rimuovili e richiedi un preventivo."
)


def cart_problem(priced: PricedCart) -> str:
    """Why this cart cannot be bought now, or "" when it is ready."""
    if priced.is_empty:
        return CART_EMPTY
    if priced.needs_review:
        return CART_NEEDS_REVIEW
    if any(line.price is None for line in priced.lines):
        return CART_HAS_QUOTE_LINES
    return ""


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


class CartPurchase(PurchaseSource):
    """The visitor's purchase cart; its lines can be corrected from the review."""

    back_label = "Torna al carrello"
    review_intro = (
        "Controlla i dati prima di confermare: puoi ancora correggere tutto con «Modifica»."
    )

    def __init__(self, request, *, return_url: str = ""):
        self.request = request
        # Where "Modifica" on a line comes back to (the review page).
        self.return_url = return_url
        self.back_url = reverse("cart:detail")

    @cached_property
    def priced(self) -> PricedCart:
        """The cart priced from the live catalogue (`priced_cart`)."""
        return priced_cart(cart_for_request(self.request, CartKind.PURCHASE), request=self.request)

    @property
    def total(self) -> TaxedPrice:
        return self.priced.total

    def review_lines(self) -> list[ReviewLine]:
        lines = []
        for item in self.priced.lines:
            edit_url = reverse("cart:edit_line", kwargs={"pk": item.line.pk})
            if self.return_url:
                edit_url = f"{edit_url}?{urlencode({'next': self.return_url})}"
            assert item.price is not None  # problem() refuses lines without a price
            lines.append(
                ReviewLine(
                    key=str(item.line.pk),
                    service_name=item.service.name,
                    answers=item.answers_summary,
                    price=item.price,
                    edit_url=edit_url,
                )
            )
        return lines

    def problem(self) -> str:
        return cart_problem(self.priced)

    def fingerprint(self) -> str:
        return cart_version(self.priced)

    def place_order(
        self,
        *,
        customer,
        billing: Mapping[str, str],
        payment_method: str,
        checkout_token: uuid.UUID,
        acceptance: TermsAcceptance | None = None,
    ) -> PlacedOrder:
        # An emptied cart (what the later requests of a double submit find) is refused by
        # place_cart_order after the token check, under the cart's lock.
        return place_cart_order(
            customer=customer,
            cart=self.priced.cart,
            billing=billing,
            payment_method=payment_method,
            checkout_token=checkout_token,
            acceptance=acceptance,
        )
