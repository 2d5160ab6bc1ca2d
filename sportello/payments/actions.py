"""The only code that changes payments. Confirmations from the outside world are idempotent."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from sportello.core.state import change_status
from sportello.payments.models import (
    PAYMENT_TRANSITIONS,
    Payment,
    PaymentStatus,
    PaymentStatusChange,
)


class PaymentNotAllowed(Exception):
    """The order cannot be paid (already paid, cancelled, or the method is not available)."""


def create_payment(*, order, provider: str) -> Payment:
    from sportello.orders.models import OrderStatus

    if order.status != OrderStatus.AWAITING_PAYMENT:
        raise PaymentNotAllowed(f"Order {order.number} is {order.status}")
    with transaction.atomic():
        payment = Payment.objects.create(order=order, provider=provider, amount=order.total_gross)
        PaymentStatusChange.objects.create(
            payment=payment, from_status="", to_status=PaymentStatus.CREATED
        )
    return payment


def _set_status(payment: Payment, to: str, *, actor=None, note: str = "", extra=None) -> bool:
    return change_status(
        payment,
        to=to,
        transitions=PAYMENT_TRANSITIONS,
        history=PaymentStatusChange,
        history_fk="payment",
        actor=actor,
        note=note,
        extra=extra,
        allow_repeat=True,
    )


def mark_pending(*, payment: Payment, provider_reference: str | None = None, note="") -> bool:
    extra = {"provider_reference": provider_reference} if provider_reference else None
    return _set_status(payment, PaymentStatus.PENDING, note=note, extra=extra)


def confirm_payment(
    *, payment: Payment, provider_reference: str | None = None, actor=None, note: str = ""
) -> bool:
    """Mark the attempt confirmed; the order becomes paid when confirmed payments cover it.

    A second confirmation of the same payment (a retried webhook or callback) changes nothing
    and returns False.
    """
    from sportello.orders.actions import mark_paid

    with transaction.atomic():
        extra: dict = {"confirmed_at": timezone.now()}
        if provider_reference:
            extra["provider_reference"] = provider_reference
        moved = _set_status(payment, PaymentStatus.CONFIRMED, actor=actor, note=note, extra=extra)
        if not moved:
            return False
        order = payment.order
        covered = Payment.objects.filter(order=order, status=PaymentStatus.CONFIRMED).aggregate(
            total=Sum("amount")
        )["total"] or Decimal("0")
        if covered >= order.total_gross:
            mark_paid(order=order, actor=actor, note=f"Pagamento {payment.provider} confermato")
    return True


def fail_payment(*, payment: Payment, reason: str = "", actor=None) -> bool:
    """A declined or abandoned attempt: the order stays awaiting payment and can be paid again."""
    return _set_status(
        payment,
        PaymentStatus.FAILED,
        actor=actor,
        note=reason,
        extra={"failure_reason": reason[:300]},
    )


def cancel_payment(*, payment: Payment, reason: str = "", actor=None) -> bool:
    return _set_status(payment, PaymentStatus.CANCELLED, actor=actor, note=reason)
