"""The only code that changes payments. Confirmations from the outside world are idempotent."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from sportello.audit.actions import record
from sportello.audit.models import EventType
from sportello.core.money import ZERO, format_euro, to_money
from sportello.core.state import change_status
from sportello.orders import actions as order_actions
from sportello.orders.actions import mark_paid, mark_refunded
from sportello.orders.models import ORDER_TRANSITIONS, Order, OrderStatus
from sportello.orders.queries import is_fully_withdrawn
from sportello.payments import emails as payment_emails
from sportello.payments.models import (
    MONEY_RECEIVED_STATUSES,
    OPEN_PAYMENT_STATUSES,
    PAYMENT_TRANSITIONS,
    Payment,
    PaymentStatus,
    PaymentStatusChange,
    Refund,
)
from sportello.payments.providers.base import (
    ProviderError,
    RefundNotSupported,
    RefundResult,
    StartResult,
)

logger = logging.getLogger(__name__)

BANK_TRANSFER = "bank_transfer"


class PaymentNotAllowed(Exception):
    """The order cannot be paid (already paid, cancelled, or the method is not available)."""


class PaymentStartFailed(Exception):
    """The provider could not start the attempt; the attempt is recorded as failed.

    The order is untouched and still awaiting payment: send the customer to the pay-again page.
    """

    def __init__(self, message: str, *, payment: Payment):
        super().__init__(message)
        self.payment = payment


class OrderWithdrawn(PaymentNotAllowed):
    """The consumer withdrew from every service of the order: there is nothing to pay while
    staff settle the withdrawal (which cancels the order)."""


class TooManyPaymentAttempts(PaymentNotAllowed):
    """The order opened PAYMENT_ATTEMPTS_PER_HOUR attempts in the last hour; the message is
    for the customer."""


ATTEMPTS_CAP_MESSAGE = (
    "Hai già avviato troppi tentativi di pagamento per l'ordine {number} nell'ultima ora. "
    "Se hai appena pagato, attendi qualche minuto la conferma; altrimenti riprova più tardi."
)


class RefundNotAllowed(Exception):
    """The refund breaks a rule (payment not confirmed, amount above what is refundable)."""


class RefundFailed(Exception):
    """The provider refused or could not be reached; nothing was recorded."""


def still_due(order) -> Decimal:
    """What is left to pay of the order's total: its total less the money confirmed for it
    (a partial bank transfer received; refunds do not count, the money given back was beyond
    the total). One query."""
    received = Payment.objects.filter(order=order, status=PaymentStatus.CONFIRMED).aggregate(
        total=Sum("amount")
    )["total"]
    return max(order.total_gross - to_money(received or ZERO), ZERO)


def create_payment(*, order, provider: str) -> Payment:
    """An attempt for what is left to pay (all of it, unless part of a transfer arrived)."""
    if order.status != OrderStatus.AWAITING_PAYMENT:
        raise PaymentNotAllowed(f"Order {order.number} is {order.status}")
    with transaction.atomic():
        payment = Payment.objects.create(order=order, provider=provider, amount=still_due(order))
        PaymentStatusChange.objects.create(
            payment=payment, from_status="", to_status=PaymentStatus.CREATED
        )
    return payment


def start_payment(*, order, provider_id: str, request: HttpRequest) -> StartResult:
    """Open an attempt to pay `order` with `provider_id` and say where the customer goes next.

    Used right after placing the order and by the pay-again page. The amount is always the
    order's total, read from the database. Raises PaymentNotAllowed when the order is not
    awaiting payment or the method is not offered for it (OrderWithdrawn when the consumer
    withdrew from every service), PaymentStartFailed when the provider
    cannot start (the attempt is then recorded as failed and the order stays payable).
    """
    # Inside the payments app: the providers import this module (actions, models), so the
    # registry of providers is read when called, once every module is loaded.
    from sportello.payments.providers.registry import enabled_providers

    provider = next((p for p in enabled_providers(order) if p.identifier == provider_id), None)
    if provider is None:
        raise PaymentNotAllowed(f"Payment method {provider_id!r} is not available")
    with transaction.atomic():
        # The order row lock serialises two clicks on "Paga ora" for the same order.
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != OrderStatus.AWAITING_PAYMENT:
            raise PaymentNotAllowed(f"Order {locked.number} is {locked.status}")
        if is_fully_withdrawn(locked):
            raise OrderWithdrawn(f"Order {locked.number} is withdrawn from")
        payment = None
        if provider.reuses_open_attempt:
            payment = (
                Payment.objects.filter(
                    order=locked, provider=provider.identifier, status__in=OPEN_PAYMENT_STATUSES
                )
                .order_by("created_at", "id")
                .first()
            )
        if payment is None:
            _check_attempts_cap(locked)
            payment = create_payment(order=locked, provider=provider.identifier)
        if locked.payment_method != provider.identifier:
            # The method the customer now pays with (back-office filter, I MIEI ORDINI).
            Order.objects.filter(pk=locked.pk).update(
                payment_method=provider.identifier, updated_at=timezone.now()
            )
            locked.payment_method = order.payment_method = provider.identifier
        payment.order = locked
    try:
        return provider.start(payment, request)
    except ProviderError as exc:
        logger.warning("Payment %s could not start with %s: %s", payment.pk, provider_id, exc)
        fail_payment(payment=payment, reason=str(exc))
        raise PaymentStartFailed(str(exc), payment=payment) from exc


def _check_attempts_cap(order) -> None:
    since = timezone.now() - timedelta(hours=1)
    recent = Payment.objects.filter(order=order, created_at__gte=since).count()
    if recent >= settings.PAYMENT_ATTEMPTS_PER_HOUR:
        raise TooManyPaymentAttempts(ATTEMPTS_CAP_MESSAGE.format(number=order.number))


def attach_provider_reference(
    *, payment: Payment, provider_reference: str, data: dict | None = None
) -> None:
    """Remember the provider's id for this attempt (session, transaction). Not a status change."""
    payment.provider_reference = provider_reference
    payment.data = {**payment.data, **(data or {})}
    payment.save(update_fields=["provider_reference", "data", "updated_at"])


def remember_provider_data(*, payment: Payment, data: dict) -> None:
    """Keep what the provider told us that later calls need (e.g. Stripe's payment intent)."""
    if all(payment.data.get(key) == value for key, value in data.items()):
        return
    payment.data = {**payment.data, **data}
    payment.save(update_fields=["data", "updated_at"])


def _set_status(payment: Payment, to: str, *, actor=None, note: str = "", extra=None) -> bool:
    return change_status(
        payment,
        to=to,
        transitions=PAYMENT_TRANSITIONS,
        history=PaymentStatusChange,
        history_fk="payment",
        actor=actor,
        note=note,
        extra=extra,
        allow_repeat=True,
    )


def mark_pending(*, payment: Payment, provider_reference: str | None = None, note="") -> bool:
    """Waiting for money the provider will report later (bank transfer, delayed methods).

    News that arrives out of order ("pending" after the attempt was settled) changes nothing.
    """
    with transaction.atomic():
        _order, locked = lock_order_payments(payment.order_id)
        current = locked[payment.pk].status
        if current not in OPEN_PAYMENT_STATUSES:
            payment.status = current
            return False
        extra = {"provider_reference": provider_reference} if provider_reference else None
        return _set_status(payment, PaymentStatus.PENDING, note=note, extra=extra)


@dataclass(frozen=True)
class Confirmation:
    """What one confirmation did; `checkout.settlement` reads it to run the follow-ups."""

    payment: Payment
    # False: a repeat (already confirmed, or since refunded): nothing changed.
    is_recorded: bool
    # This confirmation made the order paid (the one moment an order becomes paid by money).
    order_became_paid: bool = False
    # Money on an order that was no longer awaiting payment (paid by another attempt,
    # cancelled, refunded): recorded, and staff were alerted once, to refund it.
    is_extra_charge: bool = False
    # Money for an order the consumer withdrew from entirely (an attempt opened before the
    # statement): recorded, the order not marked paid; settling the withdrawal refunds it.
    is_for_withdrawn_order: bool = False


def lock_order_payments(order_id: int):
    """Take the locks every payment change takes, always in this order: the order row first,
    then its payments by id. Two requests about the same order (webhook, return page, staff
    button, a second authorised attempt) then queue on the order row instead of deadlocking.
    Returns (order, {payment id: payment}). Must run inside a transaction. SQLite ignores
    the row locks; its IMMEDIATE transactions serialise the writers instead.
    """
    order = Order.objects.select_for_update().get(pk=order_id)
    payments = Payment.objects.select_for_update().filter(order_id=order_id).order_by("id")
    return order, {payment.pk: payment for payment in payments}


def confirm_payment(
    *, payment: Payment, provider_reference: str | None = None, actor=None, note: str = ""
) -> Confirmation:
    """Record the attempt's money as confirmed; the order becomes paid when it is covered.

    Every charge is recorded: a second or third attempt authorised for an order already paid
    (or cancelled, or refunded) is confirmed money too, and staff get one e-mail per extra
    charge so they refund it. A repeat of the same confirmation (a retried webhook, the return
    page and the webhook both reporting it) changes nothing. Called by
    `sportello.checkout.settlement.settle_confirmed_payment`, which runs what follows above
    payments (invoicing).
    """
    with transaction.atomic():
        order, locked = lock_order_payments(payment.order_id)
        current = locked[payment.pk]
        payment.order = order
        if current.status in (PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED):
            # A repeat, or a late repeat of the confirmation of money since given back.
            payment.status = current.status
            return Confirmation(payment=payment, is_recorded=False)
        extra: dict = {"confirmed_at": timezone.now()}
        if provider_reference:
            extra["provider_reference"] = provider_reference
        _set_status(payment, PaymentStatus.CONFIRMED, actor=actor, note=note, extra=extra)
        if order.status != OrderStatus.AWAITING_PAYMENT:
            logger.warning(
                "Payment %s confirmed for order %s which is %s: staff alerted to refund it",
                payment.pk,
                order.number,
                order.status,
            )
            payment_emails.send_staff_extra_charge(order, payment)
            return Confirmation(payment=payment, is_recorded=True, is_extra_charge=True)
        if is_fully_withdrawn(order):
            logger.warning(
                "Payment %s confirmed for order %s, withdrawn from entirely: not marked paid",
                payment.pk,
                order.number,
            )
            payment_emails.send_staff_payment_on_withdrawn_order(order, payment)
            return Confirmation(payment=payment, is_recorded=True, is_for_withdrawn_order=True)
        covered = sum(
            (
                p.amount
                for p in locked.values()
                if p.pk == payment.pk or p.status == PaymentStatus.CONFIRMED
            ),
            ZERO,
        )
        if covered < order.total_gross:
            return Confirmation(payment=payment, is_recorded=True)
        mark_paid(order=order, actor=actor, note=f"Pagamento confermato: {payment.provider_label}")
        if covered > order.total_gross:
            payment_emails.send_staff_overpayment(order, payment, received=covered)
        # The other attempts can no longer be needed; should money still arrive on one of
        # them, confirm_payment records it (cancelled -> confirmed is allowed).
        for other in locked.values():
            if other.pk != payment.pk and other.status in OPEN_PAYMENT_STATUSES:
                cancel_payment(payment=other, reason="Ordine pagato con un altro tentativo")
    return Confirmation(payment=payment, is_recorded=True, order_became_paid=True)


def fail_payment(*, payment: Payment, reason: str = "", actor=None) -> bool:
    """A declined or abandoned attempt: the order stays awaiting payment and can be paid again.

    A failure reported for an attempt that is already settled (confirmed, refunded, or
    cancelled because another attempt paid the order) changes nothing and returns False.
    """
    with transaction.atomic():
        _order, locked = lock_order_payments(payment.order_id)
        current = locked[payment.pk].status
        if current in (PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED, PaymentStatus.CANCELLED):
            payment.status = current
            return False
        return _set_status(
            payment,
            PaymentStatus.FAILED,
            actor=actor,
            note=reason,
            extra={"failure_reason": reason[:300]},
        )


def cancel_payment(*, payment: Payment, reason: str = "", actor=None) -> bool:
    """Give an open attempt up; after commit the provider is told, so it takes no money.

    Callers hold the order's locks (`lock_order_payments`) or take them here.
    """
    with transaction.atomic():
        _order, locked = lock_order_payments(payment.order_id)
        current = locked[payment.pk].status
        if current == PaymentStatus.CANCELLED:
            payment.status = current
            return False
        moved = _set_status(payment, PaymentStatus.CANCELLED, actor=actor, note=reason)
    if moved:
        transaction.on_commit(lambda: _tell_provider_cancelled(payment))
    return moved


def follow_new_total(*, order, reason: str, actor=None) -> Payment | None:
    """The total of an order awaiting payment changed (a partial withdrawal): attempts opened
    for the old amount with a provider are given up (it is told, so a card page left open
    takes no money); a bank transfer's attempt stays open with the new amount, so its
    instructions and causale do not change (they read the order's total). When the money
    already received (a partial transfer) covers the new total, the order becomes paid:
    returns the last payment received, for the caller to run what follows a payment."""
    with transaction.atomic():
        locked_order, payments = lock_order_payments(order.pk)
        confirmed = sorted(
            (p for p in payments.values() if p.status == PaymentStatus.CONFIRMED),
            key=lambda p: (p.confirmed_at or p.created_at, p.pk),
        )
        received = sum((p.amount for p in confirmed), ZERO)
        covered = bool(confirmed) and received >= locked_order.total_gross
        for payment in payments.values():
            if payment.status in OPEN_PAYMENT_STATUSES and (
                covered or payment.provider != BANK_TRANSFER
            ):
                cancel_payment(payment=payment, reason=reason, actor=actor)
        if not covered:
            _transfers_await(payments.values(), locked_order.total_gross - received)
            return None
        last = confirmed[-1]
        mark_paid(order=locked_order, actor=actor, note=f"{reason}: già pagato")
        order.status = locked_order.status
        if received > locked_order.total_gross:
            payment_emails.send_staff_overpayment(locked_order, last, received=received)
    return last


def cancel_order(
    *,
    order,
    actor=None,
    note: str = "",
    customer_note: str | None = None,
    announce: bool = True,
) -> bool:
    """Cancel an order and its open payment attempts (the provider is told after commit).

    Money that arrives later for a cancelled attempt is still recorded, and staff are told to
    refund it (confirm_payment). Raises InvalidTransition when the order cannot be cancelled.
    """
    with transaction.atomic():
        _locked, payments = lock_order_payments(order.pk)
        moved = order_actions.cancel_order(
            order=order, actor=actor, note=note, customer_note=customer_note, announce=announce
        )
        for payment in payments.values():
            if payment.status in OPEN_PAYMENT_STATUSES:
                cancel_payment(payment=payment, reason="Ordine annullato", actor=actor)
    return moved


def _tell_provider_cancelled(payment: Payment) -> None:
    # Inside the payments app: the providers import this module (actions, models), so the
    # registry of providers is read when called, once every module is loaded.
    from sportello.payments.providers.registry import UnknownPaymentMethod, get_provider

    try:
        get_provider(payment.provider).cancel(payment)
    except (ProviderError, UnknownPaymentMethod) as exc:
        logger.warning("Could not cancel payment %s with %s: %s", payment.pk, payment.provider, exc)


def late_bank_transfer(order) -> Payment | None:
    """The transfer the customer was told to make, if money could still arrive for it: none
    once transfer money for the order has been recorded (transfers in parts that paid the
    order leave the instructions' attempt cancelled, with nothing more to come)."""
    return _late_transfer_among(
        Payment.objects.filter(order=order, provider=BANK_TRANSFER).order_by("-created_at", "-id")
    )


def _late_transfer_among(transfers: Iterable[Payment]) -> Payment | None:
    """Of an order's bank transfers, newest first: the one late money would confirm, or None
    once any transfer money was recorded (the rule of `late_bank_transfer`)."""
    transfers = list(transfers)
    if any(transfer.status in MONEY_RECEIVED_STATUSES for transfer in transfers):
        return None
    late = {*OPEN_PAYMENT_STATUSES, PaymentStatus.CANCELLED}
    return next((transfer for transfer in transfers if transfer.status in late), None)


def refundable_amount(payment: Payment) -> Decimal:
    refunded = payment.refunds.aggregate(total=Sum("amount"))["total"] or ZERO
    return payment.amount - refunded


def refundable_total(order) -> Decimal:
    """What the order's confirmed payments can still give back (0 for an order never paid):
    cancelling or withdrawing from it means refunding this."""
    confirmed = Payment.objects.filter(order=order, status=PaymentStatus.CONFIRMED)
    return sum((refundable_amount(payment) for payment in confirmed), ZERO)


def refund_payment(
    *, payment: Payment, amount: Decimal | str, actor, note: str = "", announce: bool = True
) -> Refund:
    """Refund part or all of a confirmed payment, through the provider where it can.

    The payment becomes refunded once fully refunded, and the order once everything paid for
    it has been refunded. The provider is called inside the transaction, with the payment row
    locked, so two staff members cannot refund the same money twice. The customer is e-mailed
    the amount (and that the order is refunded, when it is) unless `announce=False`: the
    caller's own message says it (a withdrawal), or the caller sends it with the credit note
    (`checkout.settlement.record_refund`).
    """
    # Inside the payments app: the providers import this module (actions, models), so the
    # registry of providers is read when called, once every module is loaded.
    from sportello.payments.providers.registry import get_provider

    amount = to_money(amount)
    if amount <= 0:
        raise RefundNotAllowed("L'importo del rimborso deve essere maggiore di zero.")
    provider = get_provider(payment.provider)
    with transaction.atomic():
        order, payments = lock_order_payments(payment.order_id)
        locked = payments[payment.pk]
        if locked.status != PaymentStatus.CONFIRMED:
            raise RefundNotAllowed("Si può rimborsare solo un pagamento confermato.")
        available = refundable_amount(locked)
        if amount > available:
            raise RefundNotAllowed(
                f"L'importo supera quanto rimborsabile per questo pagamento "
                f"({format_euro(available)})."
            )
        try:
            result = provider.refund(locked, amount)
        except RefundNotSupported:
            # Bank transfers go back by hand: the refund is recorded, staff wire the money.
            result = RefundResult()
        except ProviderError as exc:
            raise RefundFailed(str(exc)) from exc
        refund = Refund.objects.create(
            payment=locked,
            amount=amount,
            note=note,
            provider_reference=result.provider_reference,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if amount == available:
            _set_status(locked, PaymentStatus.REFUNDED, actor=actor, note=note or "Rimborsato")
        record(
            event_type=EventType.PAYMENT_REFUND,
            message=f"Ordine {order.number}: rimborso registrato di {format_euro(amount)}"
            + (f" (nota: {note.strip()})" if note.strip() else ""),
            order_number=order.number,
            customer_id=order.customer_id,
            actor=actor,
            extra={"payment": locked.pk, "refund": refund.pk, "amount": str(amount)},
        )
        # One e-mail per refund, with its amount, also for the one that refunds the whole
        # order (it says so): not the order's status e-mail beside it.
        order_refunded = _refund_order_when_fully_refunded(
            order=order, actor=actor, note=note, announce=False
        )
        if announce:
            payment_emails.send_refund_recorded(order, refund, order_refunded=order_refunded)
    payment.status = locked.status
    return refund


def _refund_order_when_fully_refunded(*, order, actor, note: str, announce: bool = True) -> bool:
    """Mark the order refunded once everything paid for it went back; True if it moved."""
    if OrderStatus.REFUNDED not in ORDER_TRANSITIONS.get(order.status, ()):
        return False
    received = (
        Payment.objects.filter(
            order=order, status__in=(PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED)
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    refunded = (
        Refund.objects.filter(payment__order=order).aggregate(total=Sum("amount"))["total"] or ZERO
    )
    if received == ZERO or refunded < received:
        return False
    return mark_refunded(
        order=order,
        actor=actor,
        note=note or "Importo pagato interamente rimborsato",
        announce=announce,
    )


# --- Bank transfers received, reminders and cancellation --------------------------------------


class TransferNotExpected(Exception):
    """Staff recorded a transfer on an order that was told no transfer and is not awaiting one."""


class TransferAlreadyRecorded(TransferNotExpected):
    """A transfer with this CRO/TRN was already recorded."""


def transfers_received(order) -> Decimal:
    """What the confirmed bank transfers for the order add up to."""
    total = Payment.objects.filter(
        order=order, provider=BANK_TRANSFER, status=PaymentStatus.CONFIRMED
    ).aggregate(total=Sum("amount"))["total"]
    return to_money(total or ZERO)


def record_bank_transfer(
    *,
    order,
    actor,
    note: str = "",
    amount: Decimal | str | None = None,
    value_date: dt.date | None = None,
    reference: str = "",
) -> Confirmation:
    """Staff saw the order's bank transfer on the statement ("Segna bonifico ricevuto"): record
    it as confirmed money, with the amount credited, its value date and the CRO/TRN.

    On an order awaiting payment: without `amount`, or with the amount of the open transfer
    attempt, that attempt is confirmed (or a new one, when the customer chose another method but
    wired the money anyway); another amount is recorded as a confirmed transfer of that amount.
    The order becomes paid once its confirmed money covers the total; a partial amount leaves
    it awaiting the rest (`Confirmation.order_became_paid` is False). On an order no longer
    awaiting payment (cancelled, or paid another way) after transfer instructions were sent,
    the late money is recorded without reopening the order, and staff are told to refund it.
    Raises TransferNotExpected when neither applies, or when the transfer was already recorded
    (TransferAlreadyRecorded for a CRO/TRN seen before). Called through
    `checkout.settlement.settle_bank_transfer` (which issues the invoice when the order is paid).
    """
    reference = reference.strip()
    received = to_money(amount) if amount is not None else None
    if received is not None and received <= 0:
        raise ValueError("The amount received must be positive")
    with transaction.atomic():
        locked_order, payments = lock_order_payments(order.pk)
        if (
            reference
            and Payment.objects.filter(provider=BANK_TRANSFER, data__cro=reference).exists()
        ):
            raise TransferAlreadyRecorded(reference)
        receipt: dict = {}
        if reference:
            receipt["cro"] = reference
        if value_date is not None:
            receipt["value_date"] = value_date.isoformat()
        label = note
        if received is not None:
            label = f"Bonifico ricevuto: {format_euro(received)}"
            if value_date is not None:
                label += f", valuta {value_date:%d/%m/%Y}"
            if reference:
                label += f", CRO/TRN {reference}"
            if note.strip():
                label += f" ({note.strip()})"
        transfers = sorted(
            (p for p in payments.values() if p.provider == BANK_TRANSFER),
            key=lambda p: (p.created_at, p.pk),
            reverse=True,
        )
        if locked_order.status == OrderStatus.AWAITING_PAYMENT:
            payment = next((p for p in transfers if p.status in OPEN_PAYMENT_STATUSES), None)
            if received is not None and (payment is None or payment.amount != received):
                # A partial (or different) amount: its own confirmed payment; the open attempt
                # stays open for the rest (confirm_payment cancels it once the order is paid).
                payment = _transfer_of(locked_order, received, reference)
                payments[payment.pk] = payment
            elif payment is None:
                payment = create_payment(order=locked_order, provider=BANK_TRANSFER)
        else:
            payment = _late_transfer_among(transfers)
            if payment is None:
                raise TransferNotExpected(f"Order {locked_order.number} is {locked_order.status}")
            if received is not None and received != payment.amount:
                payment = _transfer_of(locked_order, received, reference)
        if receipt:
            payment.data = {**payment.data, **receipt}
            payment.save(update_fields=["data", "updated_at"])
        confirmation = confirm_payment(payment=payment, actor=actor, note=label)
        if not confirmation.is_recorded:
            raise TransferNotExpected(f"Payment {payment.pk} is already {payment.status}")
        # In the order's activity log, whether or not it made the order paid.
        record(
            event_type=EventType.PAYMENT_TRANSFER,
            message=label or f"Bonifico ricevuto: {format_euro(payment.amount)}",
            order_number=locked_order.number,
            customer_id=locked_order.customer_id,
            actor=actor,
        )
        if locked_order.status == OrderStatus.AWAITING_PAYMENT and not (
            confirmation.order_became_paid
        ):
            # Part of the money: the instructions' attempt now awaits the rest.
            _transfers_await(
                (other for other in payments.values() if other.pk != payment.pk),
                still_due(locked_order),
            )
    return confirmation


def _transfers_await(payments: Iterable[Payment], left: Decimal) -> None:
    """The open bank-transfer attempts among `payments` (the instructions the customer has)
    now await `left`: their causale stays, their amount is what is still to pay."""
    for payment in payments:
        if (
            payment.provider == BANK_TRANSFER
            and payment.status in OPEN_PAYMENT_STATUSES
            and payment.amount != left
        ):
            Payment.objects.filter(pk=payment.pk).update(amount=left, updated_at=timezone.now())
            payment.amount = left


def _transfer_of(order, amount: Decimal, reference: str) -> Payment:
    """A bank transfer of the amount the statement shows, about to be confirmed."""
    payment = Payment.objects.create(
        order=order, provider=BANK_TRANSFER, amount=amount, provider_reference=reference or None
    )
    PaymentStatusChange.objects.create(
        payment=payment, from_status="", to_status=PaymentStatus.CREATED
    )
    return payment


def transfer_deadline(order) -> dt.date:
    """The last day to pay an order by bank transfer before it is cancelled."""
    return timezone.localdate(order.placed_at) + timedelta(days=settings.TRANSFER_CANCEL_DAYS)
