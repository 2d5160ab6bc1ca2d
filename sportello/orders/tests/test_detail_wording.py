"""The order page's wording: long dates, rates as "22%", "Torna ai miei ordini"."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from sportello.orders.tests.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def test_order_page_wording(customer_client, customer):
    order = OrderFactory(
        customer=customer, placed_at=dt.datetime(2026, 12, 3, 9, 15, tzinfo=dt.UTC)
    )
    OrderLineFactory(order=order, vat_rate=Decimal("22.00"))
    OrderLineFactory(order=order, vat_rate=Decimal("4.50"))

    html = customer_client.get(reverse("orders:detail", args=[order.number])).content.decode()

    assert "giovedì 3 dicembre 2026 alle 10:15" in html
    assert "IVA 22% inclusa" in html
    assert "IVA 4,5% inclusa" in html
    assert "22.00" not in html and "22,00%" not in html
    assert f'href="{reverse("orders:list")}">Torna ai miei ordini</a>' in html


def test_order_list_shows_long_dates(customer_client, customer):
    OrderFactory(customer=customer, placed_at=dt.datetime(2026, 12, 3, 9, 15, tzinfo=dt.UTC))
    html = customer_client.get(reverse("orders:list")).content.decode()
    assert "giovedì 3 dicembre 2026" in html
