from decimal import Decimal

import pytest
from django.db import transaction

from sportello.core.state import InvalidTransition
from sportello.notifications.models import OutgoingEmail
from sportello.orders import actions
from sportello.orders.models import (
    LineStatus,
    Order,
    OrderLine,
    OrderLineStatusChange,
    OrderStatus,
    OrderStatusChange,
)
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory, PaidOrderFactory


def history(order):
    return list(
        OrderStatusChange.objects.filter(order=order)
        .order_by("id")
        .values_list("from_status", "to_status")
    )


def templates():
    return sorted(OutgoingEmail.objects.values_list("template", flat=True))


@pytest.fixture
def order(db):
    order = OrderFactory()
    OrderLineFactory(order=order)
    return order


# --- Paying ------------------------------------------------------------------------------------


def test_mark_paid_twice_writes_one_history_row(order, staff):
    assert actions.mark_paid(order=order, actor=staff, note="Bonifico") is True
    assert actions.mark_paid(order=order, actor=staff, note="Bonifico") is False
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.paid_at is not None
    assert history(order) == [("", "awaiting_payment"), ("awaiting_payment", "paid")]
    change = OrderStatusChange.objects.get(order=order, to_status=OrderStatus.PAID)
    assert (change.actor, change.note) == (staff, "Bonifico")


def test_card_order_paid_sends_the_confirmation_once(order):
    actions.mark_paid(order=order)
    actions.mark_paid(order=order)
    assert templates() == ["orders/email/confirmation", "orders/email/staff_order_paid"]
    confirmation = OutgoingEmail.objects.get(template="orders/email/confirmation")
    assert "Il pagamento è confermato" in confirmation.text_body


def test_bank_transfer_paid_after_confirmation_sends_payment_received(order):
    from sportello.orders import emails

    emails.send_order_confirmation(order)
    actions.mark_paid(order=order)
    assert templates() == [
        "orders/email/confirmation",
        "orders/email/payment_received",
        "orders/email/staff_order_paid",
    ]
    received = OutgoingEmail.objects.get(template="orders/email/payment_received")
    assert received.subject == f"Pagamento ricevuto per l'ordine n. {order.number}"
    assert "122,00\u00a0€" in received.text_body


def test_paying_a_paid_order_in_progress_changes_nothing(order):
    actions.mark_paid(order=order)
    actions.start_processing(order=order)
    emails_before = OutgoingEmail.objects.count()
    assert actions.mark_paid(order=order) is False
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_PROGRESS
    assert OutgoingEmail.objects.count() == emails_before


def test_late_payment_on_a_cancelled_order_keeps_it_cancelled_and_tells_staff(order, settings):
    settings.STAFF_NOTIFICATION_EMAIL = "ordini@example.com"
    actions.cancel_order(order=order, note="Annullato su richiesta")
    assert actions.mark_paid(order=order) is False
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.paid_at is None
    staff_email = OutgoingEmail.objects.get(template="orders/email/staff_payment_on_closed_order")
    assert staff_email.to == "ordini@example.com"
    assert order.number in staff_email.subject


def test_rolled_back_payment_queues_no_email(order):
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.mark_paid(order=order)
        raise RuntimeError("the payment provider call failed afterwards")
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert OutgoingEmail.objects.count() == 0


# --- Order transitions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, to",
    [
        (OrderStatus.AWAITING_PAYMENT, OrderStatus.IN_PROGRESS),
        (OrderStatus.AWAITING_PAYMENT, OrderStatus.COMPLETED),
        (OrderStatus.AWAITING_PAYMENT, OrderStatus.REFUNDED),
        (OrderStatus.IN_PROGRESS, OrderStatus.CANCELLED),
        (OrderStatus.CANCELLED, OrderStatus.IN_PROGRESS),
        (OrderStatus.REFUNDED, OrderStatus.IN_PROGRESS),
        (OrderStatus.REFUNDED, OrderStatus.CANCELLED),
    ],
)
def test_invalid_order_transitions_are_refused_and_change_nothing(db, status, to):
    order = OrderFactory(status=status)
    line = OrderLineFactory(order=order)
    updated_at = Order.objects.get(pk=order.pk).updated_at
    with pytest.raises(InvalidTransition):
        actions.set_order_status(order=order, to=to)
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.status == status
    assert fresh.updated_at == updated_at
    assert history(order) == [("", "awaiting_payment")]
    assert OrderLine.objects.get(pk=line.pk).status == LineStatus.RECEIVED
    assert OrderLineStatusChange.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0


def test_cancel_awaiting_order_writes_history_and_tells_the_customer(order, staff):
    assert actions.cancel_order(order=order, actor=staff, note="Richiesta del cliente") is True
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert history(order)[-1] == ("awaiting_payment", "cancelled")
    email = OutgoingEmail.objects.get()
    assert email.template == "orders/email/cancelled"
    assert "Richiesta del cliente" in email.text_body


def test_refund_after_cancellation(db):
    order = PaidOrderFactory()
    actions.cancel_order(order=order)
    assert actions.mark_refunded(order=order, note="Rimborso totale") is True
    assert actions.mark_refunded(order=order) is False
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert [row[1] for row in history(order)][-2:] == ["cancelled", "refunded"]
    assert templates() == ["orders/email/cancelled", "orders/email/refunded"]


def test_start_processing_and_complete_with_emails(db, staff):
    order = PaidOrderFactory()
    lines = OrderLineFactory.create_batch(2, order=order)
    actions.start_processing(order=order, actor=staff)
    assert actions.complete_order(order=order, actor=staff, note="Consegnato") is True
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert [row[1] for row in history(order)][-2:] == ["in_progress", "completed"]
    for line in lines:
        line.refresh_from_db()
        assert line.status == LineStatus.COMPLETED
    assert OrderLineStatusChange.objects.filter(to_status=LineStatus.COMPLETED).count() == 2
    assert templates() == ["orders/email/completed", "orders/email/in_progress"]
    assert actions.complete_order(order=order) is False


def test_complete_refused_on_unpaid_order_leaves_lines_alone(order):
    with pytest.raises(InvalidTransition):
        actions.complete_order(order=order)
    assert OrderLine.objects.filter(order=order, status=LineStatus.COMPLETED).count() == 0
    assert OrderLineStatusChange.objects.count() == 0


# --- Lines -------------------------------------------------------------------------------------


@pytest.fixture
def paid_order(db):
    order = PaidOrderFactory()
    OrderLineFactory.create_batch(2, order=order)
    return order


def test_line_flow_moves_the_order_and_completes_it_with_the_last_line(paid_order, staff):
    first, second = paid_order.lines.order_by("position")
    actions.set_line_status(line=first, to=LineStatus.IN_PROGRESS, actor=staff)
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.IN_PROGRESS

    actions.set_line_status(
        line=second, to=LineStatus.AWAITING_CUSTOMER_DATA, actor=staff, note="Serve l'atto"
    )
    actions.set_line_status(line=first, to=LineStatus.COMPLETED, actor=staff)
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.IN_PROGRESS

    actions.set_line_status(line=second, to=LineStatus.COMPLETED, actor=staff)
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.COMPLETED
    assert history(paid_order)[-2:] == [("paid", "in_progress"), ("in_progress", "completed")]
    assert list(
        OrderLineStatusChange.objects.filter(line=second).values_list("from_status", "to_status")
    ) == [("received", "awaiting_customer_data"), ("awaiting_customer_data", "completed")]
    assert templates() == [
        "orders/email/awaiting_customer_data",
        "orders/email/completed",
        "orders/email/in_progress",
    ]
    waiting = OutgoingEmail.objects.get(template="orders/email/awaiting_customer_data")
    assert "Serve l'atto" in waiting.text_body


def test_single_line_completed_completes_a_paid_order(db):
    order = PaidOrderFactory()
    line = OrderLineFactory(order=order)
    actions.set_line_status(line=line, to=LineStatus.COMPLETED)
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert history(order)[-1] == ("paid", "completed")


def test_reopening_a_line_reopens_the_completed_order(db):
    order = PaidOrderFactory()
    line = OrderLineFactory(order=order)
    actions.set_line_status(line=line, to=LineStatus.COMPLETED)
    actions.set_line_status(line=line, to=LineStatus.IN_PROGRESS, note="Esito da correggere")
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_PROGRESS
    assert history(order)[-1] == ("completed", "in_progress")


@pytest.mark.parametrize(
    "status",
    [OrderStatus.AWAITING_PAYMENT, OrderStatus.CANCELLED, OrderStatus.REFUNDED],
)
def test_lines_of_unpaid_or_closed_orders_do_not_move(db, status):
    order = OrderFactory(status=status)
    line = OrderLineFactory(order=order)
    with pytest.raises(actions.OrderNotInFulfilment):
        actions.set_line_status(line=line, to=LineStatus.IN_PROGRESS)
    assert OrderLine.objects.get(pk=line.pk).status == LineStatus.RECEIVED
    assert Order.objects.get(pk=order.pk).status == status
    assert OrderLineStatusChange.objects.count() == 0


def test_invalid_line_transition_is_refused(paid_order):
    line = paid_order.lines.first()
    actions.set_line_status(line=line, to=LineStatus.IN_PROGRESS)
    with pytest.raises(InvalidTransition):
        actions.set_line_status(line=line, to=LineStatus.RECEIVED)
    line.refresh_from_db()
    assert line.status == LineStatus.IN_PROGRESS
    assert OrderLineStatusChange.objects.filter(line=line).count() == 1


def test_totals_are_untouched_by_status_changes(paid_order):
    line = paid_order.lines.first()
    actions.set_line_status(line=line, to=LineStatus.COMPLETED)
    paid_order.refresh_from_db()
    assert paid_order.total_gross == Decimal("122.00")
