"""Expected delivery per line: started at payment, paused by data requests, shown to the
customer on the confirmation page, the order page and the confirmation e-mail."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from sportello.catalogue.models import DeliveryStart
from sportello.catalogue.tests.factories import ServiceFactory
from sportello.core.dates import long_date
from sportello.notifications.models import OutgoingEmail
from sportello.orders import actions, conversation, delivery
from sportello.orders.models import LineStatus
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory


@pytest.fixture
def order(customer):
    order = OrderFactory(customer=customer)
    perizia = ServiceFactory(name="Perizia", net_price=Decimal("100.00"), delivery_working_days=10)
    sopralluogo = ServiceFactory(
        name="Rilievo",
        net_price=Decimal("100.00"),
        delivery_working_days=3,
        delivery_starts_from=DeliveryStart.INSPECTION,
    )
    lines = [
        OrderLineFactory(order=order, service=perizia, position=0),
        OrderLineFactory(order=order, service=sopralluogo, position=1),
        OrderLineFactory(order=order, service=ServiceFactory(name="Senza tempi"), position=2),
    ]
    delivery.snapshot_delivery(lines)
    for line in lines:
        line.save()
    return order


def test_payment_starts_the_clock_on_working_days(order):
    delivery.start_clocks_at_payment(order, paid_on=dt.date(2026, 12, 1))
    perizia, rilievo, senza = order.lines.order_by("position")
    assert perizia.due_on == dt.date(2026, 12, 16)  # 8 December skipped
    assert rilievo.due_on is None  # counts from the inspection
    assert delivery.delivery_promise(rilievo).text == (
        "Consegna prevista in 3 giorni lavorativi dal sopralluogo"
    )
    assert delivery.delivery_promise(senza) is None
    delivery.set_inspection_date(rilievo, dt.date(2026, 12, 4))
    assert rilievo.due_on == dt.date(2026, 12, 10)


@pytest.mark.parametrize("early_start", [False, True])
def test_a_consumer_s_clock_starts_when_the_work_may_start(order, early_start):
    """Without an early-start request a consumer's work begins at the end of the withdrawal
    period: the delivery date counts from there, not from the payment (it fell before it)."""
    from django.utils import timezone

    from sportello.orders.models import CustomerKind

    order.billing_kind = CustomerKind.PERSON
    order.placed_at = timezone.make_aware(dt.datetime(2026, 12, 1, 10, 0))
    order.terms_accepted_at = order.placed_at
    order.early_start_requested = early_start
    order.save()

    delivery.start_clocks_at_payment(order, paid_on=dt.date(2026, 12, 1))

    perizia = order.lines.get(position=0)
    if early_start:
        assert perizia.clock_started_on == dt.date(2026, 12, 1)
    else:
        assert order.earliest_start_date == dt.date(2026, 12, 16)
        assert perizia.clock_started_on == dt.date(2026, 12, 16)
        assert perizia.due_on > order.earliest_start_date


def test_mark_paid_starts_clocks_and_the_confirmation_email_tells_the_date(order):
    actions.mark_paid(order=order)
    perizia = order.lines.get(position=0)
    assert perizia.clock_started_on is not None and perizia.due_on is not None
    email = OutgoingEmail.objects.get(template="orders/email/confirmation")
    expected = f"Consegna prevista entro {long_date(perizia.due_on)}"
    assert expected in email.text_body
    assert expected in email.html_body
    assert "Consegna prevista in 3 giorni lavorativi dal sopralluogo" in email.text_body


def test_confirmation_and_order_pages_show_the_promise(customer_client, order):
    # Not paid yet: how it will be counted.
    page = customer_client.get(reverse("orders:confirmation", args=[order.number])).content
    assert "Consegna prevista in 10 giorni lavorativi dal pagamento" in page.decode()
    actions.mark_paid(order=order)
    due_on = order.lines.get(position=0).due_on
    for name in ("orders:confirmation", "orders:detail"):
        page = customer_client.get(reverse(name, args=[order.number])).content.decode()
        assert f"Consegna prevista entro {long_date(due_on)}" in page, name


def test_a_data_request_pauses_the_clock_and_the_new_date_shows(customer_client, order, staff):
    line = order.lines.get(position=0)
    actions.mark_paid(order=order)
    line.refresh_from_db()
    line.clock_started_on = dt.date(2026, 12, 1)
    line.due_on = delivery.compute_due_on(line)
    line.save()
    data_request = conversation.request_data(line=line, actor=staff, note="Visura")
    page = customer_client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert "Consegna sospesa" in page
    type(data_request).objects.filter(pk=data_request.pk).update(
        created_at=dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
    )
    data_request.refresh_from_db()
    conversation.answer_data_request(
        data_request=data_request,
        customer=order.customer,
        answers={},
        answers_display=[],
        documents={},
        today=dt.date(2026, 12, 11),
    )
    line.refresh_from_db()
    # Paused Monday 7, Wednesday 9, Thursday 10, Friday 11: four working days later.
    assert line.status == LineStatus.IN_PROGRESS
    assert line.due_on == dt.date(2026, 12, 22)
    page = customer_client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert "Consegna prevista entro martedì 22 dicembre 2026" in page
