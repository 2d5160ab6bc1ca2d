"""Reads for the payment pages; ownership checks live here so a view cannot forget them."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from sportello.payments.models import Payment, PaymentStatus


def order_for_customer(*, customer, number: str):
    """The customer's order with this number, or 404 (also for everybody else's orders)."""
    from sportello.orders.models import Order

    return get_object_or_404(Order, number=number, customer=customer)


def payment_for_customer(*, customer, reference, provider: str | None = None) -> Payment:
    """One payment attempt of the customer's, with its order, or 404."""
    payments = Payment.objects.select_related("order").filter(order__customer=customer)
    if provider is not None:
        payments = payments.filter(provider=provider)
    return get_object_or_404(payments, reference=reference)


def latest_payment(order) -> Payment | None:
    return Payment.objects.filter(order=order).order_by("-created_at", "-id").first()


def pending_bank_transfer(order) -> Payment | None:
    return Payment.objects.filter(
        order=order, provider="bank_transfer", status=PaymentStatus.PENDING
    ).first()
