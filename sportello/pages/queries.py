"""Reads for the IL MIO ACCOUNT home: what needs the customer's attention, their own only.

Here, in the top layer, because they read orders and quotes (both above accounts).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch
from django.utils import timezone

from sportello.companies.queries import actionable_by
from sportello.orders.models import (
    DataRequest,
    LineStatus,
    Order,
    OrderLine,
    OrderLineStatusChange,
    OrderStatus,
)
from sportello.orders.queries import fully_withdrawn
from sportello.payments.queries import transfers_received_subquery
from sportello.quotes.models import QuoteRequest, QuoteStatus


@dataclass(frozen=True)
class LineAwaitingData:
    """A service of an order for which staff asked the customer for more data."""

    line: OrderLine
    request_note: str
    # The open "richiesta integrazione" answered in place, when staff made one.
    data_request: DataRequest | None = None


@dataclass(frozen=True)
class Attention:
    orders_awaiting_payment: list[Order]
    quotes_ready: list[QuoteRequest]
    lines_awaiting_data: list[LineAwaitingData]
    # Accepted but not bought yet: the purchase is still to be completed.
    quotes_accepted: list[QuoteRequest]

    @property
    def is_empty(self) -> bool:
        return not (
            self.orders_awaiting_payment
            or self.quotes_ready
            or self.quotes_accepted
            or self.lines_awaiting_data
        )


def attention_for_customer(*, customer) -> Attention:
    """Orders to pay, quotes ready to accept or accepted and still to buy, order lines waiting
    for the customer's data.

    Five queries, however many items there are.
    """
    orders: list[Order] = list(
        Order.objects.filter(
            actionable_by(customer), customer=customer, status=OrderStatus.AWAITING_PAYMENT
        )
        # Withdrawn from entirely: nothing is to be paid (staff settle it, which cancels it).
        .exclude(fully_withdrawn())
        .only("number", "placed_at", "total_gross", "status", "customer_id")
        # Part of a bank transfer received: what is left is said, not the total.
        .annotate(received=transfers_received_subquery(OuterRef("pk")))
        .order_by("-placed_at", "-id")
    )
    # A quote past its validity is about to expire: it can no longer be accepted nor bought.
    quotes = list(
        QuoteRequest.objects.filter(
            actionable_by(customer),
            customer=customer,
            status__in=(QuoteStatus.READY, QuoteStatus.ACCEPTED),
            valid_until__gte=timezone.localdate(),
        )
        .only("number", "requested_at", "valid_until", "status", "customer_id")
        .order_by("valid_until", "id")
    )
    lines = list(
        OrderLine.objects.filter(
            actionable_by(customer, prefix="order__"),
            order__customer=customer,
            status=LineStatus.AWAITING_CUSTOMER_DATA,
        )
        .select_related("order")
        .only("service_name", "status", "position", "order__number", "order__customer_id")
        .prefetch_related(
            Prefetch(
                "status_changes",
                queryset=OrderLineStatusChange.objects.filter(
                    to_status=LineStatus.AWAITING_CUSTOMER_DATA
                ).order_by("-created_at", "-id"),
                to_attr="awaiting_changes",
            ),
            Prefetch(
                "data_requests",
                queryset=DataRequest.objects.filter(answered_at__isnull=True).order_by(
                    "-created_at", "-id"
                ),
                to_attr="open_data_requests",
            ),
        )
        .order_by("-order__placed_at", "position", "id")
    )
    return Attention(
        orders_awaiting_payment=orders,
        quotes_ready=[quote for quote in quotes if quote.status == QuoteStatus.READY],
        quotes_accepted=[quote for quote in quotes if quote.status == QuoteStatus.ACCEPTED],
        lines_awaiting_data=[
            LineAwaitingData(
                line=line,
                request_note=line.awaiting_changes[0].note if line.awaiting_changes else "",
                data_request=line.open_data_requests[0] if line.open_data_requests else None,
            )
            for line in lines
        ],
    )
