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
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from sportello.accounts.billing import BILLING_FIELDS
from sportello.audit.actions import record, record_status_change
from sportello.audit.models import EventType
from sportello.catalogue.answers import link_snapshot_files
from sportello.companies.queries import company_billing_data, company_for_new_order
from sportello.contracts.rules import TermsAcceptance
from sportello.core.money import TaxedPrice, format_euro
from sportello.core.numbering import format_number, local_year, next_number
from sportello.core.state import change_status
from sportello.orders import delivery, emails
from sportello.orders.listeners import outcome_added, status_changed
from sportello.orders.models import (
    LINE_TRANSITIONS,
    LINE_WORK_STATUSES,
    ORDER_TRANSITIONS,
    CustomerKind,
    LineStatus,
    Order,
    OrderLine,
    OrderLineFile,
    OrderLineStatusChange,
    OrderStatus,
    OrderStatusChange,
    Outcome,
    OutcomeFile,
)
from sportello.orders.queries import owed
from sportello.uploads.checks import UploadRejected, check_upload

logger = logging.getLogger(__name__)

# Order statuses in which staff work on the lines and attach outcomes.
FULFILMENT_STATUSES = frozenset({OrderStatus.PAID, OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED})
# A payment confirmed for an order in one of these is a repeat: nothing changes.
ALREADY_PAID_STATUSES = FULFILMENT_STATUSES


class OrderNotInFulfilment(Exception):
    """Lines move and outcomes are attached only while the order is paid and not closed."""


class WorkCannotStartYet(OrderNotInFulfilment):
    """A consumer's order without the early-start request waits for the withdrawal period."""

    def __init__(self, order: Order, start_date):
        self.start_date = start_date
        super().__init__(
            f"Il cliente non ha chiesto l'esecuzione immediata: i servizi dell'ordine "
            f"{order.number} possono iniziare dal {start_date:%d/%m/%Y}, alla fine del periodo "
            f"di recesso."
        )


class OutcomeFileRejected(ValueError):
    """An outcome file of a type or size the site does not accept."""


ORDER_NUMBER_PREFIX = "ORD"


def new_order_number(now) -> str:
    """The next readable order number of `now`'s year (2026-000042). Inside a transaction."""
    year = local_year(now)
    return format_number(year, next_number(prefix=ORDER_NUMBER_PREFIX, year=year))


def _lock_order(order: Order) -> Order:
    """Serialise changes to one order (PostgreSQL row lock; SQLite locks on the first write)."""
    return Order.objects.select_for_update().get(pk=order.pk)


# --- Placing ---------------------------------------------------------------------------------


def create_order(
    *,
    customer,
    billing: Mapping[str, str],
    payment_method: str,
    checkout_token: uuid.UUID,
    total: TaxedPrice,
    lines: list[OrderLine],
    note: str,
    acceptance: TermsAcceptance | None = None,
) -> Order:
    """Write an order awaiting payment with its (unsaved) line snapshots and first history row.

    The one place orders are created, by a purchase source (`orders.purchase`): the cart
    (`cart.actions.place_order`) or an accepted quote. Must run inside the caller's
    transaction; the caller decides the prices. The order belongs to the customer's company,
    if any (sportello.companies), and is billed to it.
    """
    now = timezone.now()
    # A member of a company buys for it (a viewer may not buy: PermissionError), billed with
    # the company's data whatever the form carried.
    company = company_for_new_order(customer)
    if company is not None:
        billing = company_billing_data(company)
    order = Order.objects.create(
        number=new_order_number(now),
        customer=customer,
        company=company,
        customer_email=customer.email,
        checkout_token=checkout_token,
        payment_method=payment_method,
        total_net=total.net,
        total_vat=total.vat,
        total_gross=total.gross,
        placed_at=now,
        **_acceptance_fields(acceptance, billing),
        **{f"billing_{name}": billing.get(name, "") or "" for name in BILLING_FIELDS},
    )
    for line in lines:
        line.order = order
    delivery.snapshot_delivery(lines)
    OrderLine.objects.bulk_create(lines)
    link_answer_files(lines)
    OrderStatusChange.objects.create(
        order=order,
        from_status="",
        to_status=OrderStatus.AWAITING_PAYMENT,
        actor=customer,
        note=note,
    )
    status_changed(order, from_status="", to_status=OrderStatus.AWAITING_PAYMENT)
    return order


def link_answer_files(lines: list[OrderLine]) -> None:
    """One OrderLineFile per upload the lines' answers name: the order keeps those files."""
    link_snapshot_files(lines, OrderLineFile)


def _acceptance_fields(acceptance: TermsAcceptance | None, billing: Mapping[str, str]) -> dict:
    if acceptance is None:
        return {}
    return {
        "terms": acceptance.terms,
        "terms_accepted_at": acceptance.accepted_at,
        # Only a consumer has a withdrawal period to waive.
        "early_start_requested": acceptance.early_start_requested
        and billing.get("kind") == CustomerKind.PERSON,
    }


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
        on_change=lambda from_status, to_status: _order_changed(
            order, from_status, to_status, note=note, actor=actor
        ),
    )
    send = _STATUS_EMAILS.get(to)
    if moved and announce and send is not None:
        send(order, note=note if customer_note is None else customer_note)
    return moved


def _order_changed(order: Order, from_status: str, to_status: str, *, note: str, actor) -> None:
    record_status_change(
        event_type=EventType.ORDER_STATUS,
        subject=f"Ordine {order.number}",
        choices=OrderStatus,
        from_status=from_status,
        to_status=to_status,
        note=note,
        order_number=order.number,
        customer_id=order.customer_id,
        actor=actor,
    )
    status_changed(order, from_status=from_status, to_status=to_status)


def set_order_status(
    *,
    order: Order,
    to: str,
    actor=None,
    note: str = "",
    customer_note: str | None = None,
    announce: bool = True,
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
        return mark_refunded(order=order, actor=actor, note=note, announce=announce)
    with transaction.atomic():
        current = _lock_order(order).status
        if to == OrderStatus.IN_PROGRESS and to in ORDER_TRANSITIONS.get(current, ()):
            check_work_may_start(order)
        return _move_order(
            order, to, actor=actor, note=note, customer_note=customer_note, announce=announce
        )


def mark_paid(*, order: Order, actor=None, note: str = "") -> bool:
    """Called by payments once confirmed payments cover the total. A repeat is a no-op.

    A payment confirmed for an order that is already paid (or further on) changes nothing. One
    confirmed for a cancelled or refunded order (a late card payment) does not reopen it: the
    order keeps its status, staff are told so they can refund, and False is returned.
    """
    with transaction.atomic():
        locked = _lock_order(order)
        current = locked.status
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
            if locked.confirmation_sent_at is not None:
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
        check_work_may_start(order)
        for line in order.lines.exclude(status__in=(LineStatus.COMPLETED, LineStatus.CANCELLED)):
            _move_line(line, LineStatus.COMPLETED, actor=actor, note=note)
        return _move_order(
            order, OrderStatus.COMPLETED, actor=actor, note=note, customer_note=customer_note
        )


def cancel_order(
    *,
    order: Order,
    actor=None,
    note: str = "",
    customer_note: str | None = None,
    announce: bool = True,
) -> bool:
    """Cancel the order (its status only). `payments.actions.cancel_order` also gives up its
    open payment attempts: that is the one callers use. A paid order still needs its refund
    recorded (it then becomes refunded). `announce=False`: the caller e-mails the customer
    about it in its own message (a withdrawal)."""
    return set_order_status(
        order=order,
        to=OrderStatus.CANCELLED,
        actor=actor,
        note=note,
        customer_note=customer_note,
        announce=announce,
    )


def mark_refunded(*, order: Order, actor=None, note: str = "", announce: bool = True) -> bool:
    """Called by payments once the order's money has been given back. A repeat is a no-op."""
    with transaction.atomic():
        _lock_order(order)
        return _move_order(
            order,
            OrderStatus.REFUNDED,
            actor=actor,
            note=note,
            allow_repeat=True,
            announce=announce,
        )


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
        on_change=lambda from_status, to_status: record_status_change(
            event_type=EventType.ORDER_LINE_STATUS,
            subject=f"Ordine {line.order.number}, servizio «{line.service_name}»",
            choices=LineStatus,
            from_status=from_status,
            to_status=to_status,
            note=note,
            order_number=line.order.number,
            customer_id=line.order.customer_id,
            actor=actor,
            extra={"line": line.pk},
        ),
    )
    if moved and to == LineStatus.AWAITING_CUSTOMER_DATA:
        emails.send_line_awaiting_customer_data(line, note=note)
    return moved


def _check_fulfilment(order: Order) -> None:
    if order.status not in FULFILMENT_STATUSES:
        raise OrderNotInFulfilment(
            f"Order {order.number} is {order.status}: its lines cannot be worked on"
        )


def check_work_may_start(order: Order) -> None:
    """Raise WorkCannotStartYet for a consumer's order still in its withdrawal period without
    the express request to start early (Codice del Consumo art. 50, c. 3)."""
    start_date = order.earliest_start_date
    if start_date is not None and timezone.localdate() < start_date:
        raise WorkCannotStartYet(order, start_date)


def _follow_lines(
    order: Order, *, actor, announce: bool = True, customer_note: str | None = None
) -> None:
    """Keep the order's status in step with its lines after a line moved."""
    statuses = [
        status
        for status in order.lines.values_list("status", flat=True)
        if status != LineStatus.CANCELLED
    ]
    if not statuses:
        return  # every line withdrawn: the withdrawal decides what becomes of the order
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
    elif order.status == OrderStatus.COMPLETED or (
        # Paid and a service started; not when the lines left are all still to start (a
        # withdrawn line was cancelled): "in lavorazione" would announce work that has not
        # begun, possibly inside the withdrawal period.
        order.status == OrderStatus.PAID and any(s != LineStatus.RECEIVED for s in statuses)
    ):
        _move_order(order, OrderStatus.IN_PROGRESS, actor=actor, note="", announce=announce)


def set_line_status(*, line: OrderLine, to: str, actor=None, note: str = "") -> bool:
    """Move one line; the order follows (in lavorazione, or completato when every line is).

    Raises InvalidTransition, or OrderNotInFulfilment when the order is not paid or is closed.
    """
    with transaction.atomic():
        order = _lock_order(line.order)
        _check_fulfilment(order)
        current = OrderLine.objects.only("status").get(pk=line.pk).status
        if to in LINE_WORK_STATUSES and to in LINE_TRANSITIONS.get(current, ()):
            check_work_may_start(order)
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
    try:
        check_upload(
            upload,
            extensions=outcome_extensions(),
            max_bytes=settings.OUTCOME_MAX_BYTES,
            name_in_message=True,
            # A text renamed .pdf would reach the customer as a PDF: sniffed like theirs (a
            # signed .p7m has no signature to check and passes).
        )
    except UploadRejected as exc:
        raise OutcomeFileRejected(exc.messages[0]) from exc


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
            check_work_may_start(order)
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
            outcome_added(outcome)
            # An outcome that completes the order is told in one e-mail: "completato", which
            # points to the outcomes and carries the outcome's note.
            if not completes_order:
                emails.send_outcome_available(outcome)
            record(
                event_type=EventType.ORDER_OUTCOME,
                message=f"Ordine {order.number}, servizio «{line.service_name}»: esito allegato"
                + (f" ({len(files)} file)" if files else ""),
                order_number=order.number,
                customer_id=order.customer_id,
                actor=actor,
                extra={"line": line.pk, "outcome": outcome.pk},
            )
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


# --- Withdrawal (the consumer's right, see sportello.withdrawals) ---------------------------


def was_started(line: OrderLine) -> bool:
    """Whether staff ever worked on the line (in progress or completed, even if reopened)."""
    if line.status in LINE_WORK_STATUSES:
        return True
    return line.status_changes.filter(to_status__in=LINE_WORK_STATUSES).exists()


def cancel_withdrawn_lines(*, order: Order, lines: Iterable[OrderLine], actor, note: str) -> int:
    """Cancel the withdrawn lines not yet started. Returns how many lines were cancelled.

    Started lines are left as they are (staff charge a proportional amount for them). When no
    line is left the caller (withdrawals, above payments) cancels the order with its payment
    attempts (`has_live_lines`). Runs inside the caller's transaction.
    """
    with transaction.atomic():
        locked = _lock_order(order)
        cancelled = 0
        for line in lines:
            if line.status == LineStatus.CANCELLED or was_started(line):
                continue
            _move_line(line, LineStatus.CANCELLED, actor=actor, note=note)
            cancelled += 1
        if cancelled and has_live_lines(locked):
            _follow_lines(locked, actor=actor)
        order.status = Order.objects.only("status").get(pk=order.pk).status
    return cancelled


def has_live_lines(order: Order) -> bool:
    """Whether any line of the order is not cancelled by a withdrawal."""
    return order.lines.exclude(status=LineStatus.CANCELLED).exists()


def owe_only_services_kept(*, order: Order, actor=None) -> tuple[Decimal, Decimal] | None:
    """An order not paid yet owes only the services the consumer did not withdraw from: its
    totals become those of the lines neither cancelled nor named in a statement (the withdrawn
    lines stay on it, marked, until staff settle the statement). Returns (old, new) total when
    it changed, else None (paid orders keep their total: their money is refunded instead; an
    order withdrawn from entirely keeps it too, and is cancelled when settled). Runs inside the
    caller's transaction; the caller gives up payment attempts opened for the old amount."""
    with transaction.atomic():
        locked = _lock_order(order)
        if locked.status != OrderStatus.AWAITING_PAYMENT:
            return None
        kept = list(locked.lines.filter(owed()))
        if not kept:
            return None
        net = sum((line.net for line in kept), Decimal("0.00"))
        vat = sum((line.vat for line in kept), Decimal("0.00"))
        gross = sum((line.gross for line in kept), Decimal("0.00"))
        old = locked.total_gross
        if gross == old:
            return None
        Order.objects.filter(pk=locked.pk).update(
            total_net=net, total_vat=vat, total_gross=gross, updated_at=timezone.now()
        )
        order.total_net, order.total_vat, order.total_gross = net, vat, gross
        record(
            event_type=EventType.ORDER_STATUS,
            message=(
                f"Totale da pagare ridotto per recesso: da {format_euro(old)} a "
                f"{format_euro(gross)}"
            ),
            order_number=locked.number,
            customer_id=locked.customer_id,
            actor=actor,
        )
    return old, gross
