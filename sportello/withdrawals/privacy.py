"""What withdrawals hold about a customer: the statements they sent (exported with each order)
and, on erasure, what becomes of them."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sportello.core.erasure import ErasureContext, treat
from sportello.core.export import ExportContext, history, iso, money
from sportello.withdrawals.models import WithdrawalRequest

EXPORTED_MODELS: dict[str, str] = {
    # Also "withdrawals_without_order": the statements from their address matching no order.
    "withdrawals.WithdrawalRequest": "orders[].withdrawals",
    "withdrawals.WithdrawalStatusChange": "orders[].withdrawals[].status_history",
}
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {}

KEPT_CONTRACT = (
    "kept with the order it dissolved: evidence of the withdrawal and of the refund and credit "
    "note it caused (art. 2220 c.c., Codice del Consumo art. 54)"
)
UNMATCHED = "; a statement matching none of the customer's orders, sent from their address, is "
# Model label -> field -> what erasure does with it.
ERASURE: dict[str, dict[str, str]] = {
    "withdrawals.WithdrawalRequest": {
        **treat(
            "replaced by deleted-<id>@invalid" + UNMATCHED + "deleted",
            "email",
        ),
        **treat(
            KEPT_CONTRACT + UNMATCHED + "deleted",
            "id",
            "created_at",
            "updated_at",
            "order",
            "customer_name",
            "order_number",
            "services_text",
            "source",
            "received_at",
            "status",
            "refund_amount",
            "left_out_of_total",
            "processed_at",
            "processed_by",
            "staff_note",
        ),
    },
    "withdrawals.WithdrawalStatusChange": treat(
        KEPT_CONTRACT + UNMATCHED + "deleted",
        "id",
        "from_status",
        "to_status",
        "actor",
        "note",
        "created_at",
        "withdrawal",
    ),
}


def _withdrawal(withdrawal: WithdrawalRequest) -> dict[str, Any]:
    return {
        "received_at": iso(withdrawal.received_at),
        "customer_name": withdrawal.customer_name,
        "email": withdrawal.email,
        "services": [line.service_name for line in withdrawal.lines.all()],
        "services_text": withdrawal.services_text,
        "status": withdrawal.status,
        "refund_amount": money(withdrawal.refund_amount),
        "left_out_of_total": money(withdrawal.left_out_of_total),
        "status_history": history(withdrawal.status_changes.all()),
    }


def export_data(context: ExportContext) -> None:
    """Adds "withdrawals" to each order the orders app exported (run after it)."""
    by_order: dict[str, list[WithdrawalRequest]] = defaultdict(list)
    withdrawals = (
        WithdrawalRequest.objects.filter(order__customer=context.user)
        .select_related("order")
        .order_by("received_at", "id")
        .prefetch_related("status_changes", "lines")
    )
    for withdrawal in withdrawals:
        by_order[withdrawal.order.number].append(withdrawal)  # type: ignore[union-attr]
    for order in context.data.get("orders", []):
        order["withdrawals"] = [_withdrawal(w) for w in by_order.get(order["number"], [])]
    # Statements sent from the public form with the customer's address that matched no order
    # (erased with the account, below): theirs too.
    context.data["withdrawals_without_order"] = [
        _withdrawal(w)
        for w in WithdrawalRequest.objects.filter(
            order__isnull=True, email__iexact=context.user.email
        )
        .order_by("received_at", "id")
        .prefetch_related("status_changes", "lines")
    ]


def erase_data(context: ErasureContext) -> None:
    """Statements of the customer's orders are kept with the order (the order's contact address
    is replaced, so is theirs); unmatched ones sent from the account's address are deleted."""
    kept = list(
        WithdrawalRequest.objects.filter(order__customer=context.user).values_list("pk", flat=True)
    )
    # The acknowledgement and outcome e-mails already sent about them are blanked too.
    context.related[WithdrawalRequest] = kept
    WithdrawalRequest.objects.filter(pk__in=kept).update(
        email=context.placeholder, updated_at=context.now
    )
    WithdrawalRequest.objects.filter(order__isnull=True, email__iexact=context.old_email).delete()
