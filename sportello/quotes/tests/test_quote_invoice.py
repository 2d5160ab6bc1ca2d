"""A quote's order, once paid, gets its invoice at the accepted prices (issue 11)."""

import uuid
from decimal import Decimal

import pytest

from sportello.checkout.settlement import settle_confirmed_payment
from sportello.invoicing.fatturapa import build_xml
from sportello.invoicing.models import FiscalDocument
from sportello.invoicing.tests.schema import assert_valid
from sportello.payments.actions import create_payment
from sportello.quotes import actions
from sportello.quotes.tests.test_accept import BILLING

pytestmark = pytest.mark.django_db


def test_paid_quote_order_is_invoiced_at_the_quoted_prices(ready_quote, customer):
    actions.accept_quote(quote=ready_quote, customer=customer, version=1)
    order = actions.place_order_for_quote(
        quote=ready_quote,
        customer=customer,
        billing=BILLING,
        payment_method="test_gateway",
        checkout_token=uuid.uuid4(),
    )
    payment = create_payment(order=order, provider="test_gateway")
    settle_confirmed_payment(payment=payment, provider_reference="quote-tx")

    invoice = FiscalDocument.objects.get(order=order)
    assert [(line.net, line.vat_rate) for line in invoice.lines.all()] == [
        (Decimal("100.00"), Decimal("22.00")),
        (Decimal("33.33"), Decimal("22.00")),
    ]
    # 133.33 at 22%: 29.3326 -> 29.33, the same as the per-line VAT (22.00 + 7.33).
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        Decimal("133.33"),
        Decimal("29.33"),
        Decimal("162.66"),
    )
    assert_valid(build_xml(invoice))
