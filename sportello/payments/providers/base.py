"""The small interface every payment provider implements (the shape of pretix's providers)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class StartResult:
    """Where to send the customer after starting a payment."""

    redirect_url: str


@dataclass(frozen=True)
class RefundResult:
    provider_reference: str = ""


class NewsKind:
    CONFIRMED = "confirmed"
    FAILED = "failed"
    PENDING = "pending"
    # Nothing to record (an event we do not handle, a session still open, not ours).
    NOTHING = "nothing"


@dataclass(frozen=True)
class PaymentNews:
    """What a provider reports about one attempt (callback, webhook, or asked on return).

    Providers only read and verify; `sportello.checkout.settlement.apply_payment_news` records
    the news through the payments actions and runs what follows (order paid, invoice).
    """

    kind: str
    payment: Any = None
    provider_reference: str | None = None
    note: str = ""
    # What the provider told us that later calls need (e.g. Stripe's payment intent).
    data: dict = field(default_factory=dict)
    # For NOTHING: why ("ignored", "unknown_session", "amount_mismatch", "open").
    result: str = ""


class RefundNotSupported(Exception):
    pass


class ProviderError(Exception):
    """The provider could not be reached or refused the request; the message is for people."""


class InvalidSignature(Exception):
    """A callback or webhook whose signature does not verify: refused, nothing changes."""


class MalformedNotification(Exception):
    """A correctly signed notification that does not match our records (ids, amount)."""


def amount_in_cents(amount: Decimal) -> int:
    """Providers count euro cents as integers; our amounts are Decimals at cents precision."""
    cents = Decimal(amount) * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} is not rounded to cents")
    return int(cents)


class PaymentProvider(ABC):
    identifier: str = ""
    verbose_name: str = ""
    description: str = ""
    # Starting this method again while an attempt with it is still open reuses that attempt
    # (a bank transfer has one set of instructions per order) instead of creating a new one.
    reuses_open_attempt: bool = False

    @classmethod
    def is_configured(cls) -> bool:
        """Whether the settings this provider needs (keys, IBAN) are present."""
        return True

    def is_available(self, order) -> bool:
        """Whether the customer may choose this method for this order."""
        return True

    def is_offered_at_checkout(self, *, customer, source) -> bool:
        """Whether the checkout offers this method to `customer` buying `source` (a
        `orders.purchase.PurchaseSource`, before any order exists). Called for the payment
        page's list and for the method chosen; keep it cheap for methods always offered."""
        return True

    def pending_html(self, order, payment) -> str:
        """The provider's own text on the order pages while `payment` awaits money (bank
        transfer: IBAN and reference). "" for the generic "payment being confirmed"."""
        return ""

    @abstractmethod
    def start(self, payment, request: HttpRequest) -> StartResult:
        """Start the attempt (create the provider's session) and say where the customer goes."""

    def refresh(self, payment) -> PaymentNews | None:
        """Ask the provider how the attempt stands (the webhook may be late).

        Returns the news for `checkout.settlement` to record; providers that only notify us
        (or have nothing to ask) return None.
        """
        return None

    def cancel(self, payment) -> None:
        """The shop gave the attempt up (the order was paid another way, or cancelled): make
        sure it can no longer take money. Providers whose attempts we refuse ourselves (the
        test gateway checks the status) or that take no money online do nothing."""
        return None

    def refund(self, payment, amount: Decimal) -> RefundResult:
        """Ask the provider to refund; providers without an API record the refund only."""
        raise RefundNotSupported(self.identifier)
