"""Concurrent API posts with one Idempotency-Key: one order, one payment attempt.

Real threads on PostgreSQL; SQLite's in-memory test database cannot be shared by several
connections.
"""

import pytest
from django.test import Client

from sportello.api.tests.test_cycle import URGENT
from sportello.core.tests.racing import needs_postgresql, race_times
from sportello.orders.models import Order
from sportello.payments.models import Payment
from sportello.quotes.models import QuoteRequest


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_six_concurrent_orders_with_one_key_make_one_order(auth, appraisal, company_profile):
    def post():
        return Client().post(
            "/api/orders",
            {"lines": [{"service": appraisal.slug, "answers": URGENT}], "accept_terms": True},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="stesso-ordine",
            **auth,
        )

    responses = race_times(6, post)
    statuses = sorted(getattr(response, "status_code", response) for response in responses)
    assert statuses == [200] * 5 + [201]
    order = Order.objects.get()
    assert {response.json()["number"] for response in responses} == {order.number}
    assert Payment.objects.filter(order=order).count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_four_concurrent_quote_requests_with_one_key_make_one_request(auth):
    from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory

    service = ServiceFactory(slug="due-diligence", pricing_mode="quote", net_price=None)
    FormFieldFactory(service=service, key="immobile", label="Immobile")

    def post():
        return Client().post(
            "/api/quotes",
            {"lines": [{"service": "due-diligence", "answers": {"immobile": "Via Roma 1"}}]},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="stessa-richiesta",
            **auth,
        )

    responses = race_times(4, post)
    assert sorted(getattr(r, "status_code", r) for r in responses) == [200, 200, 200, 201]
    assert QuoteRequest.objects.count() == 1
