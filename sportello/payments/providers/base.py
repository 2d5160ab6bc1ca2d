"""The small interface every payment provider implements (the shape of pretix's providers)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest


@dataclass(frozen=True)
class StartResult:
    """Where to send the customer after starting a payment."""

    redirect_url: str


@dataclass(frozen=True)
class RefundResult:
    provider_reference: str = ""


class RefundNotSupported(Exception):
    pass


class PaymentProvider(ABC):
    identifier: str = ""
    verbose_name: str = ""
    description: str = ""

    def is_available(self, order) -> bool:
        """Whether the customer may choose this method for this order."""
        return True

    @abstractmethod
    def start(self, payment, request: HttpRequest) -> StartResult:
        """Start the attempt (create the provider's session) and say where the customer goes."""

    def refund(self, payment, amount: Decimal) -> RefundResult:
        """Ask the provider to refund; providers without an API record the refund only."""
        raise RefundNotSupported(self.identifier)
