"""The only code that changes orders: placing, payment, fulfilment, outcomes, cancellation.

Every status change goes through `sportello.core.state.change_status` (compare-and-set plus a
history row). Customer e-mails are queued in the outbox inside the same transaction as the
change they announce, so a rolled-back change sends nothing.

When the order confirmation goes out:
- placed with bank transfer: confirmation and transfer instructions at once (the customer needs
  the IBAN now); the later `mark_paid` sends "pagamento ricevuto".
- placed with a card: nothing at placing (the payment may still be declined); `mark_paid` sends
  the confirmation, which already says the payment is confirmed.
`mark_paid` tells the two cases apart by whether the confirmation was already queued, so an
order placed by bank transfer and then paid by card on retry is confirmed exactly once.
"""

from __future__ import annotations

import logging
import mimetypes
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from sportello.accounts.billing import BILLING_FIELDS
from sportello.catalogue.answers import answers_snapshot
from sportello.core.money import TaxedPrice
from sportello.core.state import change_status
from sportello.orders import delivery, emails
from sportello.orders.models import (
    BANK_TRANSFER_METHOD,
    LINE_TRANSITIONS,
    ORDER_TRANSITIONS,
    LineStatus,
    Order,
    OrderLine,
    OrderLineStatusChange,
    OrderNumberSequence,
    OrderStatus,
    OrderStatusChange,
    Outcome,
    OutcomeFile,
)

logger = logging.getLogger(__name__)

# Order statuses in which staff work on the lines and attach outcomes.
FULFILMENT_STATUSES = frozenset({OrderStatus.PAID, OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED})
# A payment confirmed for an order in one of these is a repeat: nothing changes.
ALREADY_PAID_STATUSES = FULFILMENT_STATUSES


class CartNotReady(Exception):
    """The cart is empty or has lines whose answers must be checked again."""


class OrderNotInFulfilment(Exception):
    """Lines move and outcomes are attached only while the order is paid and not closed."""


class OutcomeFileRejected(ValueError):
    """An outcome file of a type or size the site does not accept."""


def next_number(*, prefix: str, year: int) -> int:
    """The next number of a yearly sequence, unique under concurrency.

    A conditional UPDATE … SET last_number = last_number + 1 takes the row lock on both
    PostgreSQL and SQLite (IMMEDIATE transactions), so two orders never share a number.
    Must run inside a transaction.
    """
    OrderNumberSequence.objects.get_or_create(prefix=prefix, year=year)
    OrderNumberSequence.objects.filter(prefix=prefix, year=year).update(
        last_number=F("last_number") + 1
    )
    return OrderNumberSequence.objects.get(prefix=prefix, year=year).last_number


def format_order_number(year: int, number: int) -> str:
    return f"{year}-{number:06d}"


def new_order_number(now) -> str:
    """The next readable order number of `now`'s year (2026-000042). Inside a transaction."""
    year = timezone.localdate(now).year
    return format_order_number(year, next_number(prefix="ORD", year=year))


def _lock_order(order: Order) -> Order:
    """Serialise changes to one order (PostgreSQL row lock; SQLite locks on the first write)."""
    return Order.objects.select_for_update().get(pk=order.pk)


# --- Placing ---------------------------------------------------------------------------------


def place_order(
    *,
    customer,
    cart,
    billing: Mapping[str, str],
    payment_method: str,
    checkout_token: uuid.UUID,
) -> Order:
    """Turn the customer's cart into an order, with prices recomputed from the catalogue now.

    Re-posting with the same checkout token returns the order already placed (no duplicate).
    Raises CartNotReady when there is nothing (valid) to buy.
    """
    from sportello.cart.actions import empty_cart
    from sportello.cart.models import Cart
    from sportello.cart.queries import priced_cart

    if cart is None or cart.user_id != customer.pk:
        raise CartNotReady("Il carrello non appartiene al cliente.")
    existing = Order.objects.filter(checkout_token=checkout_token, customer=customer).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            # A second request for the same cart waits here for the first to commit, then
            # finds its order (same token) or an empty cart (another token).
            Cart.objects.select_for_update().filter(pk=cart.pk).first()
            existing = Order.objects.filter(
                checkout_token=checkout_token, customer=customer
            ).first()
            if existing is not None:
                return existing
            order = _create_order(
                customer=customer,
                priced=priced_cart(cart),
                billing=billing,
                payment_method=payment_method,
                checkout_token=checkout_token,
            )
            empty_cart(cart=cart)
            if payment_method == BANK_TRANSFER_METHOD:
                emails.send_order_confirmation(order)
                emails.send_bank_transfer_instructions(order)
    except IntegrityError:
        # A concurrent request with the same checkout token won the race.
        existing = Order.objects.filter(checkout_token=checkout_token, customer=customer).first()
        if existing is None:
            raise
        return existing
    return order


def _create_order(*, customer, priced, billing, payment_method, checkout_token) -> Order:
    if priced.is_empty:
        raise CartNotReady("Il carrello è vuoto.")
    if priced.needs_review:
        raise CartNotReady("Alcuni servizi del carrello vanno verificati.")
    if any(line.price is None for line in priced.lines):
        raise CartNotReady("Il carrello contiene servizi su preventivo.")
    return create_order(
        customer=customer,
        billing=billing,
        payment_method=payment_method,
        checkout_token=checkout_token,
        total=priced.total,
        lines=[
            OrderLine(
                position=position,
                service=line.service,
                service_name=line.service.name,
                answers=line.line.answers,
                answers_display=answers_snapshot(line.answers_summary),
                form_version=line.line.form_version,
                base_net=line.price.base_net,
                supplements=[{"label": s.label, "net": str(s.net)} for s in line.price.supplements],
                vat_rate=line.price.vat_rate,
                net=line.price.price.net,
                vat=line.price.price.vat,
                gross=line.price.price.gross,
            )
            for position, line in enumerate(priced.lines)
        ],
        note="Ordine effettuato",
    )


def create_order(
    *,
    customer,
    billing: Mapping[str, str],
    payment_method: str,
    checkout_token: uuid.UUID,
    total: TaxedPrice,
    lines: list[OrderLine],
    note: str,
) -> Order:
    """Write an order awaiting payment with its (unsaved) line snapshots and first history row.

    The one place orders are created, from a cart (place_order) or from a quote. Must run
    inside the caller's transaction; the caller decides the prices.
    """
    now = timezone.now()
    order = Order.objects.create(
        number=new_order_number(now),
        customer=customer,
        customer_email=customer.email,
        checkout_token=checkout_token,
        payment_method=payment_method,
        total_net=total.net,
        total_vat=total.vat,
        total_gross=total.gross,
        placed_at=now,
        **{f"billing_{name}": billing.get(name, "") or "" for name in BILLING_FIELDS},
    )
    for line in lines:
        line.order = order
    delivery.snapshot_delivery(lines)
    OrderLine.objects.bulk_create(lines)
    OrderStatusChange.objects.create(
        order=order,
        from_status="",
        to_status=OrderStatus.AWAITING_PAYMENT,
        actor=customer,
        note=note,
    )
    return order


# --- Order status ----------------------------------------------------------------------------

_STATUS_EMAILS: dict[str, Callable[..., object]] = {
    OrderStatus.IN_PROGRESS: emails.send_order_in_progress,
    OrderStatus.COMPLETED: emails.send_order_completed,
    OrderStatus.CANCELLED: emails.send_order_cancelled,
    OrderStatus.REFUNDED: emails.send_order_refunded,
}


def _move_order(
    order: Order,
    to: str,
    *,
    actor,
    note: str,
    allow_repeat: bool = False,
    announce: bool = True,
    customer_note: str | None = None,
) -> bool:
    """One order transition plus the customer e-mail announcing it (unless the caller sends
    one e-mail for several things that happened together: announce=False).

    `note` goes to the history; the e-mail carries `customer_note` when given (staff's internal
    note then never reaches the customer), else `note`."""
    extra = {"paid_at": timezone.now()} if to == OrderStatus.PAID else None
    moved = change_status(
        order,
        to=to,
        transitions=ORDER_TRANSITIONS,
        history=OrderStatusChange,
        history_fk="order",
        actor=actor,
        note=note,
        extra=extra,
        allow_repeat=allow_repeat,
    )
    send = _STATUS_EMAILS.get(to)
    if moved and announce and send is not None:
        send(order, note=note if customer_note is None else customer_note)
    return moved


def set_order_status(
    *, order: Order, to: str, actor=None, note: str = "", customer_note: str | None = None
) -> bool:
    """Move the order to `to` (staff buttons). Raises InvalidTransition when not allowed.

    Completing an order completes its open lines too; paying goes through `mark_paid`.
    With `customer_note`, `note` is internal (history only) and the e-mail says the former.
    """
    if to == OrderStatus.PAID:
        return mark_paid(order=order, actor=actor, note=note)
    if to == OrderStatus.COMPLETED:
        return complete_order(order=order, actor=actor, note=note, customer_note=customer_note)
    if to == OrderStatus.REFUNDED:
        return mark_refunded(order=order, actor=actor, note=note)
    with transaction.atomic():
        _lock_order(order)
        return _move_order(order, to, actor=actor, note=note, customer_note=customer_note)


def mark_paid(*, order: Order, actor=None, note: str = "") -> bool:
    """Called by payments once confirmed payments cover the total. A repeat is a no-op.

    A payment confirmed for an order that is already paid (or further on) changes nothing. One
    confirmed for a cancelled or refunded order (a late card payment) does not reopen it: the
    order keeps its status, staff are told so they can refund, and False is returned.
    """
    with transaction.atomic():
        current = _lock_order(order).status
        if current in ALREADY_PAID_STATUSES:
            order.status = current
            return False
        if current in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
            logger.warning("Payment confirmed for order %s in status %s", order.number, current)
            order.status = current
            emails.send_staff_payment_on_closed_order(order)
            return False
        moved = _move_order(order, OrderStatus.PAID, actor=actor, note=note, allow_repeat=True)
        if moved:
            # Before the confirmation e-mail, which tells the expected delivery dates.
            delivery.start_clocks_at_payment(order)
            if emails.order_confirmation_queued(order):
                emails.send_payment_received(order)
            else:
                emails.send_order_confirmation(order)
            emails.send_staff_order_paid(order)
    return moved


def start_processing(*, order: Order, actor=None, note: str = "") -> bool:
    return set_order_status(order=order, to=OrderStatus.IN_PROGRESS, actor=actor, note=note)


def complete_order(
    *, order: Order, actor=None, note: str = "", customer_note: str | None = None
) -> bool:
    """Complete the order and every line not yet completed (one history row each)."""
    with transaction.atomic():
        current = _lock_order(order).status
        if current == OrderStatus.COMPLETED:
            order.status = current
            return False
        # Check the order's transition before touching any line, so a refusal changes nothing.
        if OrderStatus.COMPLETED not in ORDER_TRANSITIONS.get(current, ()):
            return _move_order(order, OrderStatus.COMPLETED, actor=actor, note=note)
        for line in order.lines.exclude(status=LineStatus.COMPLETED):
            _move_line(line, LineStatus.COMPLETED, actor=actor, note=note)
        return _move_order(
            order, OrderStatus.COMPLETED, actor=actor, note=note, customer_note=customer_note
        )


def cancel_order(
    *, order: Order, actor=None, note: str = "", customer_note: str | None = None
) -> bool:
    """Cancel an order and its open payment attempts.

    A paid one still needs its refund recorded (it then becomes refunded). Money that arrives
    later for a cancelled attempt is still recorded, and staff are told (see mark_paid).
    """
    from sportello.payments.actions import cancel_payment
    from sportello.payments.models import Payment, PaymentStatus

    with transaction.atomic():
        moved = set_order_status(
            order=order,
            to=OrderStatus.CANCELLED,
            actor=actor,
            note=note,
            customer_note=customer_note,
        )
        open_attempts = Payment.objects.filter(
            order=order, status__in=[PaymentStatus.CREATED, PaymentStatus.PENDING]
        )
        for payment in open_attempts:
            cancel_payment(payment=payment, reason="Ordine annullato", actor=actor)
    return moved


def mark_refunded(*, order: Order, actor=None, note: str = "") -> bool:
    """Called by payments once the order's money has been given back. A repeat is a no-op."""
    with transaction.atomic():
        _lock_order(order)
        return _move_order(order, OrderStatus.REFUNDED, actor=actor, note=note, allow_repeat=True)


# --- Lines -----------------------------------------------------------------------------------


def _move_line(line: OrderLine, to: str, *, actor, note: str) -> bool:
    moved = change_status(
        line,
        to=to,
        transitions=LINE_TRANSITIONS,
        history=OrderLineStatusChange,
        history_fk="line",
        actor=actor,
        note=note,
    )
    if moved and to == LineStatus.AWAITING_CUSTOMER_DATA:
        emails.send_line_awaiting_customer_data(line, note=note)
    return moved


def _check_fulfilment(order: Order) -> None:
    if order.status not in FULFILMENT_STATUSES:
        raise OrderNotInFulfilment(
            f"Order {order.number} is {order.status}: its lines cannot be worked on"
        )


def _follow_lines(
    order: Order, *, actor, announce: bool = True, customer_note: str | None = None
) -> None:
    """Keep the order's status in step with its lines after a line moved."""
    statuses = list(order.lines.values_list("status", flat=True))
    all_completed = all(status == LineStatus.COMPLETED for status in statuses)
    if all_completed:
        if order.status != OrderStatus.COMPLETED:
            _move_order(
                order,
                OrderStatus.COMPLETED,
                actor=actor,
                note="Tutti i servizi completati",
                customer_note=customer_note,
            )
    elif order.status in (OrderStatus.PAID, OrderStatus.COMPLETED):
        _move_order(order, OrderStatus.IN_PROGRESS, actor=actor, note="", announce=announce)


def set_line_status(*, line: OrderLine, to: str, actor=None, note: str = "") -> bool:
    """Move one line; the order follows (in lavorazione, or completato when every line is).

    Raises InvalidTransition, or OrderNotInFulfilment when the order is not paid or is closed.
    """
    with transaction.atomic():
        order = _lock_order(line.order)
        _check_fulfilment(order)
        moved = _move_line(line, to, actor=actor, note=note)
        if moved:
            # A data request already tells the customer the work has started: one e-mail.
            _follow_lines(order, actor=actor, announce=to != LineStatus.AWAITING_CUSTOMER_DATA)
            line.order.status = order.status
    return moved


# --- Outcomes --------------------------------------------------------------------------------


def outcome_extensions() -> list[str]:
    return [ext.lower().lstrip(".") for ext in settings.OUTCOME_ALLOWED_EXTENSIONS]


def check_outcome_file(upload: UploadedFile) -> None:
    """Raise OutcomeFileRejected (with an Italian message) for a file we do not accept."""
    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    allowed = outcome_extensions()
    if extension not in allowed:
        raise OutcomeFileRejected(
            f"Tipo di file non ammesso: {upload.name}. "
            f"Formati accettati: {', '.join(ext.upper() for ext in allowed)}."
        )
    if not upload.size:
        raise OutcomeFileRejected(f"Il file {upload.name} è vuoto.")
    if upload.size > settings.OUTCOME_MAX_BYTES:
        raise OutcomeFileRejected(
            f"Il file {upload.name} è troppo grande: la dimensione massima è "
            f"{filesizeformat(settings.OUTCOME_MAX_BYTES)}."
        )


def add_outcome(
    *,
    line: OrderLine,
    note: str,
    files: Iterable[UploadedFile],
    actor,
    complete_line: bool = False,
) -> Outcome:
    """Attach an "esito" (note and files) to a line and tell the customer it is available.

    With complete_line=True the line is also marked completed (and the order with it when
    it was the last open line). Raises OutcomeFileRejected or OrderNotInFulfilment.
    """
    files = list(files)
    if not note.strip() and not files:
        raise OutcomeFileRejected("Un esito deve avere una nota o almeno un file.")
    for upload in files:
        check_outcome_file(upload)
    stored: list[str] = []
    try:
        with transaction.atomic():
            order = _lock_order(line.order)
            _check_fulfilment(order)
            outcome = Outcome.objects.create(line=line, note=note.strip(), created_by=actor)
            for upload in files:
                name = Path(upload.name or "file").name
                outcome_file = OutcomeFile(
                    outcome=outcome,
                    original_name=name[:255],
                    content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                    size=upload.size or 0,
                )
                outcome_file.file.save(name, upload, save=False)
                stored.append(outcome_file.file.name or "")
                outcome_file.save()
            completes_order = (
                complete_line
                and not order.lines.exclude(pk=line.pk)
                .exclude(status=LineStatus.COMPLETED)
                .exists()
            )
            # An outcome that completes the order is told in one e-mail: "completato", which
            # points to the outcomes and carries the outcome's note.
            if not completes_order:
                emails.send_outcome_available(outcome)
            if complete_line and line.status != LineStatus.COMPLETED:
                _move_line(line, LineStatus.COMPLETED, actor=actor, note=note.strip())
                # Not completing the order, the outcome e-mail is the one message (no extra
                # "in lavorazione" for the order moving on).
                _follow_lines(
                    order, actor=actor, customer_note=note.strip(), announce=completes_order
                )
                line.order.status = order.status
    except BaseException:
        # The rows are gone with the rollback; do not leave their files behind.
        for name in stored:
            OutcomeFile.file.field.storage.delete(name)
        raise
    return outcome
