"""Orders awaiting payment and payment attempts, for the payments tests."""

from decimal import Decimal

import factory
from django.utils import timezone

from sportello.accounts.tests.factories import UserFactory
from sportello.orders.models import CustomerKind, Order
from sportello.payments.models import Payment


class AwaitingOrderFactory(factory.django.DjangoModelFactory):
    """An order just placed (122,00 € = 100,00 € + 22% VAT), awaiting payment."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"2026-{n + 1:06d}")
    customer = factory.SubFactory(UserFactory)
    customer_email = factory.LazyAttribute(lambda order: order.customer.email)
    payment_method = "test_gateway"
    total_net = Decimal("100.00")
    total_vat = Decimal("22.00")
    total_gross = Decimal("122.00")
    placed_at = factory.LazyFunction(timezone.now)
    billing_kind = CustomerKind.PERSON
    billing_first_name = factory.LazyAttribute(lambda order: order.customer.first_name)
    billing_last_name = factory.LazyAttribute(lambda order: order.customer.last_name)
    billing_codice_fiscale = "RSSMRA80A01H501U"
    billing_address = "Via Roma 1"
    billing_cap = "40121"
    billing_comune = "Bologna"
    billing_provincia = "BO"


class PaymentFactory(factory.django.DjangoModelFactory):
    """A bare attempt row; tests that exercise starting one use start_payment instead."""

    class Meta:
        model = Payment

    order = factory.SubFactory(AwaitingOrderFactory)
    provider = "test_gateway"
    amount = factory.LazyAttribute(lambda payment: payment.order.total_gross)
