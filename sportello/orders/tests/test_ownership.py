"""Every customer URL of orders, payments and checkout that takes an id answers 404 to another
customer, walked from the URLconf itself: a new URL with an id fails this test until it is
listed in KWARGS below (and so proved to check ownership).

Each URL is also opened by its owner, which must not get a 404: that proves the ids used are
real, so the other customer's 404 comes from the ownership check and not from a bogus id.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sportello.cart.tests.factories import CartLineFactory
from sportello.orders import actions, conversation
from sportello.orders.models import (
    DataRequest,
    Order,
    OrderMessage,
    OrderStatus,
    Outcome,
    OutcomeFile,
)
from sportello.orders.tests.conftest import PDF_BYTES
from sportello.payments.actions import attach_provider_reference, create_payment
from sportello.payments.models import Payment, PaymentStatus
from sportello.quotes.tests.factories import QuoteRequestFactory

NAMESPACES = ("orders", "payments", "checkout")


def _patterns(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and namespace in NAMESPACES and entry.name:
            yield f"{namespace}:{entry.name}", sorted(entry.pattern.converters)


def url_names_with_kwargs() -> dict[str, list[str]]:
    return {name: kwargs for name, kwargs in _patterns(get_resolver()) if kwargs}


# URL name -> how to fill its kwargs from the customer's objects (see `owned`).
KWARGS = {
    "orders:detail": lambda o: {"number": o["order"].number},
    "orders:confirmation": lambda o: {"number": o["order"].number},
    "orders:outcome_file": lambda o: {"number": o["order"].number, "file_id": o["outcome_file"]},
    "orders:answer_file": lambda o: {"number": o["order"].number, "file_id": o["answer_file"]},
    "payments:pay": lambda o: {"number": o["unpaid_order"].number},
    "payments:return": lambda o: {"reference": o["payment"].reference},
    "payments:test_gateway": lambda o: {"reference": o["payment"].reference},
    "payments:pay_with_credit": lambda o: {"number": o["unpaid_order"].number},
    "checkout:start_quote": lambda o: {"number": o["quote"].number},
    "orders:post_message": lambda o: {"number": o["order"].number},
    "orders:message_attachment": lambda o: {
        "number": o["order"].number,
        "message_id": o["message"].pk,
    },
    "orders:data_request": lambda o: {
        "number": o["order"].number,
        "request_id": o["data_request"].pk,
    },
}

# What a POST to the URLs that act carries; the others are GET-only.
POST_DATA = {
    "payments:pay": {"method": "bank_transfer"},
    "payments:test_gateway": {"decision": "authorize"},
    "orders:post_message": {"body": "Messaggio di un estraneo"},
    "orders:data_request": {"customer_note": "estraneo"},
}


def test_every_url_with_an_id_is_listed():
    """Adding a URL with an id to orders, payments or checkout means adding it here."""
    found = url_names_with_kwargs()
    assert found, "no URL patterns found: the walk is broken"
    assert sorted(found) == sorted(KWARGS)


@pytest.fixture
def owned(customer, staff, full_cart, placed_order, place, settings):
    """One of each object the URLs take an id of, all belonging to `customer`."""
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    answer_file = placed_order.lines.get(position=1).answers_display[1]["file_id"]
    actions.mark_paid(order=placed_order)
    line = placed_order.lines.get(position=0)
    outcome = actions.add_outcome(
        line=line,
        note="Perizia pronta",
        files=[SimpleUploadedFile("perizia.pdf", PDF_BYTES)],
        actor=staff,
    )
    # A second order, still awaiting payment, with an open gateway attempt.
    CartLineFactory(cart=full_cart, service=line.service, answers=line.answers)
    unpaid = place(full_cart)
    payment = create_payment(order=unpaid, provider="test_gateway")
    attach_provider_reference(payment=payment, provider_reference="tg_owned")
    message = conversation.post_staff_message(
        order=placed_order,
        actor=staff,
        body="Bozza",
        attachment=SimpleUploadedFile("bozza.pdf", PDF_BYTES),
    )
    data_request = conversation.request_data(
        line=placed_order.lines.get(position=1), actor=staff, note="Serve la visura"
    )
    return {
        "message": message,
        "data_request": data_request,
        "order": placed_order,
        "outcome_file": outcome.files.get().pk,
        "answer_file": answer_file,
        "unpaid_order": unpaid,
        "payment": payment,
        "quote": QuoteRequestFactory(customer=customer),
    }


def _snapshot():
    return (
        sorted(Order.objects.values_list("number", "status")),
        sorted(Payment.objects.values_list("reference", "status")),
        Outcome.objects.count(),
        OutcomeFile.objects.count(),
        OrderMessage.objects.count(),
        sorted(DataRequest.objects.values_list("pk", "answered_at")),
    )


@pytest.mark.parametrize("name", sorted(KWARGS))
def test_another_customer_gets_404(name, client, customer, other_customer, owned):
    url = reverse(name, kwargs=KWARGS[name](owned))
    client.force_login(customer)
    owner_response = client.get(url)
    assert owner_response.status_code != 404, f"{url}: the owner too gets 404, ids are wrong"

    client.force_login(other_customer)
    before = _snapshot()
    assert client.get(url).status_code == 404, url
    if name in POST_DATA:
        assert client.post(url, POST_DATA[name]).status_code == 404, url
    assert _snapshot() == before
    assert Payment.objects.get(pk=owned["payment"].pk).status == PaymentStatus.CREATED
    assert Order.objects.get(pk=owned["unpaid_order"].pk).status == OrderStatus.AWAITING_PAYMENT
