"""Double submit of "COMPLETA L'ACQUISTO" and repeated "Paga ora": one order, one attempt.

Before the fix, 6–8 concurrent posts with the same checkout token made one order but one
payment attempt each (every request believed it had placed the order). Real threads on
PostgreSQL; SQLite's in-memory test database cannot be shared by several connections.
"""

import pytest
from django.test import Client
from django.urls import reverse

from sportello.checkout.tests.test_purchase import PLACE, _review
from sportello.core.tests.racing import needs_postgresql, race_times
from sportello.orders.models import Order
from sportello.payments.models import Payment


@pytest.fixture(autouse=True)
def _payment_methods(settings):
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    settings.PAYMENT_ATTEMPTS_PER_HOUR = 5


def same_browser(client) -> Client:
    """Another connection of the same logged-in browser (same session cookie)."""
    twin = Client(raise_request_exception=False)
    twin.cookies = client.cookies
    return twin


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_posts_make_one_order_and_one_attempt(ready_client):
    posted = _review(ready_client)

    responses = race_times(8, lambda: same_browser(ready_client).post(PLACE, posted))

    assert [getattr(r, "status_code", r) for r in responses] == [302] * 8
    order = Order.objects.get()
    payment = Payment.objects.get()
    assert payment.order == order
    gateway = reverse("payments:test_gateway", kwargs={"reference": payment.reference})
    pay_page = reverse("payments:pay", kwargs={"number": order.number})
    # The first request goes on to the payment; every other one lands on the order's page.
    locations = sorted(response["Location"] for response in responses)
    assert locations == sorted([gateway] + [pay_page] * 7)


@pytest.mark.django_db
def test_twenty_posts_to_the_pay_page_open_at_most_the_cap(ready_client):
    posted = _review(ready_client)
    ready_client.post(PLACE, posted)
    order = Order.objects.get()
    pay_page = reverse("payments:pay", kwargs={"number": order.number})

    responses = [ready_client.post(pay_page, {"method": "test_gateway"}) for _ in range(20)]

    assert Payment.objects.filter(order=order).count() == 5
    refused = responses[-1]
    assert refused["Location"] == pay_page
    page = ready_client.get(pay_page)
    assert (
        f"Hai già avviato troppi tentativi di pagamento per l&#x27;ordine {order.number} "
        "nell&#x27;ultima ora." in page.text
    )
    # The ones under the cap went to the gateway, the others back to the pay page.
    assert sum(r["Location"].startswith("/pagamenti/gateway-di-test/") for r in responses) == 4
    assert sum(r["Location"] == pay_page for r in responses) == 16


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_posts_to_the_pay_page_open_at_most_the_cap(ready_client):
    posted = _review(ready_client)
    ready_client.post(PLACE, posted)
    order = Order.objects.get()
    pay_page = reverse("payments:pay", kwargs={"number": order.number})

    responses = race_times(
        20, lambda: same_browser(ready_client).post(pay_page, {"method": "test_gateway"})
    )

    assert [getattr(r, "status_code", r) for r in responses] == [302] * 20
    assert Payment.objects.filter(order=order).count() == 5
