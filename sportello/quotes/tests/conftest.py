import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from sportello.cart.models import Cart, CartKind
from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import FormFieldFactory, QuoteServiceFactory
from sportello.quotes import actions
from sportello.quotes.tests.factories import QuoteLineFactory, QuoteRequestFactory


@pytest.fixture
def quote_service(db):
    service = QuoteServiceFactory(name="Perizia di stima", slug="perizia-di-stima")
    FormFieldFactory(
        service=service, key="indirizzo", label="Indirizzo dell'immobile", field_type=FieldType.TEXT
    )
    return service


@pytest.fixture
def quote_cart(customer, quote_service):
    """The customer's quote cart with two lines of the same service."""
    cart = Cart.objects.create(user=customer, kind=CartKind.QUOTE)
    for address in ("Via Roma 1, Bologna", "Via Po 2, Torino"):
        cart.lines.create(
            service=quote_service,
            answers={"indirizzo": address},
            form_version=quote_service.form_version,
        )
    return cart


@pytest.fixture
def quote(customer):
    """A sent request of `customer` with two lines."""
    quote = QuoteRequestFactory(customer=customer)
    QuoteLineFactory(quote=quote, service_name="Perizia di stima")
    QuoteLineFactory(quote=quote, service_name="Visura catastale")
    return quote


def price_quote(quote, staff, *, prices=None, valid_until=None, notes="Sopralluogo incluso."):
    """Staff send prices: by default 100.00 and 33.33 at 22%."""
    lines = list(quote.lines.order_by("position", "id"))
    prices = prices or [("100.00", "22.00"), ("33.33", "22.00")]
    return actions.send_prices(
        quote=quote,
        actor=staff,
        line_prices={
            line.pk: (Decimal(net), Decimal(rate)) for line, (net, rate) in zip(lines, prices)
        },
        valid_until=valid_until or timezone.localdate() + dt.timedelta(days=30),
        notes_for_customer=notes,
    )


@pytest.fixture
def ready_quote(quote, staff):
    price_quote(quote, staff)
    quote.refresh_from_db()
    return quote
