"""Payment messages: one function per message, queued in the outbox by the payments actions.

Called inside the transaction of the change they announce. Staff alerts about money that must
be given back carry a key per payment, so each extra charge is announced exactly once.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from sportello.notifications.actions import queue_email
from sportello.notifications.models import OutgoingEmail
from sportello.notifications.rendering import absolute_url
from sportello.orders.models import Order, OrderStatus

TEMPLATES = "payments/email"


def _admin_url(order: Order) -> str:
    return absolute_url("admin:orders_order_change", object_id=order.pk)


def send_staff_payment_on_withdrawn_order(order: Order, payment) -> OutgoingEmail:
    """Money arrived (an attempt opened before the statement) for an order the consumer
    withdrew from entirely: settling the withdrawal refunds it."""
    return _to_staff_about(
        order, payment, "staff_payment_on_withdrawn_order", key="on-withdrawn-order"
    )


def send_staff_extra_charge(order: Order, payment) -> OutgoingEmail:
    """Money confirmed for an order no longer awaiting payment: staff must refund it.

    Paid (or further on): the customer paid twice. Cancelled or refunded: the order is not
    reopened. One e-mail per extra charge (outbox key on the payment).
    """
    paid_twice = order.status not in (OrderStatus.CANCELLED, OrderStatus.REFUNDED)
    template = "staff_payment_on_paid_order" if paid_twice else "staff_payment_on_closed_order"
    return _to_staff_about(order, payment, template, key="on-paid-order")


def send_staff_overpayment(order: Order, payment, *, received: Decimal) -> OutgoingEmail:
    """The payment that made the order paid brought its money beyond the total (an amount
    asked before a partial withdrawal lowered it, a transfer larger than due): staff refund
    the difference."""
    return _to_staff_about(
        order,
        payment,
        "staff_overpayment",
        key="overpayment",
        received=received,
        excess=received - order.total_gross,
    )


def _to_staff_about(
    order: Order, payment, template: str, *, key: str, **more: object
) -> OutgoingEmail:
    """Staff told about money they must look at: one e-mail per payment and `key`."""
    return queue_email(
        to=settings.STAFF_NOTIFICATION_EMAIL,
        template=f"{TEMPLATES}/{template}",
        context={
            "order": order,
            "payment": payment,
            "method": payment.provider_label,
            "admin_url": _admin_url(order),
            **more,
        },
        related=order,
        key=f"payment-{payment.pk}-{key}",
    )


def send_refund_recorded(
    order: Order, refund, *, order_refunded: bool = False, credit_note_url: str = ""
) -> OutgoingEmail:
    """Money given back: its amount, whether the whole order is now refunded, and the credit
    note when the caller has one (the layer that issues it)."""
    context = {
        "order": order,
        "name": order.greeting_name,
        "order_url": absolute_url("orders:detail", number=order.number),
        "refund": refund,
        "note": refund.note,
        "order_refunded": order_refunded,
        "credit_note_url": credit_note_url,
    }
    return queue_email(
        to=order.customer_email,
        template=f"{TEMPLATES}/refund_recorded",
        context=context,
        related=order,
        key=f"refund-{refund.pk}",
    )
