"""Order messages: one function per message, queued in the outbox by the actions.

Each is called inside the transaction of the change it announces (see actions.py for when the
confirmation goes out). Messages that must go at most once carry an outbox key.
Links point to the order in I MIEI ORDINI, never to a file.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from sportello.catalogue.models import FormField
from sportello.contracts.pdf import render_terms_pdf, terms_filename
from sportello.notifications.actions import Attachment, queue_email
from sportello.notifications.models import OutgoingEmail
from sportello.notifications.rendering import absolute_url
from sportello.orders.delivery import delivery_promise
from sportello.orders.models import DataRequest, Order, OrderLine, OrderMessage, Outcome

TEMPLATES = "orders/email"


def confirmation_key(order: Order) -> str:
    return f"order-{order.pk}-confirmation"


def _order_context(order: Order, *, with_lines: bool = False) -> dict:
    context = {
        "order": order,
        "name": order.greeting_name,
        "order_url": absolute_url("orders:detail", number=order.number),
    }
    if with_lines:
        lines = list(order.lines.all())
        for line in lines:
            line.delivery = delivery_promise(line)  # type: ignore[attr-defined]
        context["lines"] = lines
    return context


def _send(
    order: Order,
    message: str,
    context: dict,
    *,
    key: str | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> OutgoingEmail:
    return queue_email(
        to=order.customer_email,
        template=f"{TEMPLATES}/{message}",
        context=context,
        related=order,
        key=key,
        attachments=attachments,
    )


def _contract_context(order: Order) -> dict:
    """The accepted terms (link to that exact version) and, for a consumer, the withdrawal
    period and when work starts."""
    return {
        "terms_url": absolute_url(order.terms.get_absolute_url()) if order.terms else "",
        "withdrawal_url": absolute_url("withdrawals:for_order", number=order.number),
    }


def _terms_attachment(order: Order) -> tuple[Attachment, ...]:
    """The accepted terms as a PDF: the durable medium the Codice del Consumo asks for."""
    if order.terms is None:
        return ()
    return (
        Attachment(filename=terms_filename(order.terms), content=render_terms_pdf(order.terms)),
    )


def _quote_number(order: Order) -> str:
    """The number of the quote the order was bought from ("" for a cart purchase)."""
    try:
        return order.quote.number  # the reverse one-to-one of QuoteRequest.order
    except ObjectDoesNotExist:
        return ""


def send_order_confirmation(order: Order) -> OutgoingEmail:
    """The summary of the order: lines with answers, totals, link. Sent once per order
    (outbox key); the first time records `Order.confirmation_sent_at`."""
    now = timezone.now()
    if Order.objects.filter(pk=order.pk, confirmation_sent_at__isnull=True).update(
        confirmation_sent_at=now
    ):
        order.confirmation_sent_at = now
    context = {**_order_context(order, with_lines=True), **_contract_context(order)}
    context["is_paid"] = not order.is_awaiting_payment
    context["quote_number"] = _quote_number(order)
    key = confirmation_key(order)
    existing = OutgoingEmail.objects.filter(key=key).first()
    if existing is not None:
        return existing  # sent once: skip rendering the PDF again
    return _send(order, "confirmation", context, key=key, attachments=_terms_attachment(order))


def send_payment_received(order: Order) -> OutgoingEmail:
    return _send(order, "payment_received", _order_context(order), key=f"order-{order.pk}-paid")


def send_order_in_progress(order: Order, *, note: str = "") -> OutgoingEmail:
    return _send(order, "in_progress", {**_order_context(order), "note": note})


def send_order_completed(order: Order, *, note: str = "") -> OutgoingEmail:
    return _send(order, "completed", {**_order_context(order), "note": note})


def send_order_cancelled(order: Order, *, note: str = "") -> OutgoingEmail:
    return _send(order, "cancelled", {**_order_context(order), "note": note})


def send_order_refunded(order: Order, *, note: str = "") -> OutgoingEmail:
    return _send(order, "refunded", {**_order_context(order), "note": note})


def send_line_awaiting_customer_data(line: OrderLine, *, note: str = "") -> OutgoingEmail:
    """Staff need more data from the customer for one service: what, and where to send it.

    One e-mail for the status change and the data request that caused it.
    """
    order = line.order
    data_request = line.data_requests.filter(answered_at__isnull=True).order_by("-id").first()
    context = {**_order_context(order), "line": line, "note": note, "answer_url": ""}
    if data_request is not None:
        labels = {item.get("key"): item.get("label") for item in _field_labels(line)}
        context["fields"] = [labels.get(key, key) for key in data_request.field_keys]
        context["documents"] = list(data_request.documents)
        context["answer_url"] = data_request_url(data_request)
    context["answer_url"] = context["answer_url"] or context["order_url"]
    return _send(order, "awaiting_customer_data", context)


def _field_labels(line: OrderLine) -> list[dict]:
    if line.service_id is None:
        return []
    return [
        {"key": key, "label": label}
        for key, label in FormField.objects.filter(service_id=line.service_id).values_list(
            "key", "label"
        )
    ]


def data_request_url(data_request: DataRequest) -> str:
    return absolute_url(
        "orders:data_request", number=data_request.line.order.number, request_id=data_request.pk
    )


def _desk_url(order: Order) -> str:
    return absolute_url("desk:order", number=order.number)


def send_customer_order_message(message: OrderMessage) -> OutgoingEmail:
    """Staff wrote to the customer on the order (never called for an internal note)."""
    if message.is_internal:
        raise ValueError("Internal notes are never e-mailed to the customer")
    order = message.order
    return _send(
        order,
        "message_for_customer",
        {**_order_context(order), "message": message},
        key=f"order-message-{message.pk}",
    )


def send_staff_order_message(message: OrderMessage) -> OutgoingEmail:
    order = message.order
    return queue_email(
        to=settings.STAFF_NOTIFICATION_EMAIL,
        template=f"{TEMPLATES}/staff_order_message",
        context={"order": order, "message": message, "desk_url": _desk_url(order)},
        related=order,
        key=f"order-message-{message.pk}",
    )


def send_staff_data_request_answered(data_request: DataRequest) -> OutgoingEmail:
    line = data_request.line
    order = line.order
    return queue_email(
        to=settings.STAFF_NOTIFICATION_EMAIL,
        template=f"{TEMPLATES}/staff_data_request_answered",
        context={
            "order": order,
            "line": line,
            "data_request": data_request,
            "desk_url": _desk_url(order),
        },
        related=order,
        key=f"data-request-{data_request.pk}-answered",
    )


def send_data_request_reminder(data_request: DataRequest) -> OutgoingEmail:
    line = data_request.line
    order = line.order
    context = {
        **_order_context(order),
        "line": line,
        "data_request": data_request,
        "answer_url": data_request_url(data_request),
    }
    return _send(
        order, "data_request_reminder", context, key=f"data-request-{data_request.pk}-reminder"
    )


def send_outcome_available(outcome: Outcome) -> OutgoingEmail:
    """An "esito" is ready: a link to the order (where it is downloaded), never the file."""
    line = outcome.line
    order = line.order
    context = {**_order_context(order), "line": line, "outcome": outcome}
    return _send(order, "outcome_available", context, key=f"outcome-{outcome.pk}-available")


def send_staff_order_paid(order: Order) -> OutgoingEmail:
    """Tell the back-office a paid order is waiting to be worked on."""
    return queue_email(
        to=settings.STAFF_NOTIFICATION_EMAIL,
        template=f"{TEMPLATES}/staff_order_paid",
        context={
            "order": order,
            "admin_url": absolute_url("admin:orders_order_change", object_id=order.pk),
        },
        related=order,
        key=f"order-{order.pk}-staff-paid",
    )


def send_staff_payment_on_closed_order(order: Order) -> OutgoingEmail:
    """A payment was confirmed for a cancelled or refunded order: staff must refund it."""
    return queue_email(
        to=settings.STAFF_NOTIFICATION_EMAIL,
        template=f"{TEMPLATES}/staff_payment_on_closed_order",
        context={
            "order": order,
            "admin_url": absolute_url("admin:orders_order_change", object_id=order.pk),
        },
        related=order,
    )
