"""No N+1: the lists and the order's page cost the same whatever their size."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sportello.orders import actions as order_actions
from sportello.orders.tests.conftest import PDF_BYTES
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory, PaidOrderFactory
from sportello.quotes.tests.factories import QuoteLineFactory, QuoteRequestFactory

pytestmark = pytest.mark.django_db


def count(client, url, auth) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **auth).status_code == 200
    return len(queries)


def test_order_list(client, auth, customer, django_assert_num_queries):
    OrderLineFactory(order=OrderFactory(customer=customer))
    client.get("/api/orders", **auth)  # the token's first use is remembered
    # the token with its user, the orders
    with django_assert_num_queries(2):
        client.get("/api/orders", **auth)
    for _ in range(4):
        OrderLineFactory(order=OrderFactory(customer=customer))
    with django_assert_num_queries(2):
        assert len(client.get("/api/orders", **auth).json()) == 5


def test_quote_list(client, auth, customer, django_assert_num_queries):
    QuoteLineFactory(quote=QuoteRequestFactory(customer=customer))
    client.get("/api/quotes", **auth)
    with django_assert_num_queries(2):
        client.get("/api/quotes", **auth)
    for _ in range(3):
        QuoteLineFactory(quote=QuoteRequestFactory(customer=customer))
    with django_assert_num_queries(2):
        assert len(client.get("/api/quotes", **auth).json()) == 4


def test_order_detail_with_lines_and_outcomes(client, auth, customer, staff):
    order = PaidOrderFactory(customer=customer)
    first = OrderLineFactory(order=order, position=0)
    order_actions.add_outcome(
        line=first, note="", files=[SimpleUploadedFile("a.pdf", PDF_BYTES)], actor=staff
    )
    client.get(f"/api/orders/{order.number}", **auth)
    small = count(client, f"/api/orders/{order.number}", auth)
    for position in (1, 2):
        line = OrderLineFactory(order=order, position=position)
        order_actions.add_outcome(
            line=line,
            note="",
            files=[SimpleUploadedFile("b.pdf", PDF_BYTES), SimpleUploadedFile("c.pdf", PDF_BYTES)],
            actor=staff,
        )
    body = client.get(f"/api/orders/{order.number}", **auth).json()
    assert [len(line["outcomes"][0]["files"]) for line in body["lines"]] == [1, 2, 2]
    assert count(client, f"/api/orders/{order.number}", auth) == small
