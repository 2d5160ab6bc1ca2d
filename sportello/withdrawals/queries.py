"""Reads for the withdrawal function, with the ownership check built in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from sportello.companies.queries import actionable_by
from sportello.core.money import ZERO
from sportello.orders.models import LineStatus, Order, OrderLine
from sportello.orders.queries import owed, withdrawal_is_open
from sportello.payments.models import MONEY_RECEIVED_STATUSES, Payment, PaymentStatus
from sportello.withdrawals.models import WithdrawalRequest, WithdrawalStatus

# Days the seller has to refund a withdrawn contract, from the statement.
REFUND_DAYS = 14


def confirmed_payments(order: Order) -> QuerySet[Payment]:
    """The order's money received, oldest first: what a withdrawal refunds from."""
    return Payment.objects.filter(order=order, status=PaymentStatus.CONFIRMED).order_by("id")


def was_ever_paid(order: Order) -> bool:
    """Money was received for the order (some of it may have been refunded since)."""
    return Payment.objects.filter(order=order, status__in=MONEY_RECEIVED_STATUSES).exists()


def refund_for_not_started(
    withdrawal: WithdrawalRequest, not_started: Iterable[OrderLine]
) -> Decimal:
    """What settling the statement gives back for the services it names that were not
    started: their price — nothing when they left the order's total before it was paid (never
    charged; money that arrived for them anyway is `invoicing.queries.money_beyond_owed`). The
    refund is further capped by what was paid."""
    if withdrawal.left_out_of_total:
        return ZERO
    return sum((line.gross for line in not_started), ZERO)


def still_to_pay(order: Order) -> Decimal | None:
    """What the customer still owes for an order not paid yet whose other services they keep
    after a withdrawal (its total, already lowered to them); None when the order is paid,
    cancelled, or withdrawn from entirely."""
    current = Order.objects.only("status", "total_gross").get(pk=order.pk)
    if not current.is_awaiting_payment:
        return None
    return current.total_gross if current.lines.filter(owed()).exists() else None


def _orders_with_lines() -> QuerySet[Order]:
    return Order.objects.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("position", "id")),
        Prefetch(
            "withdrawals",
            queryset=WithdrawalRequest.objects.filter(
                status=WithdrawalStatus.RECEIVED
            ).prefetch_related("lines"),
            to_attr="open_withdrawals",
        ),
    )


def order_for_withdrawal(*, customer, number: str) -> Order:
    """An order the customer may act on (404 for anyone else's, whatever its state)."""
    try:
        return _orders_with_lines().filter(actionable_by(customer)).get(number=number)
    except Order.DoesNotExist:
        raise Http404("Order not found") from None


def is_own_order_number(*, customer, number: str) -> bool:
    """Whether the logged-in customer has an order of that number they may act on (they are
    told at once when they mistype it: only their own orders are looked at)."""
    return Order.objects.filter(actionable_by(customer), number=number.strip()).exists()


def order_for_staff(number: str) -> Order:
    """Any order by its number, with what the withdrawal rules read (staff only)."""
    return _orders_with_lines().get(number=number)


def matching_order(*, email: str, number: str) -> Order | None:
    """The order the public form names, only if the e-mail is the one it was placed with.

    Callers must answer the same way whether or not this finds one.
    """
    number = number.strip()
    email = email.strip()
    if not number or not email:
        return None
    return _orders_with_lines().filter(number=number, customer_email__iexact=email).first()


def service_labels(lines: Iterable[OrderLine]) -> dict[int, str]:
    """Each line's service name; where the same service is on several lines, with the answers
    that tell them apart (up to three, files left out) or, when the answers are the same, its
    place in the order: the consumer and staff must know which one is meant."""
    lines = list(lines)
    by_service: dict[str, list[OrderLine]] = {}
    for line in lines:
        by_service.setdefault(line.service_name, []).append(line)
    labels = {}
    for name, same in by_service.items():
        if len(same) == 1:
            labels[same[0].pk] = name
            continue
        answers = [_shown_answers(line) for line in same]
        differing = [
            label
            for label in dict.fromkeys(label for shown in answers for label in shown)
            if len({shown.get(label) for shown in answers}) > 1
        ][:3]
        for line, shown in zip(same, answers, strict=True):
            details = [f"{label}: {shown[label]}" for label in differing if shown.get(label)]
            labels[line.pk] = (
                f"{name} ({'; '.join(details)})"
                if details
                else f"{name} (servizio n. {line.position + 1})"
            )
    return {line.pk: labels[line.pk] for line in lines}


def statement_labels(withdrawal: WithdrawalRequest, lines: Iterable[OrderLine]) -> list[str]:
    """The names of a statement's services, two of the same told apart among all the order's
    services (`service_labels`); plain names for a statement without an order."""
    labels = service_labels(withdrawal.order.lines.all()) if withdrawal.order else {}
    return [labels.get(line.pk, line.service_name) for line in lines]


def _shown_answers(line: OrderLine) -> dict[str, str]:
    return {
        answer["label"]: _shortened(str(answer["value"]))
        for answer in line.answers_display
        if answer.get("value") and not answer.get("file_id")
    }


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def withdrawable_lines(order: Order) -> list[OrderLine]:
    """Lines the consumer may still withdraw from: not cancelled, not already in a pending
    statement, and not completed at their express request (the right is then lost)."""
    open_requests = order.open_withdrawals  # type: ignore[attr-defined]  # prefetched to_attr
    pending = {line.pk for request in open_requests for line in request.lines.all()}
    return [
        line
        for line in order.lines.all()
        if line.status != LineStatus.CANCELLED
        and line.pk not in pending
        and not (order.early_start_requested and line.status == LineStatus.COMPLETED)
    ]


def can_withdraw(order: Order, *, now=None) -> bool:
    return withdrawal_is_open(order, now=now) and bool(withdrawable_lines(order))


def open_withdrawal_requests() -> QuerySet[WithdrawalRequest]:
    """Statements staff still have to process, oldest first (for the desk's "Scrivania").

    The refund is due within 14 days of the statement: the oldest is the most urgent.
    """
    return (
        WithdrawalRequest.objects.filter(status=WithdrawalStatus.RECEIVED)
        .select_related("order")
        .prefetch_related("lines")
        .order_by("received_at", "id")
    )


def pending_withdrawals() -> QuerySet[WithdrawalRequest]:
    """The Scrivania's "Recessi" queue: statements received and not yet processed, oldest
    first, with their order and services (constant queries). Each must be settled, refund
    included, within `refund_due_date(withdrawal)`; the item links to
    admin:withdrawals_withdrawalrequest_process."""
    return open_withdrawal_requests()


def unmatched_withdrawals() -> QuerySet[WithdrawalRequest]:
    """The Scrivania's "Recessi da verificare": statements from the public form that matched
    no order, still to be looked into (a person withdrew; only the data did not match), oldest
    first."""
    return WithdrawalRequest.objects.filter(status=WithdrawalStatus.UNMATCHED).order_by(
        "received_at", "id"
    )


def refund_due_date(withdrawal: WithdrawalRequest) -> date:
    """The last day (Europe/Rome) to refund: 14 days from the statement (Codice del Consumo
    art. 56)."""
    return timezone.localdate(withdrawal.received_at) + timedelta(days=REFUND_DAYS)


def withdrawal_for_staff(pk: int) -> WithdrawalRequest:
    return (
        WithdrawalRequest.objects.select_related("order")
        .prefetch_related("lines__status_changes", "order__payments")
        .get(pk=pk)
    )
