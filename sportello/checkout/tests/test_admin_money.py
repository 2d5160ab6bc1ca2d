"""The order page's money buttons go through checkout.settlement (checkout.admin)."""

import pytest
from django.urls import reverse

from sportello.orders.models import OrderStatus
from sportello.payments.models import Payment, PaymentStatus
from sportello.payments.tests.factories import AwaitingOrderFactory

pytestmark = pytest.mark.django_db


def action_url(order, action):
    return reverse("admin:orders_order_action", args=[order.pk, action])


def test_staff_cancelling_an_order_also_cancels_its_open_card_attempt(staff_client, customer):
    """Before, "Annulla ordine" left the card session open: it could still take money."""
    order = AwaitingOrderFactory(customer=customer)
    card = Payment.objects.create(order=order, provider="test_gateway", amount=order.total_gross)

    staff_client.post(action_url(order, "annulla"), {"note": "Doppione"})

    order.refresh_from_db()
    card.refresh_from_db()
    assert (order.status, card.status) == (OrderStatus.CANCELLED, PaymentStatus.CANCELLED)
    assert card.status_changes.last().note == "Ordine annullato"
