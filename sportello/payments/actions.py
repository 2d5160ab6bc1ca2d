"""The only code that changes payments. Confirmations from the outside world are idempotent."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from sportello.core.money import ZERO, format_euro, to_money
from sportello.core.state import change_status
from sportello.payments.models import (
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


class PaymentNotAllowed(Exception):
    """The order cannot be paid (already paid, cancelled, or the method is not available)."""


class PaymentStartFailed(Exception):
    """The provider could not start the attempt; the attempt is recorded as failed.

    The order is untouched and still awaiting payment: send the customer to the pay-again page.
    """

    def __init__(self, message: str, *, payment: Payment):
        super().__init__(message)
        self.payment = payment


class RefundNotAllowed(Exception):
    """The refund breaks a rule (payment not confirmed, amount above what is refundable)."""


class RefundFailed(Exception):
    """The provider refused or could not be reached; nothing was recorded."""


def create_payment(*, order, provider: str) -> Payment:
    from sportello.orders.models import OrderStatus

    if order.status != OrderStatus.AWAITING_PAYMENT:
        raise PaymentNotAllowed(f"Order {order.number} is {order.status}")
    with transaction.atomic():
        payment = Payment.objects.create(order=order, provider=provider, amount=order.total_gross)
        PaymentStatusChange.objects.create(
            payment=payment, from_status="", to_status=PaymentStatus.CREATED
        )
    return payment


def start_payment(*, order, provider_id: str, request: HttpRequest) -> StartResult:
    """Open an attempt to pay `order` with `provider_id` and say where the customer goes next.

    Used right after placing the order and by the pay-again page. The amount is always the
    order's total, read from the database. Raises PaymentNotAllowed when the order is not
    awaiting payment or the method is not offered for it, PaymentStartFailed when the provider
    cannot start (the attempt is then recorded as failed and the order stays payable).
    """
    from sportello.orders.models import Order, OrderStatus
    from sportello.payments.providers.registry import enabled_providers

    provider = next((p for p in enabled_providers(order) if p.identifier == provider_id), None)
    if provider is None:
        raise PaymentNotAllowed(f"Payment method {provider_id!r} is not available")
    with transaction.atomic():
        # The order row lock serialises two clicks on "Paga ora" for the same order.
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != OrderStatus.AWAITING_PAYMENT:
            raise PaymentNotAllowed(f"Order {locked.number} is {locked.status}")
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


def _current_status(payment: Payment) -> str:
    current = Payment.objects.filter(pk=payment.pk).values_list("status", flat=True).first()
    if current is None:
        raise Payment.DoesNotExist(f"Payment {payment.pk} does not exist")
    return current


def mark_pending(*, payment: Payment, provider_reference: str | None = None, note="") -> bool:
    """Waiting for money the provider will report later (bank transfer, delayed methods).

    News that arrives out of order ("pending" after the attempt was settled) changes nothing.
    """
    current = _current_status(payment)
    if current not in OPEN_PAYMENT_STATUSES:
        payment.status = current
        return False
    extra = {"provider_reference": provider_reference} if provider_reference else None
    return _set_status(payment, PaymentStatus.PENDING, note=note, extra=extra)


def confirm_payment(
    *, payment: Payment, provider_reference: str | None = None, actor=None, note: str = ""
) -> bool:
    """Mark the attempt confirmed; the order becomes paid when confirmed payments cover it.

    A second confirmation of the same payment (a retried webhook or callback) changes nothing
    and returns False. Money that arrives for an order that is no longer awaiting payment
    (already paid by another attempt, cancelled) is still recorded, for staff to refund.
    """
    from sportello.orders import emails as order_emails
    from sportello.orders.actions import ALREADY_PAID_STATUSES, mark_paid
    from sportello.orders.models import Order

    with transaction.atomic():
        if _current_status(payment) == PaymentStatus.REFUNDED:
            # A late repeat of the confirmation of money we have since given back.
            return False
        extra: dict = {"confirmed_at": timezone.now()}
        if provider_reference:
            extra["provider_reference"] = provider_reference
        moved = _set_status(payment, PaymentStatus.CONFIRMED, actor=actor, note=note, extra=extra)
        if not moved:
            return False
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        payment.order = order
        covered = Payment.objects.filter(order=order, status=PaymentStatus.CONFIRMED).aggregate(
            total=Sum("amount")
        )["total"] or Decimal("0")
        if covered < order.total_gross:
            return True
        # mark_paid decides what a payment means for an order that is no longer awaiting one
        # (already paid: nothing; cancelled: staff are told, to refund it).
        paid_now = mark_paid(
            order=order, actor=actor, note=f"Pagamento confermato: {payment.provider_label}"
        )
        if not paid_now:
            logger.warning(
                "Payment %s confirmed for order %s which is %s",
                payment.pk,
                order.number,
                order.status,
            )
            if order.status in ALREADY_PAID_STATUSES:
                # Paid twice (two attempts both charged): staff must refund this one.
                # (mark_paid already told them about money on a cancelled order.)
                order_emails.send_staff_payment_on_paid_order(order, payment)
            return True
        # The other attempts can no longer be needed; should money still arrive on one of
        # them, confirm_payment records it (cancelled -> confirmed is allowed).
        for other in Payment.objects.filter(order=order, status__in=OPEN_PAYMENT_STATUSES).exclude(
            pk=payment.pk
        ):
            cancel_payment(payment=other, reason="Ordine pagato con un altro tentativo")
    return True


def fail_payment(*, payment: Payment, reason: str = "", actor=None) -> bool:
    """A declined or abandoned attempt: the order stays awaiting payment and can be paid again.

    A failure reported for an attempt that is already settled (confirmed, refunded, or
    cancelled because another attempt paid the order) changes nothing and returns False.
    """
    current = _current_status(payment)
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
    """Give an open attempt up; after commit the provider is told, so it takes no money."""
    moved = _set_status(payment, PaymentStatus.CANCELLED, actor=actor, note=reason)
    if moved:
        transaction.on_commit(lambda: _tell_provider_cancelled(payment))
    return moved


def _tell_provider_cancelled(payment: Payment) -> None:
    from sportello.payments.providers.registry import UnknownPaymentMethod, get_provider

    try:
        get_provider(payment.provider).cancel(payment)
    except (ProviderError, UnknownPaymentMethod) as exc:
        logger.warning("Could not cancel payment %s with %s: %s", payment.pk, payment.provider, exc)


def sync_with_provider(*, payment: Payment) -> None:
    """Ask the provider how an open attempt stands (the customer is back before the webhook).

    A provider that cannot be reached leaves the attempt as it is; its webhook will follow.
    """
    from sportello.payments.providers.registry import get_provider

    if not payment.is_open:
        return
    try:
        get_provider(payment.provider).refresh(payment)
    except ProviderError as exc:
        logger.warning("Could not check payment %s with %s: %s", payment.pk, payment.provider, exc)
    payment.refresh_from_db()


def refundable_amount(payment: Payment) -> Decimal:
    refunded = payment.refunds.aggregate(total=Sum("amount"))["total"] or ZERO
    return payment.amount - refunded


def refund_payment(*, payment: Payment, amount: Decimal | str, actor, note: str = "") -> Refund:
    """Refund part or all of a confirmed payment, through the provider where it can.

    The payment becomes refunded once fully refunded, and the order once everything paid for
    it has been refunded. The provider is called inside the transaction, with the payment row
    locked, so two staff members cannot refund the same money twice.
    """
    from sportello.orders import emails as order_emails
    from sportello.orders.models import Order
    from sportello.payments.providers.registry import get_provider

    amount = to_money(amount)
    if amount <= 0:
        raise RefundNotAllowed("L'importo del rimborso deve essere maggiore di zero.")
    provider = get_provider(payment.provider)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
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
        order = Order.objects.select_for_update().get(pk=locked.order_id)
        if not _refund_order_when_fully_refunded(order=order, actor=actor, note=note):
            # The order stays as it is, so no "rimborsato" e-mail: tell the customer here.
            order_emails.send_refund_recorded(order, refund)
    payment.status = locked.status
    return refund


def _refund_order_when_fully_refunded(*, order, actor, note: str) -> bool:
    """Mark the order refunded once everything paid for it went back; True if it moved."""
    from sportello.orders import actions as order_actions
    from sportello.orders.models import ORDER_TRANSITIONS, OrderStatus

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
    return order_actions.mark_refunded(
        order=order, actor=actor, note=note or "Importo pagato interamente rimborsato"
    )


# --- Bank transfers received, reminders and cancellation --------------------------------------


BANK_TRANSFER = "bank_transfer"


class TransferAlreadyRecorded(Exception):
    """A transfer with this CRO/TRN was already recorded."""


class TransferNotExpected(Exception):
    """The order is not awaiting payment (late money goes through the late-transfer page)."""


@dataclass(frozen=True)
class TransferRecorded:
    payment: Payment
    received_total: Decimal
    remaining: Decimal
    is_paid: bool


def transfers_received(order) -> Decimal:
    """What confirmed bank transfers for the order add up to (the received amounts)."""
    total = ZERO
    for payment in Payment.objects.filter(
        order=order, provider=BANK_TRANSFER, status=PaymentStatus.CONFIRMED
    ):
        total += to_money(payment.data.get("received_amount", payment.amount))
    return total


def record_bank_transfer(
    *,
    order,
    amount: Decimal | str,
    value_date: dt.date,
    reference: str,
    actor=None,
    note: str = "",
) -> TransferRecorded:
    """ "Segna bonifico ricevuto": the amount credited, its value date and the CRO/TRN.

    The whole amount still due confirms the pending transfer attempt (the order becomes paid);
    a partial amount is recorded as a confirmed payment of that amount and the order keeps
    awaiting the rest. A CRO/TRN already recorded is refused (no double counting).
    """
    from sportello.orders.models import Order, OrderStatus

    amount = to_money(amount)
    reference = reference.strip()
    if amount <= 0:
        raise ValueError("The amount received must be positive")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.AWAITING_PAYMENT:
            raise TransferNotExpected(f"Order {order.number} is {order.status}")
        if (
            reference
            and Payment.objects.filter(provider=BANK_TRANSFER, data__cro=reference).exists()
        ):
            raise TransferAlreadyRecorded(reference)
        received_before = transfers_received(order)
        remaining_before = order.total_gross - received_before
        receipt = {
            "cro": reference,
            "value_date": value_date.isoformat(),
            "received_amount": str(amount),
        }
        pending = (
            Payment.objects.filter(
                order=order, provider=BANK_TRANSFER, status__in=list(OPEN_PAYMENT_STATUSES)
            )
            .order_by("-created_at", "-id")
            .first()
        )
        label = f"Bonifico ricevuto: {format_euro(amount)}, valuta {value_date:%d/%m/%Y}"
        if reference:
            label += f", CRO/TRN {reference}"
        if note.strip():
            label += f" ({note.strip()})"
        if amount >= remaining_before and received_before == 0 and pending is not None:
            payment = pending
            payment.data = {**payment.data, **receipt}
            payment.save(update_fields=["data", "updated_at"])
            confirm_payment(payment=payment, actor=actor, note=label)
        else:
            payment = Payment.objects.create(
                order=order,
                provider=BANK_TRANSFER,
                amount=amount,
                provider_reference=reference or None,
                data=receipt,
            )
            confirm_payment(payment=payment, actor=actor, note=label)
            order.refresh_from_db()
            if order.status != OrderStatus.AWAITING_PAYMENT and pending is not None:
                cancel_payment(
                    payment=pending, reason="Importo coperto dai bonifici registrati", actor=actor
                )
        order.refresh_from_db()
        received = received_before + amount
        return TransferRecorded(
            payment=payment,
            received_total=received,
            remaining=max(order.total_gross - received, ZERO),
            is_paid=order.status != OrderStatus.AWAITING_PAYMENT,
        )


def transfer_deadline(order) -> dt.date:
    """The last day to pay an order by bank transfer before it is cancelled."""
    from sportello.orders.queries import transfer_payment_deadline

    return transfer_payment_deadline(order)


def remind_and_cancel_unpaid_transfers(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Scheduled: unpaid bank-transfer orders get one reminder after TRANSFER_REMINDER_DAYS and
    are cancelled (with an e-mail) after TRANSFER_CANCEL_DAYS. An order that received part of
    the money is not cancelled automatically: staff decide. Returns (reminded, cancelled)."""
    from sportello.orders import emails as order_emails
    from sportello.orders.actions import cancel_order
    from sportello.orders.models import Order, OrderStatus

    now = now or timezone.now()
    unpaid = Order.objects.filter(
        status=OrderStatus.AWAITING_PAYMENT, payment_method=BANK_TRANSFER
    ).order_by("placed_at", "id")
    cancel_before = now - dt.timedelta(days=settings.TRANSFER_CANCEL_DAYS)
    remind_before = now - dt.timedelta(days=settings.TRANSFER_REMINDER_DAYS)
    reminded = cancelled = 0
    for order in unpaid.filter(placed_at__lte=remind_before):
        with transaction.atomic():
            if order.placed_at <= cancel_before:
                if transfers_received(order) > 0:
                    continue
                note = (
                    f"Bonifico non ricevuto entro {settings.TRANSFER_CANCEL_DAYS} giorni "
                    "dall'ordine"
                )
                if cancel_order(order=order, note=note):
                    cancelled += 1
            elif not order_emails.transfer_reminder_queued(order):
                order_emails.send_transfer_reminder(order, deadline=transfer_deadline(order))
                reminded += 1
    return reminded, cancelled
