"""Reads the checkout needs: what is being bought (a purchase source), payment methods, orders."""

from __future__ import annotations

import uuid

from django.urls import reverse

from sportello.cart.purchase import CartPurchase
from sportello.checkout.session import CheckoutState
from sportello.credit.purchase import TopUpPurchase
from sportello.orders.models import Order
from sportello.orders.purchase import PurchaseSource
from sportello.payments.models import Payment
from sportello.payments.providers import PaymentProvider, enabled_providers
from sportello.quotes.purchase import QuotePurchase


def purchase_source(request, state: CheckoutState) -> PurchaseSource:
    """What this checkout buys: the accepted quote whose number the state holds (404 if it is
    not the customer's), or the prepaid-credit top-up it holds, else the visitor's purchase
    cart. The only place that tells them
    apart; everything after goes through the PurchaseSource interface."""
    if state.quote and request.user.is_authenticated:
        return QuotePurchase(customer=request.user, number=state.quote)
    if state.top_up and request.user.is_authenticated:
        return TopUpPurchase(customer=request.user, amount=state.top_up)
    return CartPurchase(request, return_url=reverse("checkout:review"))


def enabled_payment_providers() -> list[PaymentProvider]:
    return list(enabled_providers())


def order_for_checkout_token(*, customer, token: uuid.UUID) -> Order | None:
    """The customer's order placed with this checkout token, or None (never another's)."""
    return Order.objects.filter(customer=customer, checkout_token=token).first()


def order_placed_by(*, customer, number: str) -> Order | None:
    """The customer's own order of that number, or None."""
    return Order.objects.filter(customer=customer, number=number).first()


def last_used_payment_method(customer) -> str:
    """The provider of the customer's latest payment attempt, else of their latest order ("" for
    a first purchase). A query, not a stored preference: what they last used is the record."""
    attempt = (
        Payment.objects.filter(order__customer=customer)
        .order_by("-created_at", "-id")
        .values_list("provider", flat=True)
        .first()
    )
    if attempt:
        return attempt
    return (
        Order.objects.filter(customer=customer)
        .order_by("-placed_at", "-id")
        .values_list("payment_method", flat=True)
        .first()
    ) or ""
