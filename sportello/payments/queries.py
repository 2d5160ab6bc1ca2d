"""Reads for the payment pages; ownership checks live here so a view cannot forget them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Sum
from django.shortcuts import get_object_or_404

from sportello.companies.queries import actionable_by
from sportello.orders.models import Order, OrderStatus
from sportello.payments.models import (
    MONEY_RECEIVED_STATUSES,
    OPEN_PAYMENT_STATUSES,
    Payment,
    PaymentStatus,
    Refund,
)
from sportello.payments.providers.registry import UnknownPaymentMethod, get_provider

BANK_TRANSFER = "bank_transfer"


def order_for_customer(*, customer, number: str):
    """The order with this number if the customer may pay it (their own, or as the company's
    administrator), or 404 (also for everybody else's orders)."""
    return get_object_or_404(Order.objects.filter(actionable_by(customer)), number=number)


def payment_for_customer(*, customer, reference, provider: str | None = None) -> Payment:
    """One payment attempt on an order the customer may pay, with its order, or 404."""
    payments = Payment.objects.select_related("order").filter(
        actionable_by(customer, prefix="order__")
    )
    if provider is not None:
        payments = payments.filter(provider=provider)
    return get_object_or_404(payments, reference=reference)


def latest_payment(order) -> Payment | None:
    return Payment.objects.filter(order=order).order_by("-created_at", "-id").first()


def pending_bank_transfer(order) -> Payment | None:
    return Payment.objects.filter(
        order=order, provider="bank_transfer", status=PaymentStatus.PENDING
    ).first()


@dataclass(frozen=True)
class PaymentState:
    """Where the order's payment stands, as the confirmation and detail pages tell it."""

    state: str  # "paid", "provider_pending", "processing", "failed", "unpaid", "closed"
    can_pay: bool
    # The provider's own text for an attempt awaiting money (bank transfer instructions).
    pending_html: str = ""
    amount: Decimal | None = None
    # Paid and already being worked on (or done): no "we will start working" promise.
    is_work_started: bool = False


def order_payments(order: Order) -> list[Payment]:
    """The order's attempts, oldest first, read once per order object (one query)."""
    cached = getattr(order, "_payments_oldest_first", None)
    if cached is None:
        cached = list(Payment.objects.filter(order=order).order_by("created_at", "id"))
        setattr(order, "_payments_oldest_first", cached)  # noqa: B010 (not a model field)
    return cached


def transfers_received_subquery(order: OuterRef) -> Subquery:
    """`payments.actions.transfers_received` as a subquery of the order at `order` (lists of
    orders or payments that show what a transfer in parts still awaits, in one query)."""
    return Subquery(
        Payment.objects.filter(order=order, provider=BANK_TRANSFER, status=PaymentStatus.CONFIRMED)
        .values("order")
        .annotate(total=Sum("amount"))
        .values("total")
    )


def order_refunds(order: Order) -> list[Refund]:
    """The order's refunds, oldest first; no query when no money was ever received."""
    if not any(p.status in MONEY_RECEIVED_STATUSES for p in order_payments(order)):
        return []
    return list(
        Refund.objects.filter(payment__order=order)
        .select_related("payment")
        .order_by("created_at", "id")
    )


def payment_state(order: Order, *, payments: list[Payment] | None = None) -> PaymentState:
    """Where the order's payment stands, from its attempts (`order_payments`)."""
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        return PaymentState(state="closed", can_pay=False)
    if not order.is_awaiting_payment:
        return PaymentState(
            state="paid",
            can_pay=False,
            amount=order.total_gross,
            is_work_started=order.status != OrderStatus.PAID,
        )
    if payments is None:
        payments = order_payments(order)
    latest = payments[-1] if payments else None
    if latest is None:
        return PaymentState(state="unpaid", can_pay=True, amount=order.total_gross)
    if latest.status in (PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.CONFIRMED):
        # A declined card after choosing a transfer, or part of the transfer received: the
        # transfer is still the way to pay (the rest of it).
        open_transfers = [
            p for p in payments if p.provider == BANK_TRANSFER and p.status in OPEN_PAYMENT_STATUSES
        ]
        if open_transfers:
            latest = open_transfers[-1]
    if latest.status in OPEN_PAYMENT_STATUSES:
        # A provider with its own pending-payment text (bank transfer instructions) shows it.
        try:
            pending_html = get_provider(latest.provider).pending_html(order, latest)
        except UnknownPaymentMethod:
            pending_html = ""
        if pending_html:
            return PaymentState(
                state="provider_pending",
                can_pay=True,
                pending_html=pending_html,
                amount=order.total_gross,
            )
    if latest.status in (PaymentStatus.CREATED, PaymentStatus.PENDING):
        return PaymentState(state="processing", can_pay=True, amount=order.total_gross)
    if latest.status == PaymentStatus.FAILED:
        return PaymentState(state="failed", can_pay=True, amount=order.total_gross)
    if latest.status == PaymentStatus.CANCELLED:
        # Given up by the shop (the total changed after a withdrawal, another attempt was
        # opened), not refused: nothing went wrong for the customer.
        return PaymentState(state="unpaid", can_pay=True, amount=order.total_gross)
    # Confirmed but not yet covering the total (should not happen with one payment per order).
    return PaymentState(state="processing", can_pay=True, amount=order.total_gross)


def payment_method_label(identifier: str) -> str:
    try:
        return get_provider(identifier).verbose_name or identifier
    except UnknownPaymentMethod:
        return identifier


# Money has its own permissions beside working orders ("orders.change_order"): recording a
# bank transfer confirms a payment, a refund gives money back (the back-office buttons of
# `checkout.admin` and the desk's links check them).
TRANSFER_PERMISSION = "payments.change_payment"
REFUND_PERMISSION = "payments.add_refund"


def may_record_transfers(user) -> bool:
    return user.has_perm(TRANSFER_PERMISSION)


def may_refund(user) -> bool:
    return user.has_perm(REFUND_PERMISSION)
