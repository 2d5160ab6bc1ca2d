"""Who confirmed a payment, for the audit trail: the provider's webhook, or the customer."""

import pytest

from sportello.audit.context import Source
from sportello.audit.models import AuditEvent, EventType
from sportello.orders.models import OrderStatus
from sportello.payments.providers import test_gateway
from sportello.payments.tests.test_test_gateway import (
    gateway_url,
    notification,
    post_callback,
    start_card_payment,
)

pytestmark = pytest.mark.django_db


def test_a_webhook_is_recorded_as_the_provider_not_as_a_person(client, customer_client, order):
    payment = start_card_payment(customer_client, order)
    body = notification(payment)

    post_callback(client, body, test_gateway.sign(body))

    event = AuditEvent.objects.get(event_type=EventType.ORDER_STATUS)
    assert (event.source, event.actor, event.order_number) == (
        Source.WEBHOOK,
        None,
        order.number,
    )
    assert event.extra == {"from": OrderStatus.AWAITING_PAYMENT, "to": OrderStatus.PAID}


def test_the_customers_choice_at_the_gateway_reaches_the_shop_as_the_providers_call(
    customer_client, customer, order
):
    """The card holder authorises on the gateway's page; the shop learns it from the gateway's
    server-to-server notification (a payments task, as with a real provider), so the change
    is the provider's, not a click of the customer on the shop."""
    payment = start_card_payment(customer_client, order)

    customer_client.post(gateway_url(payment), {"decision": "authorize"})

    event = AuditEvent.objects.get(event_type=EventType.ORDER_STATUS)
    assert (event.source, event.actor, event.customer) == (Source.WEBHOOK, None, customer)
