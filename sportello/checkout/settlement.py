"""Money settles here: every confirmation, failure and refund of a payment goes through this
module, whatever reported it (test-gateway callback, Stripe webhook, the return page asking the
provider, staff recording a bank transfer or a refund, a free order).

It sits at the top (checkout), so it may call down the whole chain: the payments actions record
the money and, when the order is covered, mark it paid (orders); then the follow-ups that live
above payments run here, in the same transaction:

- `order_became_paid` — the one place where "this order just became paid" happens;
- `refund_was_recorded` — the one place where "money was given back" happens.

The integrator adds invoice issuing (invoicing app) to those two functions; nothing else in the
code base needs to know when an order is paid or refunded.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sportello.credit import actions as credit_actions
from sportello.credit.models import PREPAID_CREDIT_METHOD
from sportello.credit.queries import is_top_up, may_pay_from_credit
from sportello.invoicing.actions import issue_credit_note, issue_invoice
from sportello.invoicing.models import FiscalDocument
from sportello.notifications.rendering import absolute_url
from sportello.orders.actions import complete_order, mark_paid
from sportello.orders.models import Order, OrderStatus
from sportello.orders.queries import is_fully_withdrawn
from sportello.payments import actions as payment_actions
from sportello.payments.actions import Confirmation, PaymentNotAllowed, RefundNotAllowed
from sportello.payments.emails import send_refund_recorded
from sportello.payments.models import OPEN_PAYMENT_STATUSES, Payment, PaymentStatus, Refund
from sportello.payments.providers.bank_transfer import send_part_of_transfer_received
from sportello.payments.providers.base import NewsKind, PaymentNews, ProviderError
from sportello.payments.providers.registry import get_provider

logger = logging.getLogger(__name__)


# --- The two hooks ---------------------------------------------------------------------------


def order_became_paid(order: Order, *, payment: Payment | None, actor=None) -> None:
    """Runs once per order, in the transaction that made it paid (payment confirmed, bank
    transfer recorded, or nothing to pay): the invoice is issued in the same transaction, so
    the confirmation e-mail written with it links to a document that exists once committed.
    A paid top-up order ("ricarica") adds its amount to the company's prepaid credit."""
    if credit_actions.credit_top_up(order=order, actor=actor) is not None:
        # Nothing for staff to work on: the credit is the service, delivered now.
        complete_order(order=order, actor=actor, note="Credito accreditato")
    issue_invoice(order=order)


def refund_was_recorded(refund: Refund, *, actor=None) -> FiscalDocument | None:
    """Runs once per recorded refund, in its transaction: its credit note, returned (none for
    money received beyond the invoice, e.g. a double charge). Money paid from the prepaid credit
    goes back to the credit; a refunded top-up takes its amount back from the credit."""
    if refund.payment.provider == PREPAID_CREDIT_METHOD:
        credit_actions.return_refund(refund=refund, actor=actor)
    else:
        credit_actions.reverse_top_up(refund=refund, actor=actor)
    return issue_credit_note(refund=refund)


# --- Confirmations and failures ----------------------------------------------------------------


def settle_confirmed_payment(
    *, payment: Payment, provider_reference: str | None = None, actor=None, note: str = ""
) -> Confirmation:
    """Record confirmed money for an attempt; pays the order when covered. Repeats are no-ops.

    Extra charges (the order was already paid, or closed) are recorded and staff alerted by
    `payments.actions.confirm_payment`; nothing more happens for them here.
    """
    with transaction.atomic():
        confirmation = payment_actions.confirm_payment(
            payment=payment, provider_reference=provider_reference, actor=actor, note=note
        )
        if confirmation.order_became_paid:
            order_became_paid(payment.order, payment=payment, actor=actor)
    return confirmation


def settle_failed_payment(*, payment: Payment, reason: str = "", actor=None) -> bool:
    """A declined or expired attempt; the order stays payable. False for a settled attempt."""
    return payment_actions.fail_payment(payment=payment, reason=reason, actor=actor)


def apply_payment_news(news: PaymentNews, *, actor=None) -> str:
    """Record what a provider reported; returns what happened, for the provider's answer
    ("confirmed", "duplicate", "failed", "pending", or why nothing was recorded)."""
    payment = news.payment
    if news.kind == NewsKind.CONFIRMED:
        if news.data:
            payment_actions.remember_provider_data(payment=payment, data=news.data)
        confirmation = settle_confirmed_payment(
            payment=payment, provider_reference=news.provider_reference, actor=actor, note=news.note
        )
        return "confirmed" if confirmation.is_recorded else "duplicate"
    if news.kind == NewsKind.FAILED:
        moved = settle_failed_payment(payment=payment, reason=news.note, actor=actor)
        return "failed" if moved else "duplicate"
    if news.kind == NewsKind.PENDING:
        moved = payment_actions.mark_pending(payment=payment, note=news.note)
        return "pending" if moved else "duplicate"
    return news.result or "ignored"


def refresh_from_provider(*, payment: Payment) -> None:
    """Ask the provider how an open attempt stands (the customer is back before the webhook)
    and record the answer. A provider that cannot be reached leaves the attempt as it is.

    An attempt we cancelled because another one paid the order is asked too: the customer may
    have paid it in another tab at the same moment, and coming back from it they must find that
    charge recorded (and staff told to refund it), not wait for its webhook."""
    if not (payment.is_open or payment.status == PaymentStatus.CANCELLED):
        return
    try:
        news = get_provider(payment.provider).refresh(payment)
    except ProviderError as exc:
        logger.warning("Could not check payment %s with %s: %s", payment.pk, payment.provider, exc)
        news = None
    if news is not None:
        apply_payment_news(news)
    payment.refresh_from_db()


def settle_bank_transfer(
    *,
    order: Order,
    actor,
    note: str = "",
    amount: Decimal | str | None = None,
    value_date: dt.date | None = None,
    reference: str = "",
) -> Confirmation:
    """Staff saw the transfer on the statement ("Segna bonifico ricevuto" / "Registra bonifico
    arrivato"), optionally with the amount credited, its value date and the CRO/TRN. A partial
    amount leaves the order awaiting the rest; the invoice is issued when the order is fully
    paid. Raises payments.actions.TransferNotExpected (or TransferAlreadyRecorded) when there
    is nothing to record."""
    with transaction.atomic():
        confirmation = payment_actions.record_bank_transfer(
            order=order,
            actor=actor,
            note=note,
            amount=amount,
            value_date=value_date,
            reference=reference,
        )
        if confirmation.order_became_paid:
            order_became_paid(confirmation.payment.order, payment=confirmation.payment, actor=actor)
        else:
            _tell_customer_part_arrived(confirmation.payment)
    return confirmation


def _tell_customer_part_arrived(payment: Payment) -> None:
    """Part of the money for an order still awaiting the rest: the customer learns what is
    left (not for an order withdrawn from entirely: staff's settling of it answers)."""
    order = Order.objects.get(pk=payment.order_id)
    if order.status == OrderStatus.AWAITING_PAYMENT and not is_fully_withdrawn(order):
        send_part_of_transfer_received(order, payment)


def settle_free_order(*, order: Order, actor) -> bool:
    """An order of services priced 0,00 €: no provider takes a payment of zero, so it is paid
    as placed (confirmation e-mail included). True when it became paid now."""
    if order.total_gross != 0 or not order.is_awaiting_payment:
        return False
    with transaction.atomic():
        paid = mark_paid(order=order, actor=actor, note="Nessun importo da pagare")
        if paid:
            order_became_paid(order, payment=None, actor=actor)
    return paid


# --- Refunds -------------------------------------------------------------------------------------


def record_refund(
    *, payment: Payment, amount: Decimal | str, actor, note: str = "", announce: bool = True
) -> Refund:
    """Give back part or all of a confirmed payment (staff "Registra rimborso"); the customer
    is e-mailed unless `announce=False` (a withdrawal's own e-mail says it).

    A top-up whose credit was spent meanwhile cannot be refunded beyond what is left of the
    credit (RefundNotAllowed, checked before the provider is asked)."""
    problem = credit_actions.top_up_refund_problem(order=payment.order, amount=Decimal(amount))
    if problem:
        raise RefundNotAllowed(problem)
    with transaction.atomic():
        refund = payment_actions.refund_payment(
            payment=payment, amount=amount, actor=actor, note=note, announce=False
        )
        credit_note = refund_was_recorded(refund, actor=actor)
        if announce:
            order = Order.objects.get(pk=payment.order_id)
            send_refund_recorded(
                order,
                refund,
                order_refunded=order.status == OrderStatus.REFUNDED,
                credit_note_url=absolute_url(credit_note.get_absolute_url()) if credit_note else "",
            )
    return refund


# --- Prepaid credit ------------------------------------------------------------------------------


class CreditPaymentNotAllowed(PaymentNotAllowed):
    """The user may not pay this order from credit; the message is for people."""


def pay_from_credit(*, order: Order, actor) -> Confirmation:
    """Pay `order` from its company's prepaid credit, at once: in one transaction the order's
    rows are locked, the credit attempt opened (or the open one reused), the credit account
    locked and debited, the attempt confirmed and the order paid (invoice included).

    `actor` must be the administrator of the order's company or the buyer who placed it
    (CreditPaymentNotAllowed).
    Raises InsufficientCredit when the balance does not cover the total, PaymentNotAllowed when
    the order is not awaiting payment, is a top-up or already received part of its money; in
    every failure nothing is written. The entry point for the checkout, the pay-again page and
    the API.
    """
    if not may_pay_from_credit(actor, order):
        raise CreditPaymentNotAllowed(
            "Con il credito prepagato paga l'ordine l'acquirente che lo ha effettuato, o "
            "l'amministratore dell'azienda."
        )
    with transaction.atomic():
        locked, payments = payment_actions.lock_order_payments(order.pk)
        if locked.status != OrderStatus.AWAITING_PAYMENT:
            raise PaymentNotAllowed(f"Order {locked.number} is {locked.status}")
        if is_top_up(locked):
            raise PaymentNotAllowed(f"Order {locked.number} is a top-up")
        if any(p.status == PaymentStatus.CONFIRMED for p in payments.values()):
            raise PaymentNotAllowed(f"Order {locked.number} already received part of its money")
        payment = next(
            (
                p
                for p in sorted(payments.values(), key=lambda p: p.pk)
                if p.provider == PREPAID_CREDIT_METHOD and p.status in OPEN_PAYMENT_STATUSES
            ),
            None,
        )
        if payment is None:
            payment = payment_actions.create_payment(order=locked, provider=PREPAID_CREDIT_METHOD)
        if locked.payment_method != PREPAID_CREDIT_METHOD:
            Order.objects.filter(pk=locked.pk).update(
                payment_method=PREPAID_CREDIT_METHOD, updated_at=timezone.now()
            )
            locked.payment_method = PREPAID_CREDIT_METHOD
        payment.order = locked
        movement = credit_actions.debit_for_payment(payment=payment, actor=actor)
        confirmation = settle_confirmed_payment(
            payment=payment,
            provider_reference=f"credito-{movement.pk}",
            actor=actor,
            note="Pagato con il credito prepagato",
        )
    order.refresh_from_db()
    return confirmation
