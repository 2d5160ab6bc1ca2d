"""Order.confirmation_sent_at: set when the summary e-mail is queued, filled for old orders."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from sportello.notifications.models import OutgoingEmail
from sportello.orders import actions, emails
from sportello.orders.models import Order
from sportello.orders.queries import is_confirmation_emailed

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "sportello.orders.migrations.0004_payments_confirmation_sent_at"
)


def test_queueing_the_confirmation_records_when_once(placed_order):
    assert placed_order.confirmation_sent_at is None
    assert is_confirmation_emailed(placed_order) is False

    emails.send_order_confirmation(placed_order)
    first = Order.objects.get(pk=placed_order.pk).confirmation_sent_at
    emails.send_order_confirmation(placed_order)

    assert first is not None
    assert Order.objects.get(pk=placed_order.pk).confirmation_sent_at == first
    assert is_confirmation_emailed(Order.objects.get(pk=placed_order.pk)) is True
    assert OutgoingEmail.objects.filter(template="orders/email/confirmation").count() == 1


def test_paid_after_the_confirmation_sends_payment_received_not_a_second_summary(placed_order):
    emails.send_order_confirmation(placed_order)
    actions.mark_paid(order=placed_order)
    templates = list(OutgoingEmail.objects.order_by("id").values_list("template", flat=True))
    assert templates.count("orders/email/confirmation") == 1
    assert "orders/email/payment_received" in templates


def test_data_migration_fills_the_field_from_the_outbox(placed_order, customer):
    """Orders confirmed before the field existed: the outbox row's time is the answer."""
    emails.send_order_confirmation(placed_order)
    queued_at = OutgoingEmail.objects.get(key=f"order-{placed_order.pk}-confirmation").created_at
    Order.objects.filter(pk=placed_order.pk).update(confirmation_sent_at=None)
    unconfirmed = Order.objects.create(
        number="2026-999999",
        customer=customer,
        customer_email=customer.email,
        payment_method="test_gateway",
        total_net="1.00",
        total_vat="0.22",
        total_gross="1.22",
        placed_at=timezone.now(),
    )

    migration.fill_from_outbox(apps, None)

    assert Order.objects.get(pk=placed_order.pk).confirmation_sent_at == queued_at
    assert Order.objects.get(pk=unconfirmed.pk).confirmation_sent_at is None


def test_payment_received_tells_a_consumer_when_work_starts(placed_order):
    """The confirmation and the order page say a consumer's work starts at the end of the
    withdrawal period: "Inizieremo presto" in the payment e-mail contradicted them."""
    from sportello.core.dates import long_date
    from sportello.orders.models import CustomerKind

    placed_order.billing_kind = CustomerKind.PERSON
    placed_order.terms_accepted_at = placed_order.placed_at
    placed_order.early_start_requested = False
    placed_order.save()
    emails.send_order_confirmation(placed_order)

    actions.mark_paid(order=placed_order)

    paid = OutgoingEmail.objects.get(template="orders/email/payment_received")
    start = long_date(placed_order.earliest_start_date)
    assert f"Inizieremo a lavorare ai servizi acquistati da {start}" in paid.text_body
    assert "Inizieremo presto" not in paid.text_body
