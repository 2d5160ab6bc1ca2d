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


def test_working_orders_does_not_allow_moving_money(client, customer):
    """A staff member who may work orders ("Può modificare ordine") but has no payment
    permissions sees neither money button and cannot open their pages; given the permissions,
    both appear."""
    from django.contrib.auth.models import Permission

    from sportello.accounts.tests.factories import StaffFactory
    from sportello.checkout.settlement import settle_bank_transfer

    operator = StaffFactory(is_superuser=False)
    operator.user_permissions.set(
        Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    order = AwaitingOrderFactory(customer=customer, payment_method="bank_transfer")
    client.force_login(operator)
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).text

    assert "Annulla ordine" in page
    assert "Segna bonifico ricevuto" not in page
    pratica = client.get(reverse("desk:order", kwargs={"number": order.number})).text
    assert "Segna bonifico ricevuto" not in pratica
    assert client.get(action_url(order, "bonifico-ricevuto")).status_code == 403
    assert client.post(action_url(order, "bonifico-ricevuto"), {}).status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT

    settle_bank_transfer(order=order, actor=None)
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).text
    assert "Registra rimborso" not in page
    assert client.get(action_url(order, "rimborso")).status_code == 403

    operator.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_payment", "add_refund"])
    )
    operator = type(operator).objects.get(pk=operator.pk)  # permissions are cached per object
    client.force_login(operator)
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).text
    assert "Registra rimborso" in page
    assert client.get(action_url(order, "rimborso")).status_code == 200


def test_cancelling_a_paid_order_is_a_refund_to_make(client, staff, customer):
    """A paid order cancelled by someone who may not refund left the money with us and nobody
    told: now only staff who may refund cancel it, warned first and taken to the refund."""
    import html

    from django.contrib.auth.models import Permission

    from sportello.accounts.tests.factories import StaffFactory
    from sportello.checkout.settlement import settle_bank_transfer

    order = AwaitingOrderFactory(customer=customer, payment_method="bank_transfer")
    settle_bank_transfer(order=order, actor=None)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    operator = StaffFactory(is_superuser=False)
    operator.user_permissions.set(
        Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    client.force_login(operator)

    refused = client.post(action_url(order, "annulla"), {"note": "Doppione"}, follow=True)

    assert "annullarlo significa rimborsare" in html.unescape(refused.text)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID

    client.force_login(staff)  # who may refund
    page = html.unescape(client.get(action_url(order, "annulla")).text)
    assert "L'ordine è pagato" in page and "registra il rimborso" in page
    response = client.post(action_url(order, "annulla"), {"note": "Doppione"})

    assert response["Location"] == action_url(order, "rimborso")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_the_refund_page_proposes_what_was_paid_too_much(staff_client, customer):
    """A transfer larger than due: the staff alert asks to give back the difference, and the
    refund page proposes that, not the whole payment."""
    import html
    from decimal import Decimal

    from sportello.checkout.settlement import settle_bank_transfer

    order = AwaitingOrderFactory(customer=customer, payment_method="bank_transfer")
    settle_bank_transfer(order=order, actor=None, amount=order.total_gross + Decimal("4.60"))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID

    page = html.unescape(staff_client.get(action_url(order, "rimborso")).text)

    assert "Ricevuti 4,60\xa0€ più del dovuto" in page
    assert 'value="4,60"' in page
