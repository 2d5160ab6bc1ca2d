"""What payments hold about a customer: their attempts and refunds, exported with each order."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sportello.core.erasure import ErasureContext, treat
from sportello.core.export import ExportContext, history, iso, money
from sportello.orders.models import Order
from sportello.payments.actions import cancel_order
from sportello.payments.models import Payment

EXPORTED_MODELS: dict[str, str] = {
    "payments.Payment": "orders[].payments",
    "payments.PaymentStatusChange": "orders[].payments[].status_history",
    "payments.Refund": "orders[].payments[].refunds",
}
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {}


KEPT_FISCAL = (
    "kept: accounting record and the contract behind it (art. 2220 c.c., DPR 600/1973 art. 22)"
)
# Model label -> field -> what erasure does with it: payments are accounting records, all kept
# (orders awaiting payment are cancelled, with their open attempts, by cancel_open_orders).
ERASURE: dict[str, dict[str, str]] = {
    "payments.Payment": treat(
        KEPT_FISCAL,
        "id",
        "created_at",
        "updated_at",
        "reference",
        "order",
        "provider",
        "amount",
        "status",
        "provider_reference",
        "confirmed_at",
        "failure_reason",
        "data",
    ),
    "payments.PaymentStatusChange": treat(
        KEPT_FISCAL, "id", "from_status", "to_status", "actor", "note", "created_at", "payment"
    ),
    "payments.Refund": treat(
        KEPT_FISCAL,
        "id",
        "created_at",
        "updated_at",
        "payment",
        "amount",
        "note",
        "provider_reference",
        "created_by",
    ),
}


def _payments(payments) -> list[dict[str, Any]]:
    return [
        {
            "reference": str(payment.reference),
            "method": payment.provider,
            "amount": money(payment.amount),
            "status": payment.status,
            "created_at": iso(payment.created_at),
            "confirmed_at": iso(payment.confirmed_at),
            "failure_reason": payment.failure_reason,
            "status_history": history(payment.status_changes.all()),
            "refunds": [
                {
                    "amount": money(refund.amount),
                    "at": iso(refund.created_at),
                    "note": refund.note,
                }
                for refund in payment.refunds.all()
            ],
        }
        for payment in payments
    ]


def export_data(context: ExportContext) -> None:
    """Adds "payments" to each order the orders app exported (run after it)."""
    by_order: dict[str, list[Payment]] = defaultdict(list)
    payments = (
        Payment.objects.filter(order__customer=context.user)
        .select_related("order")
        .order_by("created_at", "id")
        .prefetch_related("status_changes", "refunds")
    )
    for payment in payments:
        by_order[payment.order.number].append(payment)
    for order in context.data.get("orders", []):
        order["payments"] = _payments(by_order.get(order["number"], []))


def cancel_open_orders(context: ErasureContext, orders: list[Order]) -> None:
    """Orders awaiting payment are cancelled (with their open attempts) before anything else."""
    for order in orders:
        cancel_order(
            order=order, actor=context.actor, note="Annullato: il cliente ha cancellato l'account."
        )
        context.cancelled_orders.append(order.number)
