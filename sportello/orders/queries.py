"""Reads of orders with the ownership check built in: a view cannot forget it.

A customer sees their own orders and, in a company account, the company's orders their role
allows (sportello.companies.queries: `visible_to`, `actionable_by`); staff (with the orders
view permission) see every order's files through the same functions.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.http import Http404

from sportello.companies.queries import actionable_by, may_act_expression, visible_to
from sportello.contracts.rules import is_within_withdrawal_period
from sportello.orders.models import (
    DataRequest,
    LineStatus,
    Order,
    OrderLine,
    OrderLineStatusChange,
    OrderMessage,
    OrderStatus,
    OrderStatusChange,
    Outcome,
    OutcomeFile,
)
from sportello.uploads.models import Upload


def can_see_every_order(user) -> bool:
    return bool(user.is_authenticated and user.is_staff and user.has_perm("orders.view_order"))


def orders_for_customer(customer) -> QuerySet[Order]:
    """The orders the customer may see (their own, and their company's as their role allows),
    newest first: only the columns of I MIEI ORDINI, who placed each ("Ordinato da") and what
    tells whether "Recedi dal contratto qui" is offered, counted in the same query."""
    return (
        Order.objects.filter(visible_to(customer))
        .select_related("customer")
        .only(
            "number",
            "placed_at",
            "total_gross",
            "status",
            "customer_id",
            "company_id",
            "billing_kind",
            "early_start_requested",
            "customer__email",
            "customer__first_name",
            "customer__last_name",
        )
        .annotate(viewer_may_act=may_act_expression(customer))
        .annotate(
            live_lines=Count("lines", filter=owed("lines__")),
            unfinished_lines=Count(
                "lines",
                filter=~Q(lines__status__in=(LineStatus.CANCELLED, LineStatus.COMPLETED))
                & Q(lines__withdrawal_received_at__isnull=True),
            ),
            last_withdrawal_at=Max("lines__withdrawal_received_at"),
            unsettled_withdrawal_lines=Count(
                "lines",
                filter=Q(lines__withdrawal_received_at__isnull=False)
                & Q(lines__withdrawal_settled_at__isnull=True),
            ),
        )
        .order_by("-placed_at", "-id")
    )


def owed(prefix: str = "") -> Q:
    """Lines the customer still owes (or has paid) for: not cancelled and not named in a
    statement of withdrawal. `prefix` is the path from the queried model to the line."""
    return ~Q(**{f"{prefix}status": LineStatus.CANCELLED}) & Q(
        **{f"{prefix}withdrawal_received_at__isnull": True}
    )


def is_owed(line: OrderLine) -> bool:
    """`owed` for a line in hand."""
    return line.status != LineStatus.CANCELLED and line.withdrawal_received_at is None


def _line_counts(order: Order) -> tuple[int, int]:
    """(lines the consumer has not withdrawn from, those of them not completed), from the
    list's annotations or the detail page's prefetched lines. A line named in a statement of
    withdrawal counts as withdrawn from as soon as the statement arrives."""
    if hasattr(order, "live_lines"):
        return order.live_lines, order.unfinished_lines  # type: ignore[attr-defined]
    live = [line.status for line in order.lines.all() if is_owed(line)]
    return len(live), sum(1 for status in live if status != LineStatus.COMPLETED)


def is_fully_withdrawn(order: Order) -> bool:
    """Every service still on the order is named in a statement of withdrawal (prefetched
    lines): nothing is to be started or paid for while staff settle it."""
    live = [line for line in order.lines.all() if line.status != LineStatus.CANCELLED]
    return bool(live) and all(line.withdrawal_received_at is not None for line in live)


def total_leaves_out_withdrawn(order: Order) -> bool:
    """The order's total is that of the services kept: the consumer withdrew from others
    before paying and the total dropped (orders.actions.owe_only_services_kept), which stays
    true once paid and settled. From the prefetched lines."""
    lines = list(order.lines.all())
    if not any(line.withdrawal_received_at for line in lines):
        return False
    kept = sum((line.gross for line in lines if is_owed(line)), Decimal("0.00"))
    every = sum((line.gross for line in lines), Decimal("0.00"))
    return bool(kept) and kept == order.total_gross != every


def fully_withdrawn() -> Q:
    """`is_fully_withdrawn` as a filter: orders whose every service still on them (not
    cancelled) is named in a statement of withdrawal. Such an order is not chased for its
    payment: staff settle the withdrawal, which cancels it."""
    live = OrderLine.objects.filter(order=OuterRef("pk")).exclude(status=LineStatus.CANCELLED)
    return Q(Exists(live.filter(withdrawal_received_at__isnull=False))) & ~Q(
        Exists(live.filter(owed()))
    )


def last_withdrawal_at(order: Order):
    """When the latest statement of withdrawal naming one of the order's services arrived
    (None if none did), from the list's annotation or the detail page's prefetched lines."""
    if hasattr(order, "last_withdrawal_at"):
        return order.last_withdrawal_at  # type: ignore[attr-defined]
    received = [line.withdrawal_received_at for line in order.lines.all()]
    return max((at for at in received if at is not None), default=None)


def withdrawal_settled(order: Order) -> bool:
    """Staff have settled every statement of withdrawal received for the order (False when
    none arrived), from the list's annotations or the detail page's prefetched lines."""
    if last_withdrawal_at(order) is None:
        return False
    if hasattr(order, "unsettled_withdrawal_lines"):
        return order.unsettled_withdrawal_lines == 0  # type: ignore[attr-defined]
    return all(
        line.withdrawal_settled_at is not None
        for line in order.lines.all()
        if line.withdrawal_received_at is not None
    )


# What an order not paid yet reads once the consumer withdrew from all its services: not
# "In attesa di pagamento" (nothing is to be paid) until staff settle it, which cancels it.
WITHDRAWN_STATUS = ("withdrawn", "Recesso ricevuto")


def status_for_customer(order: Order) -> tuple[str, str]:
    """(key, label) of the order's status as the customer reads it (list or detail page)."""
    if order.is_awaiting_payment:
        live, _ = _line_counts(order)
        if live == 0 and last_withdrawal_at(order) is not None:
            return WITHDRAWN_STATUS
    return order.status, order.get_status_display()


def withdrawal_is_open(order: Order, *, now=None) -> bool:
    """Whether the consumer may still withdraw ("Recedi dal contratto qui" is shown).

    Only "Privato" orders, during the period (contracts.rules), not closed, with a service
    left, and not once every service was fully performed at the consumer's express request.
    """
    if not order.is_consumer or order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        return False
    if not is_within_withdrawal_period(order.placed_at, now=now):
        return False
    live, unfinished = _line_counts(order)
    if live == 0:
        return False
    return not (order.early_start_requested and unfinished == 0)


def earliest_start_date(order: Order):
    """The first day staff may start the order's services (None: at once).

    For the desk's expected delivery date: a consumer's order without the early-start request
    starts after the withdrawal period (see contracts.rules).
    """
    return order.earliest_start_date


def _awaiting_data_note():
    """What staff asked for when they last put the line in "in attesa di dati dal cliente";
    empty for a line in any other status. A subquery, so no query per line."""
    latest_request = (
        OrderLineStatusChange.objects.filter(
            line=OuterRef("pk"), to_status=LineStatus.AWAITING_CUSTOMER_DATA
        )
        .order_by("-created_at", "-id")
        .values("note")[:1]
    )
    return Case(
        When(status=LineStatus.AWAITING_CUSTOMER_DATA, then=Subquery(latest_request)),
        default=Value(""),
        output_field=TextField(),
    )


def _order_detail_queryset() -> QuerySet[Order]:
    # The quote the order was bought from, if any, comes with the same query.
    return Order.objects.select_related("quote", "terms").prefetch_related(
        Prefetch(
            "lines",
            queryset=OrderLine.objects.order_by("position", "id")
            .annotate(awaiting_data_note=_awaiting_data_note())
            .prefetch_related(
                Prefetch(
                    "outcomes",
                    queryset=Outcome.objects.order_by("created_at", "id").prefetch_related(
                        Prefetch("files", queryset=OutcomeFile.objects.order_by("id"))
                    ),
                )
            ),
        ),
        Prefetch("status_changes", queryset=OrderStatusChange.objects.order_by("created_at", "id")),
    )


def order_for_customer(*, customer, number: str) -> Order:
    """One of the orders the customer may see, with lines, outcomes and history; else 404.

    `viewer_may_act` says whether the customer may also act on it (pay, write, answer, withdraw):
    a colleague allowed to see it only reads.

    Each line carries `awaiting_data_note`: staff's note asking for data, while it waits, and
    its history and data requests (for the timeline); the order its conversation without the
    staff's internal notes (`customer_messages`).
    """
    order = (
        _order_detail_queryset()
        .prefetch_related(
            Prefetch(
                "lines__status_changes",
                queryset=OrderLineStatusChange.objects.order_by("created_at", "id"),
            ),
            Prefetch(
                "lines__data_requests", queryset=DataRequest.objects.order_by("created_at", "id")
            ),
            Prefetch(
                "messages",
                queryset=OrderMessage.objects.filter(is_internal=False)
                .select_related("attachment", "author")
                .order_by("created_at", "id"),
                to_attr="customer_messages",
            ),
        )
        .filter(visible_to(customer), number=number)
        .annotate(viewer_may_act=may_act_expression(customer))
        .first()
    )
    if order is None:
        raise Http404("Ordine non trovato")
    return order


def order_summary_for_customer(*, customer, number: str) -> Order:
    """One of the customer's orders with its lines (the confirmation page)."""
    order = (
        Order.objects.filter(visible_to(customer), number=number)
        .select_related("customer")
        .annotate(viewer_may_act=may_act_expression(customer))
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("position", "id")))
        .first()
    )
    if order is None:
        raise Http404("Ordine non trovato")
    return order


def is_confirmation_emailed(order: Order) -> bool:
    """Whether the order's summary e-mail has gone out (is queued): at placing for a bank
    transfer, on the confirmed payment for a card. No query."""
    return order.confirmation_sent_at is not None


def _visible_orders(user) -> QuerySet[Order]:
    if not user.is_authenticated:
        return Order.objects.none()
    if can_see_every_order(user):
        return Order.objects.all()
    return Order.objects.filter(visible_to(user))


def outcome_file_for_user(*, user, number: str, file_id: int) -> OutcomeFile:
    """An outcome file of the order, for its owner or staff; else 404."""
    outcome_file = (
        OutcomeFile.objects.filter(
            pk=file_id,
            outcome__line__order__number=number,
            outcome__line__order__in=_visible_orders(user),
        )
        .select_related("outcome__line__order")
        .first()
    )
    if outcome_file is None:
        raise Http404("File non trovato")
    return outcome_file


def answer_file_for_user(*, user, number: str, file_id: int) -> Upload:
    """A file the customer uploaded as an answer in this order, for its owner or staff; else 404.

    The file must be one the order's lines use: owning the order is not enough to reach any
    other upload.
    """
    upload = Upload.objects.filter(
        pk=file_id,
        order_line_uses__line__order__number=number,
        order_line_uses__line__order__in=_visible_orders(user),
    ).first()
    if upload is None:
        raise Http404("File non trovato")
    return upload


def data_request_for_customer(*, customer, number: str, request_id: int) -> DataRequest:
    """An open or answered data request on an order the customer may act on; else 404."""
    data_request = (
        DataRequest.objects.filter(
            actionable_by(customer, prefix="line__order__"),
            pk=request_id,
            line__order__number=number,
        )
        .select_related("line__order", "line__service")
        .first()
    )
    if data_request is None:
        raise Http404("Richiesta non trovata")
    return data_request


def message_attachment_for_user(*, user, number: str, message_id: int) -> OrderMessage:
    """A message attachment of the order, for its owner (never an internal note's) or staff."""
    messages = (
        OrderMessage.objects.filter(
            pk=message_id, order__number=number, order__in=_visible_orders(user)
        )
        .exclude(attachment__isnull=True)
        .select_related("attachment")
    )
    if not can_see_every_order(user):
        messages = messages.filter(is_internal=False)
    message = messages.first()
    if message is None:
        raise Http404("File non trovato")
    return message


def open_data_requests_for_customer(customer) -> list[DataRequest]:
    """The customer's "Da fare": data requests still waiting for an answer on the orders they
    may act on, oldest first."""
    return list(
        DataRequest.objects.filter(
            actionable_by(customer, prefix="line__order__"),
            answered_at__isnull=True,
            line__status=LineStatus.AWAITING_CUSTOMER_DATA,
        )
        .select_related("line__order")
        .order_by("created_at", "id")
    )


TIMELINE_LABELS: dict[str, str] = {
    LineStatus.IN_PROGRESS: "Lavorazione iniziata",
    LineStatus.AWAITING_CUSTOMER_DATA: "Dati richiesti al cliente",
    LineStatus.COMPLETED: "Completato",
}


def line_timeline(line: OrderLine, *, placed_at) -> list[dict]:
    """What happened to a line, with dates: received, started, data requested / received,
    outcome ready, completed. Uses the line's prefetched history, requests and outcomes."""
    events: list[dict] = [{"at": placed_at, "label": "Ricevuto"}]
    for change in line.status_changes.all():
        if change.to_status == LineStatus.IN_PROGRESS and change.from_status in (
            LineStatus.AWAITING_CUSTOMER_DATA,
        ):
            label = "Dati ricevuti, lavorazione ripresa"
        elif change.to_status == LineStatus.IN_PROGRESS and change.from_status == (
            LineStatus.COMPLETED
        ):
            label = "Lavorazione riaperta"
        else:
            label = TIMELINE_LABELS.get(change.to_status, "")
        if label:
            events.append({"at": change.created_at, "label": label})
    for outcome in line.outcomes.all():
        events.append({"at": outcome.created_at, "label": "Esito pronto"})
    events.sort(key=lambda event: event["at"])
    return events
