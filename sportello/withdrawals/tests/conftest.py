from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from sportello.orders.models import CustomerKind, OrderStatus
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory
from sportello.payments.models import Payment, PaymentStatus


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts the public form's submissions in the cache: every test starts clean."""
    cache.clear()


@pytest.fixture
def make_order(customer):
    """A paid consumer order of two services (122,00 € each), paid by card; `paid=False`: the
    same order awaiting its bank transfer."""

    def _make(
        *, who=None, days_ago=0, early_start=False, kind=CustomerKind.PERSON, paid=True, **fields
    ):
        fields.setdefault("placed_at", timezone.now() - timedelta(days=days_ago))
        fields.setdefault("terms_accepted_at", fields["placed_at"])
        if not paid:
            fields.update(status=OrderStatus.AWAITING_PAYMENT, payment_method="bank_transfer")
        order = OrderFactory(
            customer=who or customer,
            status=fields.pop("status", OrderStatus.PAID),
            paid_at=timezone.now() if paid else None,
            early_start_requested=early_start,
            billing_kind=kind,
            total_net=Decimal("200.00"),
            total_vat=Decimal("44.00"),
            total_gross=Decimal("244.00"),
            **fields,
        )
        OrderLineFactory(order=order, position=0, service__name="Perizia immobiliare")
        OrderLineFactory(order=order, position=1, service__name="Visura catastale")
        if not paid:
            return order
        Payment.objects.create(
            order=order,
            provider="test_gateway",
            amount=Decimal("244.00"),
            status=PaymentStatus.CONFIRMED,
            provider_reference=f"tg-{order.number}",
            confirmed_at=timezone.now(),
        )
        return order

    return _make


@pytest.fixture
def consumer_order(make_order):
    return make_order()
