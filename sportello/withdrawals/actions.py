"""The withdrawal function (Codice del Consumo art. 54-bis as amended by Directive (EU)
2023/2673): receive a statement, acknowledge it at once, and let staff settle it.

Every statement is stored as received, with its time. One from the public form that does not
match a consumer order in its period (wrong number, different e-mail, business order, period
over) is kept as "unmatched" and acknowledged exactly like a matched one, so the form never
tells a stranger whether an order exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sportello.audit.actions import record, record_status_change
from sportello.audit.models import EventType
from sportello.checkout.settlement import order_became_paid, record_refund
from sportello.core.money import ZERO, to_money
from sportello.core.state import change_status
from sportello.invoicing.queries import money_beyond_owed
from sportello.orders.actions import (
    cancel_withdrawn_lines,
    has_live_lines,
    owe_only_services_kept,
    was_started,
)
from sportello.orders.models import ORDER_TRANSITIONS, Order, OrderLine, OrderStatus
from sportello.orders.queries import is_fully_withdrawn
from sportello.payments.actions import (
    cancel_order,
    cancel_payment,
    follow_new_total,
    refundable_amount,
)
from sportello.payments.models import OPEN_PAYMENT_STATUSES, Payment
from sportello.withdrawals import emails
from sportello.withdrawals.models import (
    WITHDRAWAL_TRANSITIONS,
    WithdrawalRequest,
    WithdrawalSource,
    WithdrawalStatus,
    WithdrawalStatusChange,
)
from sportello.withdrawals.queries import (
    can_withdraw,
    confirmed_payments,
    matching_order,
    order_for_staff,
    order_for_withdrawal,
    refund_for_not_started,
    still_to_pay,
    was_ever_paid,
    withdrawable_lines,
)


class NothingToWithdraw(Exception):
    """The order has no service left the consumer may withdraw from."""


class CannotAttach(Exception):
    """The order staff named cannot take the statement; the message is for staff."""


def _record(*, status: str, note: str, **fields) -> WithdrawalRequest:
    withdrawal = WithdrawalRequest.objects.create(status=status, **fields)
    WithdrawalStatusChange.objects.create(
        withdrawal=withdrawal, from_status="", to_status=status, note=note
    )
    order = withdrawal.order
    record(
        event_type=EventType.WITHDRAWAL_RECEIVED,
        message=f"{note}: {WithdrawalStatus(status).label.lower()}"
        + (f" (ordine indicato: {withdrawal.order_number})" if order is None else ""),
        order_number=order.number if order is not None else "",
        customer_id=order.customer_id if order is not None else None,
        extra={"withdrawal": withdrawal.pk, "source": withdrawal.source},
    )
    return withdrawal


def _name_lines(withdrawal: WithdrawalRequest, lines: list[OrderLine]) -> None:
    """The statement names these services: they are not to be started (the desk's queue),
    and the order page says the statement arrived. When it names every service of an order
    not paid yet, the open payment attempts are given up (the provider is told, so that a
    card page left open takes no money; money that still arrives is recorded and refunded
    when staff settle the withdrawal). When it names some, the order owes only the others:
    its total drops, card attempts for the old amount are given up and a bank transfer's
    instructions ask for the new one."""
    withdrawal.lines.set(lines)
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(
        withdrawal_received_at=withdrawal.received_at
    )
    if withdrawal.order_id is None:
        return
    order = Order.objects.get(pk=withdrawal.order_id)
    if not order.is_awaiting_payment:
        return
    if is_fully_withdrawn(order):
        for payment in Payment.objects.filter(order=order, status__in=OPEN_PAYMENT_STATUSES):
            cancel_payment(payment=payment, reason="Recesso da tutti i servizi dell'ordine")
    elif (totals := owe_only_services_kept(order=order)) is not None:
        # Not paid yet: the services withdrawn from are no longer owed (never charged: the
        # settlement refunds nothing for them). Money already received (a partial transfer)
        # may now cover the rest: then the order is paid.
        old_total, new_total = totals
        withdrawal.left_out_of_total = old_total - new_total
        WithdrawalRequest.objects.filter(pk=withdrawal.pk).update(
            left_out_of_total=withdrawal.left_out_of_total
        )
        last = follow_new_total(order=order, reason="Totale ridotto per recesso da alcuni servizi")
        if last is not None:
            order_became_paid(Order.objects.get(pk=order.pk), payment=last)


def withdraw_from_account(
    *, order: Order, line_ids: Iterable[int], customer, now=None
) -> WithdrawalRequest:
    """ "Conferma il recesso" in I MIEI ORDINI, for the chosen services of the customer's order.

    Raises NothingToWithdraw when the period is over or the chosen services cannot be withdrawn.
    """
    now = now or timezone.now()
    chosen = set(line_ids)
    with transaction.atomic():
        # Locked and read again: a double click must not send the same services twice.
        Order.objects.select_for_update().filter(pk=order.pk).first()
        order = order_for_withdrawal(customer=customer, number=order.number)
        lines = [line for line in withdrawable_lines(order) if line.pk in chosen]
        if not lines or not can_withdraw(order, now=now):
            raise NothingToWithdraw(order.number)
        withdrawal = _record(
            status=WithdrawalStatus.RECEIVED,
            note="Dichiarazione di recesso da I MIEI ORDINI",
            order=order,
            customer_name=order.billing_name or customer.get_full_name(),
            email=order.customer_email,
            order_number=order.number,
            services_text="",
            source=WithdrawalSource.ACCOUNT,
            received_at=now,
        )
        _name_lines(withdrawal, lines)
        emails.send_acknowledgement(withdrawal)
    return withdrawal


def withdraw_from_form(
    *, customer_name: str, email: str, order_number: str, services_text: str, now=None
) -> WithdrawalRequest:
    """The public form, without login. Matches the order only with its e-mail and number."""

    now = now or timezone.now()
    with transaction.atomic():
        order = matching_order(email=email, number=order_number)
        lines = _lines_named(order, services_text) if order and can_withdraw(order, now=now) else []
        withdrawal = _record(
            status=WithdrawalStatus.RECEIVED if lines else WithdrawalStatus.UNMATCHED,
            note="Dichiarazione di recesso dal modulo pubblico",
            order=order if lines else None,
            customer_name=customer_name.strip(),
            email=email.strip(),
            order_number=order_number.strip(),
            services_text=services_text.strip(),
            source=WithdrawalSource.FORM,
            received_at=now,
        )
        if lines:
            _name_lines(withdrawal, lines)
        # The same message whether or not the order was found (see the module docstring).
        emails.send_acknowledgement(withdrawal)
    return withdrawal


def _lines_named(order: Order, services_text: str) -> list[OrderLine]:
    """The lines the text names (by service name); every withdrawable line when it names none.

    Staff read the text too before processing: the statement is never narrowed silently.
    """
    lines = withdrawable_lines(order)
    text = services_text.casefold()
    named = [line for line in lines if line.service_name.casefold() in text]
    return named or lines


def process_withdrawal(
    *,
    withdrawal: WithdrawalRequest,
    started_refunds: Mapping[int, Decimal],
    actor,
    note: str = "",
) -> Decimal:
    """Staff settle a received statement: cancel the services not started, refund them in
    full and the started ones by the amount staff entered; the customer is e-mailed.

    Returns the amount refunded. Raises InvalidTransition when already processed, and the
    payments' RefundNotAllowed/RefundFailed (nothing changes then: one transaction).
    """
    order = withdrawal.order
    if order is None:
        raise NothingToWithdraw(withdrawal.order_number)
    with transaction.atomic():
        _mark_processed(
            withdrawal,
            actor=actor,
            note=note,
            subject=f"Recesso dall'ordine {order.number}",
            order_number=order.number,
            customer_id=order.customer_id,
        )
        lines = list(withdrawal.lines.all())
        OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(
            withdrawal_settled_at=withdrawal.processed_at
        )
        started = [line for line in lines if was_started(line)]
        not_started = [line for line in lines if line not in started]
        amount = (
            refund_for_not_started(withdrawal, not_started)
            + sum((to_money(started_refunds.get(line.pk, ZERO)) for line in started), ZERO)
            # Money beyond what the order is owed (a larger transfer, an amount asked before
            # the total was lowered): given back now, as the staff's alert e-mail said.
            + money_beyond_owed(order)
        )
        message = f"Recesso del {timezone.localtime(withdrawal.received_at):%d/%m/%Y}"
        was_paid = was_ever_paid(order)
        cancel_withdrawn_lines(order=order, lines=not_started, actor=actor, note=message)
        if not has_live_lines(order) and OrderStatus.CANCELLED in ORDER_TRANSITIONS.get(
            order.status, ()
        ):
            # Every service withdrawn: the order is cancelled, with its open payment attempts.
            cancel_order(order=order, actor=actor, note=message, announce=False)
        refunds: list = []
        refunded = refund_withdrawal(
            order=order, amount=amount, actor=actor, note=message, refunds=refunds
        )
        WithdrawalRequest.objects.filter(pk=withdrawal.pk).update(refund_amount=refunded)
        withdrawal.refund_amount = refunded
        withdrawal.staff_note = note
        emails.send_processed(
            withdrawal,
            cancelled=not_started,
            started=started,
            refunded=refunded,
            was_paid=was_paid,
            # The other services of an order not paid yet are still to pay.
            still_to_pay=still_to_pay(order),
            refunds=refunds,
        )
    return refunded


def attach_to_order(*, withdrawal: WithdrawalRequest, order_number: str, actor, note: str) -> None:
    """Staff found the order a statement matching none was meant for (a mistyped number or
    address, checked with the consumer): the statement becomes that order's, received when it
    arrived — the withdrawal period is judged at that time, not now — and waits in "Recessi da
    gestire" like any other. Raises CannotAttach (nothing changes) and InvalidTransition when
    the statement is no longer unmatched."""
    number = order_number.strip()
    with transaction.atomic():
        # The order locked: a statement from I MIEI ORDINI at the same moment waits for this.
        locked = Order.objects.select_for_update().filter(number=number).first()
        if locked is None:
            raise CannotAttach("Nessun ordine con questo numero.")
        order = order_for_staff(number)
        if not order.is_consumer:
            raise CannotAttach(
                "È un ordine con fatturazione ad azienda: il recesso non si applica."
            )
        if not can_withdraw(order, now=withdrawal.received_at):
            raise CannotAttach(
                "Quando la dichiarazione è arrivata l'ordine non era più recedibile (periodo "
                "scaduto, servizi annullati, completati su richiesta o già in un altro recesso)."
            )
        stated = withdrawal.order_number
        _move(
            withdrawal,
            to=WithdrawalStatus.RECEIVED,
            actor=actor,
            note=note,
            history_note=(
                f"Collegata all'ordine {order.number} (numero indicato: «{stated}»). {note}"
            ),
            subject=f"Recesso collegato all'ordine {order.number} (indicato «{stated}»)",
            # `order_number` keeps what the consumer typed (the statement as received).
            extra={"order": order},
            order_number=order.number,
            customer_id=order.customer_id,
        )
        _name_lines(withdrawal, _lines_named(order, withdrawal.services_text))


def close_unmatched(*, withdrawal: WithdrawalRequest, actor, note: str) -> None:
    """Staff looked into a statement that matched no order (a mistyped number or address):
    what they did goes in the note; nothing is cancelled or refunded here (a statement made
    again from I MIEI ORDINI, or the right order's, is processed as usual). Raises
    InvalidTransition when it is not an unmatched statement."""
    with transaction.atomic():
        _mark_processed(
            withdrawal,
            actor=actor,
            note=note,
            subject=f"Recesso senza ordine corrispondente ({withdrawal.order_number})",
        )


def _mark_processed(withdrawal: WithdrawalRequest, *, actor, note: str, subject: str, **audit):
    """The statement settled by staff; inside the caller's transaction. `audit`: the order's
    number and customer, when there is an order."""
    _move(
        withdrawal,
        to=WithdrawalStatus.PROCESSED,
        actor=actor,
        note=note,
        subject=subject,
        extra={"processed_at": timezone.now(), "processed_by": actor, "staff_note": note},
        **audit,
    )


def _move(
    withdrawal: WithdrawalRequest,
    *,
    to: str,
    actor,
    note: str,
    subject: str,
    extra: dict,
    history_note: str | None = None,
    **audit,
) -> None:
    """A status change of the statement by staff: its history row (`history_note`, else the
    note) and its audit event (`subject`, the note, `audit`: order number and customer)."""
    change_status(
        withdrawal,
        to=to,
        transitions=WITHDRAWAL_TRANSITIONS,
        history=WithdrawalStatusChange,
        history_fk="withdrawal",
        actor=actor,
        note=note if history_note is None else history_note,
        extra=extra,
        on_change=lambda from_status, to_status: record_status_change(
            event_type=EventType.WITHDRAWAL_STATUS,
            subject=subject,
            choices=WithdrawalStatus,
            from_status=from_status,
            to_status=to_status,
            note=note,
            actor=actor,
            **audit,
        ),
    )


def refund_withdrawal(
    *, order: Order, amount: Decimal, actor, note: str, refunds: list | None = None
) -> Decimal:
    """Give `amount` back through the order's original payment method(s).

    The one place a withdrawal moves money, through checkout.settlement's `record_refund`, so
    each refund also issues its credit note. Returns the amount refunded (less than asked only
    when less was paid, e.g. an unpaid order).
    """
    left = to_money(amount)
    refunded = ZERO
    for payment in confirmed_payments(order):
        if left <= 0:
            break
        portion = min(left, refundable_amount(payment))
        if portion <= 0:
            continue
        # The withdrawal's own e-mail ("Recesso gestito") says what was refunded.
        refund = record_refund(
            payment=payment, amount=portion, actor=actor, note=note, announce=False
        )
        if refunds is not None:
            refunds.append(refund)
        left -= portion
        refunded += portion
    return refunded
