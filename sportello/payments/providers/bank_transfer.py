"""Bank transfer ("bonifico bancario"): instructions now, staff confirm when the money arrives."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from sportello.core.money import ZERO
from sportello.notifications.actions import queue_email
from sportello.notifications.models import OutgoingEmail
from sportello.notifications.rendering import absolute_url
from sportello.orders import emails as order_emails
from sportello.orders.models import Order, OrderStatus
from sportello.orders.queries import fully_withdrawn
from sportello.payments import actions
from sportello.payments.models import Payment
from sportello.payments.providers.base import PaymentProvider, StartResult


def bank_transfer_details(order, payment: Payment | None = None) -> dict:
    """What the customer needs to make the transfer (confirmation page and e-mail).

    The payment reference ("causale") staff look for on the statement is the order number,
    or the attempt's own reference when an earlier transfer attempt already used it.
    """
    reference = order.number
    if payment is not None and payment.provider_reference:
        reference = payment.provider_reference
    # Part of the money may have arrived already (a partial transfer): what is left.
    due = actions.still_due(order)
    return {
        "iban": settings.BANK_TRANSFER_IBAN,
        "beneficiary": settings.BANK_TRANSFER_BENEFICIARY,
        "bank": settings.BANK_TRANSFER_BANK,
        "reference": reference,
        "amount": due,
        "received": max(order.total_gross - due, ZERO),
        # After it the order is cancelled, unless part of the money arrived (staff decide).
        "deadline": actions.transfer_deadline(order),
    }


def _context(order, **more: object) -> dict:
    """What every transfer e-mail to the customer reads: the order, the name, its page."""
    return {
        "order": order,
        "name": order.greeting_name,
        "order_url": absolute_url("orders:detail", number=order.number),
        **more,
    }


def send_bank_transfer_instructions(order, *, payment: Payment | None = None) -> OutgoingEmail:
    """IBAN, beneficiary, reference and amount. Sent once per order and transfer reference."""
    transfer = bank_transfer_details(order, payment)
    return queue_email(
        to=order.customer_email,
        template="payments/email/bank_transfer",
        context=_context(order, transfer=transfer),
        related=order,
        key=f"order-{order.pk}-bank-transfer-{transfer['reference']}",
    )


def send_part_of_transfer_received(order, payment: Payment) -> OutgoingEmail:
    """Staff recorded a transfer that does not cover the order: the customer is told what
    arrived and what is left, with the details to send it. Once per transfer recorded."""
    return queue_email(
        to=order.customer_email,
        template="payments/email/transfer_part_received",
        context=_context(
            order,
            pay_url=absolute_url("payments:pay", number=order.number),
            payment=payment,
            transfer=bank_transfer_details(order),
        ),
        related=order,
        key=f"payment-{payment.pk}-part-received",
    )


def _transfer_reminder_key(order) -> str:
    return f"order-{order.pk}-transfer-reminder"


def transfer_reminder_queued(order) -> bool:
    return OutgoingEmail.objects.filter(key=_transfer_reminder_key(order)).exists()


def send_transfer_reminder(order, *, deadline) -> OutgoingEmail:
    """The bank transfer has not arrived yet: the details again and the deadline. Once."""
    return queue_email(
        to=order.customer_email,
        template="payments/email/transfer_reminder",
        context=_context(order, transfer=bank_transfer_details(order), deadline=deadline),
        related=order,
        key=_transfer_reminder_key(order),
    )


def remind_and_cancel_unpaid_transfers(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Scheduled: unpaid bank-transfer orders get one reminder after TRANSFER_REMINDER_DAYS and
    are cancelled (with an e-mail) after TRANSFER_CANCEL_DAYS. An order that received part of
    the money is not cancelled automatically: staff decide; nor one the consumer withdrew from
    entirely (staff's settling of the withdrawal cancels it). Returns (reminded, cancelled)."""
    now = now or timezone.now()
    unpaid = (
        Order.objects.filter(
            status=OrderStatus.AWAITING_PAYMENT, payment_method=actions.BANK_TRANSFER
        )
        .exclude(fully_withdrawn())
        .order_by("placed_at", "id")
    )
    cancel_before = now - dt.timedelta(days=settings.TRANSFER_CANCEL_DAYS)
    remind_before = now - dt.timedelta(days=settings.TRANSFER_REMINDER_DAYS)
    reminded = cancelled = 0
    for order in unpaid.filter(placed_at__lte=remind_before):
        with transaction.atomic():
            if order.placed_at <= cancel_before:
                if actions.transfers_received(order) > 0:
                    continue
                note = (
                    f"Bonifico non ricevuto entro {settings.TRANSFER_CANCEL_DAYS} giorni "
                    "dall'ordine"
                )
                if actions.cancel_order(order=order, note=note):
                    cancelled += 1
            elif not transfer_reminder_queued(order):
                send_transfer_reminder(order, deadline=actions.transfer_deadline(order))
                reminded += 1
    return reminded, cancelled


def _unused_reference(payment: Payment) -> str:
    """The order number, made unique should an earlier transfer attempt already hold it."""
    number = payment.order.number
    taken = set(
        Payment.objects.filter(provider=BankTransferProvider.identifier)
        .filter(provider_reference__startswith=number)
        .exclude(pk=payment.pk)
        .values_list("provider_reference", flat=True)
    )
    reference, attempt = number, 1
    while reference in taken:
        attempt += 1
        reference = f"{number}-{attempt}"
    return reference


class BankTransferProvider(PaymentProvider):
    identifier = "bank_transfer"
    verbose_name = "Bonifico bancario"
    description = (
        "Ricevi IBAN e causale nella conferma d'ordine e per e-mail; "
        "l'ordine viene lavorato quando il bonifico ci è accreditato."
    )
    reuses_open_attempt = True

    @classmethod
    def is_configured(cls) -> bool:
        return bool(settings.BANK_TRANSFER_IBAN and settings.BANK_TRANSFER_BENEFICIARY)

    def pending_html(self, order, payment) -> str:
        transfer = bank_transfer_details(order, payment)
        return render_to_string(
            "payments/providers/bank_transfer_pending.html", {"transfer": transfer, "order": order}
        )

    def start(self, payment, request) -> StartResult:
        if payment.provider_reference is None:
            actions.mark_pending(
                payment=payment,
                provider_reference=_unused_reference(payment),
                note="In attesa del bonifico",
            )
        # Also when the customer switches to a transfer on the pay-again page (or buys a quote
        # by transfer): the order is confirmed now, as when placed with a transfer, since the
        # page the customer lands on says the summary was e-mailed. The outbox keys make a
        # repeat a no-op, and mark_paid then sends "pagamento ricevuto" instead.
        order_emails.send_order_confirmation(payment.order)
        send_bank_transfer_instructions(payment.order, payment=payment)
        return StartResult(
            redirect_url=reverse("orders:confirmation", kwargs={"number": payment.order.number})
        )
