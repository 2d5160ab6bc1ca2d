"""The Scrivania's queues: each one a small declaration in QUEUES.

A queue says how to fetch its items (a queryset honouring the filters), how to sort them and how
to show one item (title, detail, age or due date, the URL of the page where staff act). Later
issues add a queue (withdrawal requests, rejected invoices) by appending one `Queue` to QUEUES.
Each queue costs two queries (count and first items), whatever the data size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from sportello.core.money import format_euro
from sportello.invoicing.models import FiscalDocument
from sportello.invoicing.queries import rejected_invoices
from sportello.notifications.models import EmailStatus, OutgoingEmail
from sportello.orders.models import (
    BANK_TRANSFER_METHOD,
    DataRequest,
    LineStatus,
    Order,
    OrderLine,
    OrderMessage,
    OrderStatus,
)
from sportello.orders.queries import fully_withdrawn
from sportello.payments.queries import transfers_received_subquery
from sportello.quotes.models import AWAITING_PRICE, QuoteRequest
from sportello.withdrawals.models import WithdrawalRequest
from sportello.withdrawals.queries import (
    pending_withdrawals,
    refund_due_date,
    unmatched_withdrawals,
)

ITEMS_PER_QUEUE = 10
WORKING_ORDER_STATUSES = (OrderStatus.PAID, OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED)


@dataclass(frozen=True)
class Filters:
    """What the staff member chose: a service or a category, an assignee ("I miei")."""

    service_id: int | None = None
    category_id: int | None = None
    assignee_id: int | None = None


@dataclass(frozen=True)
class QueueItem:
    title: str
    detail: str
    url: str
    when: dt.datetime | dt.date | None = None
    when_label: str = ""
    is_late: bool = False
    assignee: str = ""


@dataclass(frozen=True)
class Queue:
    slug: str
    title: str
    fetch: Callable[[Filters], QuerySet[Any]]
    item: Callable[[Any, dt.date], QueueItem]
    # Which filters apply: a quote has no service line, an e-mail no assignee.
    filters_by_service: bool = True
    filters_by_assignee: bool = True
    help_text: str = ""


@dataclass
class QueueView:
    queue: Queue
    count: int
    items: list[QueueItem] = field(default_factory=list)


def _staff_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def _desk_order_url(number: str) -> str:
    return reverse("desk:order", args=[number])


def _lines(filters: Filters, *statuses: str) -> QuerySet[OrderLine]:
    lines = OrderLine.objects.filter(
        status__in=statuses, order__status__in=WORKING_ORDER_STATUSES
    ).select_related("order", "assigned_to")
    if filters.service_id:
        lines = lines.filter(service_id=filters.service_id)
    if filters.category_id:
        lines = lines.filter(service__category_id=filters.category_id)
    if filters.assignee_id:
        lines = lines.filter(assigned_to_id=filters.assignee_id)
    return lines


def _line_item(line: OrderLine, today: dt.date, *, when=None, when_label="") -> QueueItem:
    return QueueItem(
        title=f"Ordine {line.order.number} · {line.service_name}",
        detail=line.order.billing_name,
        url=_desk_order_url(line.order.number) + f"#riga-{line.pk}",
        when=when,
        when_label=when_label,
        assignee=_staff_name(line.assigned_to),
    )


def lines_to_start(filters: Filters) -> QuerySet[OrderLine]:
    # A service the consumer withdrew from waits in "Recessi da gestire", not here.
    return (
        _lines(filters, LineStatus.RECEIVED)
        .filter(withdrawal_received_at__isnull=True)
        .order_by("order__paid_at", "order_id", "position")
    )


def lines_in_progress(filters: Filters) -> QuerySet[OrderLine]:
    # Overdue first: the earliest due date on top; lines without a promise last.
    return _lines(filters, LineStatus.IN_PROGRESS).order_by(
        "due_on", "order__paid_at", "order_id", "position"
    )


def lines_waiting_for_customer(filters: Filters) -> QuerySet[OrderLine]:
    asked_at = (
        DataRequest.objects.filter(line=OuterRef("pk"), answered_at__isnull=True)
        .order_by("created_at")
        .values("created_at")[:1]
    )
    return (
        _lines(filters, LineStatus.AWAITING_CUSTOMER_DATA)
        .annotate(asked_at=Subquery(asked_at))
        .order_by("asked_at", "order_id")
    )


def unanswered_messages(filters: Filters) -> QuerySet[OrderMessage]:
    # A closed (erased) account's messages wait for nobody: their text is gone with it.
    messages = OrderMessage.objects.filter(
        is_from_staff=False, answered_at__isnull=True, order__customer__is_active=True
    ).select_related("order")
    if filters.service_id:
        messages = messages.filter(order__lines__service_id=filters.service_id).distinct()
    if filters.category_id:
        messages = messages.filter(
            order__lines__service__category_id=filters.category_id
        ).distinct()
    if filters.assignee_id:
        messages = messages.filter(order__lines__assigned_to_id=filters.assignee_id).distinct()
    return messages.order_by("created_at", "id")


def quotes_to_price(filters: Filters) -> QuerySet[QuoteRequest]:
    quotes = QuoteRequest.objects.filter(status__in=AWAITING_PRICE).select_related("assigned_to")
    if filters.service_id:
        quotes = quotes.filter(lines__service_id=filters.service_id).distinct()
    if filters.category_id:
        quotes = quotes.filter(lines__service__category_id=filters.category_id).distinct()
    if filters.assignee_id:
        quotes = quotes.filter(assigned_to_id=filters.assignee_id)
    # The customer's deadline first (nearest on top), then the oldest requests.
    return quotes.order_by(F("needed_by").asc(nulls_last=True), "requested_at", "id")


def transfers_awaiting(filters: Filters) -> QuerySet[Order]:
    # An order withdrawn from entirely waits in "Recessi da gestire", not here.
    return (
        Order.objects.filter(
            status=OrderStatus.AWAITING_PAYMENT, payment_method=BANK_TRANSFER_METHOD
        )
        .exclude(fully_withdrawn())
        # The transfer money already recorded (partial transfers), in the same query.
        .annotate(transfers_received=transfers_received_subquery(OuterRef("pk")))
        .order_by("placed_at", "id")
    )


def failed_emails(filters: Filters) -> QuerySet[OutgoingEmail]:
    return OutgoingEmail.objects.filter(status=EmailStatus.FAILED).order_by("-updated_at", "-id")


def _transfer_amounts(order: Order) -> str:
    received = order.transfers_received  # type: ignore[attr-defined]  # transfers_awaiting
    if not received:
        return format_euro(order.total_gross)
    left = max(order.total_gross - received, 0)
    return (
        f"ricevuti {format_euro(received)} di {format_euro(order.total_gross)}, "
        f"restano {format_euro(left)}"
    )


def rejected_documents(filters: Filters) -> QuerySet[FiscalDocument]:
    return rejected_invoices()


def withdrawals_to_process(filters: Filters) -> QuerySet[WithdrawalRequest]:
    # The items need the order's status, not the services: no prefetch (two queries a queue).
    return pending_withdrawals().prefetch_related(None).select_related(None).select_related("order")


def withdrawals_to_verify(filters: Filters) -> QuerySet[WithdrawalRequest]:
    return unmatched_withdrawals()


def _start_label(line: OrderLine, today: dt.date) -> str:
    """When the line was paid, and, for a consumer who did not ask to start at once, from
    which day staff may start it (the end of the withdrawal period)."""
    label = _since("pagato", line.order.paid_at, today)
    start = line.order.earliest_start_date
    if start is not None and start > today:
        label += f" · si può iniziare dal {start:%d/%m/%Y}"
    return label


def _since(what: str, since: dt.datetime | None, today: dt.date) -> str:
    """ "pagato oggi", "pagato da 3 giorni" (`what` may be empty: "oggi", "da 1 giorno")."""
    if since is None:
        return what
    days = (today - timezone.localdate(since)).days
    if days <= 0:
        return f"{what} oggi".strip()
    return f"{what} {'da 1 giorno' if days == 1 else f'da {days} giorni'}".strip()


def _due_item(line: OrderLine, today: dt.date) -> QueueItem:
    item = _line_item(line, today)
    if line.due_on is None:
        return item
    late = line.due_on < today
    return QueueItem(
        **{
            **item.__dict__,
            "when": line.due_on,
            "when_label": ("in ritardo, scadeva il " if late else "entro il ")
            + line.due_on.strftime("%d/%m/%Y"),
            "is_late": late,
        }
    )


QUEUES: list[Queue] = [
    Queue(
        slug="da-iniziare",
        title="Servizi da iniziare",
        fetch=lines_to_start,
        item=lambda line, today: _line_item(
            line,
            today,
            when=line.order.paid_at,
            when_label=_start_label(line, today),
        ),
    ),
    Queue(
        slug="in-lavorazione",
        title="In lavorazione, per scadenza",
        fetch=lines_in_progress,
        item=_due_item,
    ),
    Queue(
        slug="attesa-cliente",
        title="In attesa del cliente",
        fetch=lines_waiting_for_customer,
        item=lambda line, today: _line_item(
            line, today, when=line.asked_at, when_label=_since("in attesa", line.asked_at, today)
        ),
    ),
    Queue(
        slug="messaggi",
        title="Messaggi dei clienti senza risposta",
        fetch=unanswered_messages,
        item=lambda message, today: QueueItem(
            title=f"Ordine {message.order.number}",
            detail=message.body[:120],
            url=_desk_order_url(message.order.number) + "#messaggi",
            when=message.created_at,
            when_label=_since("", message.created_at, today),
        ),
    ),
    Queue(
        slug="preventivi",
        title="Preventivi da quotare",
        fetch=quotes_to_price,
        item=lambda quote, today: QueueItem(
            title=f"Preventivo {quote.number}",
            detail=quote.customer_message[:120],
            url=reverse("admin:quotes_quoterequest_change", args=[quote.pk]),
            when=quote.needed_by or quote.requested_at,
            when_label=(f"serve entro il {quote.needed_by:%d/%m/%Y} · " if quote.needed_by else "")
            + _since("richiesto", quote.requested_at, today),
            is_late=bool(quote.needed_by and quote.needed_by < today),
            assignee=_staff_name(quote.assigned_to),
        ),
    ),
    Queue(
        slug="bonifici",
        title="Bonifici in attesa",
        fetch=transfers_awaiting,
        item=lambda order, today: QueueItem(
            title=f"Ordine {order.number}",
            detail=f"{order.billing_name} · {_transfer_amounts(order)}",
            # The pratica, whose "Segna bonifico ricevuto" needs the payments permission.
            url=_desk_order_url(order.number),
            when=order.placed_at,
            when_label=_since("in attesa", order.placed_at, today),
        ),
        filters_by_service=False,
        filters_by_assignee=False,
    ),
    Queue(
        slug="fatture-scartate",
        title="Fatture scartate dallo SdI",
        fetch=rejected_documents,
        item=lambda document, today: QueueItem(
            title=f"{document.get_kind_display()} {document.number}",
            detail=f"Ordine {document.order.number}",
            url=reverse("admin:invoicing_fiscaldocument_change", args=[document.pk]),
            when=document.issue_date,
            when_label=f"emessa il {document.issue_date:%d/%m/%Y}",
        ),
        filters_by_service=False,
        filters_by_assignee=False,
    ),
    Queue(
        slug="recessi",
        title="Recessi da gestire",
        fetch=withdrawals_to_process,
        item=lambda withdrawal, today: QueueItem(
            title=f"Recesso dall'ordine {withdrawal.order_reference}",
            detail=withdrawal.customer_name,
            url=reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk]),
            when=withdrawal.received_at,
            # An order never paid has nothing to refund: only the deadline to settle it.
            when_label=(
                "ordine non pagato · da gestire entro il"
                if withdrawal.order.is_awaiting_payment
                else "rimborso entro il"
            )
            + f" {refund_due_date(withdrawal):%d/%m/%Y}",
        ),
        filters_by_service=False,
        filters_by_assignee=False,
    ),
    Queue(
        slug="recessi-da-verificare",
        title="Recessi da verificare",
        fetch=withdrawals_to_verify,
        item=lambda withdrawal, today: QueueItem(
            title=f"Recesso senza ordine corrispondente (indicato «{withdrawal.order_number}»)",
            detail=f"{withdrawal.customer_name} · {withdrawal.email}",
            url=reverse(
                "admin:withdrawals_withdrawalrequest_close_unmatched", args=[withdrawal.pk]
            ),
            when=withdrawal.received_at,
            when_label=_since("ricevuto", withdrawal.received_at, today),
        ),
        filters_by_service=False,
        filters_by_assignee=False,
        help_text="Dichiarazioni dal modulo pubblico che non corrispondono a un ordine: "
        "contatta la persona e segna cosa è stato fatto.",
    ),
    Queue(
        slug="email-fallite",
        title="E-mail non consegnate",
        fetch=failed_emails,
        item=lambda email, today: QueueItem(
            title=email.subject,
            detail=email.to,
            url=reverse("admin:notifications_outgoingemail_change", args=[email.pk]),
            when=email.updated_at,
            when_label=_since("", email.updated_at, today),
        ),
        filters_by_service=False,
        filters_by_assignee=False,
    ),
]


def build_queues(filters: Filters, *, today: dt.date | None = None) -> list[QueueView]:
    """Every queue with its count and first items: two queries per queue."""
    today = today or timezone.localdate()
    views = []
    for queue in QUEUES:
        if (filters.service_id or filters.category_id) and not queue.filters_by_service:
            continue
        if filters.assignee_id and not queue.filters_by_assignee:
            continue
        queryset = queue.fetch(filters)
        count = queryset.count()
        items = [queue.item(obj, today) for obj in queryset[:ITEMS_PER_QUEUE]] if count else []
        views.append(QueueView(queue=queue, count=count, items=items))
    return views
