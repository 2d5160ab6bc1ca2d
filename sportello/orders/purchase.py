"""What the checkout buys: a purchase source (the cart, an accepted quote) behind one small
interface, and the review line both show.

The checkout never asks which kind of source it holds: it shows `review_lines()` and `total`,
refuses while `problem()` says why not, compares `fingerprint()` with what the customer
confirmed, and calls `place_order(...)`. The cart app and the quotes app implement it, above
orders; the order they place is written by `orders.actions.create_order`.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

from sportello.catalogue.answers import AnswerItem
from sportello.catalogue.pricing import LinePrice
from sportello.contracts.rules import TermsAcceptance
from sportello.core.money import TaxedPrice
from sportello.orders.models import Order


@dataclass(frozen=True)
class ReviewLine:
    """One service as the Riepilogo shows it, at the price it will be bought for."""

    key: str  # unique within the source (the row's anchor on the page)
    service_name: str
    answers: list[AnswerItem]
    price: LinePrice
    # Where the customer corrects the line's data; "" when it cannot change (a quote's line).
    edit_url: str = ""


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    # False when the checkout token already had an order (a double click, a re-post, the
    # loser of a race): that order is the one to pay or show; nothing new was placed.
    is_new: bool


class PurchaseNotPossible(Exception):
    """The source cannot be bought now; the message is for the customer."""


class PurchaseSource(ABC):
    """Something a customer buys through the checkout."""

    # Where the customer goes back to, and the link's text ("Torna al carrello").
    back_url: str = ""
    back_label: str = ""
    # The sentence above the review ("Controlla i dati prima di confermare…"), safe HTML.
    review_intro: str = ""

    @property
    @abstractmethod
    def total(self) -> TaxedPrice: ...

    @abstractmethod
    def review_lines(self) -> list[ReviewLine]: ...

    @abstractmethod
    def problem(self) -> str:
        """Why this cannot be bought now, or "" when it can."""

    def check_purchasable(self) -> None:
        """Raise PurchaseNotPossible when `problem()` says it cannot be bought (at placing)."""
        problem = self.problem()
        if problem:
            raise PurchaseNotPossible(problem)

    @abstractmethod
    def fingerprint(self) -> str:
        """Changes whenever what would be bought changes; never a price."""

    @abstractmethod
    def place_order(
        self,
        *,
        customer,
        billing: Mapping[str, str],
        payment_method: str,
        checkout_token: uuid.UUID,
        acceptance: TermsAcceptance | None = None,
    ) -> PlacedOrder:
        """Place the order once per checkout token. Raises PurchaseNotPossible."""
