"""Orders with several lines, supplements and VAT rates, paid through the real payment code."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import RequestFactory

from sportello.checkout.settlement import settle_confirmed_payment
from sportello.core.money import TaxedPrice, sum_prices
from sportello.orders.models import CustomerKind, OrderLine
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory
from sportello.payments.actions import create_payment


@pytest.fixture(autouse=True)
def _payment_settings(settings):
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    settings.TEST_GATEWAY_SECRET = ""
    settings.STRIPE_SECRET_KEY = ""
    settings.INVOICE_NUMBER_PREFIX = ""
    settings.CREDIT_NOTE_NUMBER_PREFIX = "NC"
    settings.INVOICE_ZERO_RATE_NATURA = "N2.2"
    settings.INVOICE_ZERO_RATE_REFERENCE = "Operazione non soggetta ad IVA"


@pytest.fixture
def rf_request(customer):
    request = RequestFactory().get("/")
    request.user = customer
    return request


COMPANY = {
    "billing_kind": CustomerKind.COMPANY,
    "billing_first_name": "",
    "billing_last_name": "",
    "billing_company_name": "Rossi & Figli S.r.l.",
    "billing_codice_fiscale": "",
    "billing_partita_iva": "07654320014",
}


def make_order(customer, lines: list[dict], **billing) -> object:
    """An order awaiting payment with `lines` (base_net, vat_rate, supplements) snapshotted
    as checkout does: net = base + supplements, VAT per line, totals summed."""
    prices = []
    specs = []
    for spec in lines:
        base = Decimal(spec.get("base_net", "100.00"))
        supplements = spec.get("supplements", [])
        net = base + sum((Decimal(s["net"]) for s in supplements), Decimal("0"))
        price = TaxedPrice.from_net(net, spec.get("vat_rate", "22.00"))
        prices.append(price)
        specs.append((spec, base, supplements, price))
    total = sum_prices(prices)
    order = OrderFactory(
        customer=customer,
        customer_email=customer.email,
        total_net=total.net,
        total_vat=total.vat,
        total_gross=total.gross,
        **billing,
    )
    for position, (spec, base, supplements, price) in enumerate(specs):
        OrderLineFactory(
            order=order,
            position=position,
            service_name=spec.get("name", f"Servizio {position + 1}"),
            base_net=base,
            supplements=supplements,
            vat_rate=Decimal(spec.get("vat_rate", "22.00")),
            net=price.net,
            vat=price.vat,
            gross=price.gross,
        )
    return order


def pay(order, provider: str = "test_gateway", actor=None):
    """Confirm a payment of the whole order, as the gateway callback or staff would."""
    payment = create_payment(order=order, provider=provider)
    settle_confirmed_payment(payment=payment, provider_reference=f"ref-{payment.pk}", actor=actor)
    payment.refresh_from_db()
    order.refresh_from_db()
    return payment


@pytest.fixture
def mixed_order(customer):
    """Two 22% lines (one with two supplements), a 10% line and a 0% line."""
    return make_order(
        customer,
        [
            {
                "name": "Perizia immobiliare",
                "base_net": "250.00",
                "supplements": [
                    {"label": "Urgenza", "net": "50.00"},
                    {"label": "Sopralluogo: fuori comune", "net": "33.33"},
                ],
            },
            {"name": "Visura catastale", "base_net": "19.99"},
            {"name": "Servizio al 10%", "base_net": "45.55", "vat_rate": "10.00"},
            {"name": "Diritti di segreteria", "base_net": "16.00", "vat_rate": "0.00"},
        ],
    )


__all__ = ["COMPANY", "OrderLine", "make_order", "pay"]
