"""Order messages: one function per message, queued in the outbox by the actions.

Each is called inside the transaction of the change it announces (see actions.py for when the
confirmation goes out). Messages that must go at most once carry an outbox key.
Links point to the order in I MIEI ORDINI, never to a file.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from sportello.contracts.pdf import render_terms_pdf, terms_filename
from sportello.notifications.actions import Attachment, queue_email
from sportello.notifications.models import OutgoingEmail
from sportello.notifications.rendering import absolute_url
from sportello.orders.models import Order, OrderLine, Outcome

TEMPLATES = "orders/email"


def confirmation_key(order: Order) -> str:
    return f"order-{order.pk}-confirmation"


def _order_context(order: Order, *, with_lines: bool = False) -> dict:
    context = {
        "order": order,
        "name": order.billing_first_name or order.customer.first_name,
        "order_url": absolute_url("orders:detail", number=order.number),
    }
    if with_lines:
        context["lines"] = list(order.lines.all())
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
    """Staff need more data from the customer for one service; the note says what."""
    order = line.order
    return _send(
        order, "awaiting_customer_data", {**_order_context(order), "line": line, "note": note}
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
