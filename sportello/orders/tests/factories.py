import uuid
from decimal import Decimal

import factory
from django.utils import timezone

from sportello.accounts.tests.factories import UserFactory
from sportello.catalogue.tests.factories import ServiceFactory
from sportello.core.money import TaxedPrice
from sportello.orders.models import CustomerKind, Order, OrderLine, OrderStatus, OrderStatusChange


class OrderFactory(factory.django.DjangoModelFactory):
    """An order as place_order leaves it (awaiting payment), with totals of 100 € + 22% VAT.

    Add lines with OrderLineFactory(order=…); pass totals that match them when it matters.
    """

    class Meta:
        model = Order
        skip_postgeneration_save = True

    # A past year, so factory orders never collide with numbers place_order gives today.
    number = factory.Sequence(lambda n: f"2019-{n + 1:06d}")
    customer = factory.SubFactory(UserFactory)
    customer_email = factory.LazyAttribute(lambda order: order.customer.email)
    status = OrderStatus.AWAITING_PAYMENT
    checkout_token = factory.LazyFunction(uuid.uuid4)
    payment_method = "test_gateway"
    total_net = Decimal("100.00")
    total_vat = Decimal("22.00")
    total_gross = Decimal("122.00")
    placed_at = factory.LazyFunction(timezone.now)
    billing_kind = CustomerKind.PERSON
    billing_first_name = "Mario"
    billing_last_name = "Rossi"
    billing_codice_fiscale = "RSSMRA80A01H501U"
    billing_address = "Via Roma 1"
    billing_cap = "40121"
    billing_comune = "Bologna"
    billing_provincia = "BO"

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        if create:
            OrderStatusChange.objects.create(
                order=obj, from_status="", to_status=OrderStatus.AWAITING_PAYMENT
            )


class PaidOrderFactory(OrderFactory):
    status = OrderStatus.PAID
    paid_at = factory.LazyFunction(timezone.now)


class OrderLineFactory(factory.django.DjangoModelFactory):
    """A line of 100 € + 22% VAT for a service with one text question."""

    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    position = factory.Sequence(lambda n: n)
    service = factory.SubFactory(ServiceFactory)
    service_name = factory.LazyAttribute(lambda line: line.service.name)
    answers = factory.LazyFunction(lambda: {"indirizzo": "Via Roma 1"})
    answers_display = factory.LazyFunction(
        lambda: [{"label": "Indirizzo", "value": "Via Roma 1", "file_id": None}]
    )
    form_version = 1
    base_net = Decimal("100.00")
    supplements = factory.LazyFunction(list)
    vat_rate = Decimal("22.00")
    net = factory.LazyAttribute(lambda line: TaxedPrice.from_net(line.base_net, line.vat_rate).net)
    vat = factory.LazyAttribute(lambda line: TaxedPrice.from_net(line.base_net, line.vat_rate).vat)
    gross = factory.LazyAttribute(
        lambda line: TaxedPrice.from_net(line.base_net, line.vat_rate).gross
    )
