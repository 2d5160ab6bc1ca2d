"""Real concurrency on PostgreSQL: two threads, two connections, one outcome.

SQLite serialises writers (IMMEDIATE transactions), so the same rules are proven there by the
sequential compare-and-set tests in test_accept.py.
"""

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection

from sportello.core.tests.racing import race
from sportello.orders.models import Order
from sportello.quotes import actions
from sportello.quotes.models import QuoteRequest, QuoteStatus
from sportello.quotes.tests.conftest import price_quote
from sportello.quotes.tests.test_accept import BILLING, ORDER_PRICES

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_two_concurrent_purchases_make_one_order(quote, staff, customer):
    price_quote(quote, staff, prices=ORDER_PRICES)
    actions.accept_quote(quote=quote, customer=customer, version=1)

    def buy():
        return actions.place_order_for_quote(
            quote=QuoteRequest.objects.get(pk=quote.pk),
            customer=customer,
            billing=BILLING,
            payment_method="test_gateway",
            checkout_token=uuid.uuid4(),
        )

    results = race(buy, buy)
    orders = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, actions.QuoteNotAcceptable)]
    assert (len(orders), len(refused)) == (1, 1), results
    assert Order.objects.count() == 1
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ORDERED
    assert quote.order == orders[0]


def test_two_concurrent_acceptances_accept_once(quote, staff, customer):
    price_quote(quote, staff)

    def accept():
        return actions.accept_quote(
            quote=QuoteRequest.objects.get(pk=quote.pk), customer=customer, version=1
        )

    results = race(accept, accept)
    assert all(isinstance(r, QuoteRequest) for r in results), results
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED
    assert quote.status_changes.filter(to_status=QuoteStatus.ACCEPTED).count() == 1


def test_two_concurrent_posts_of_the_request_form_make_one_request(customer, quote_cart):
    token = uuid.uuid4()

    def submit():
        return actions.request_quote(
            customer=customer, cart=quote_cart, message="", submit_token=token
        )

    results = race(submit, submit)
    assert all(isinstance(r, QuoteRequest) for r in results), results
    assert results[0].pk == results[1].pk
    assert QuoteRequest.objects.count() == 1


def test_a_new_version_sent_while_accepting_is_never_mixed_up(quote, staff, customer, monkeypatch):
    """Staff send version 2 just as the customer accepts version 1: either the acceptance wins
    (and the re-issue is refused) or the new version does (and the acceptance is refused) —
    never an accepted version 1 under a current version 2."""
    price_quote(quote, staff)
    checked, sent = threading.Event(), threading.Event()
    real_set_status = actions.set_quote_status

    def slow_acceptance(**kwargs):
        if kwargs["to"] == QuoteStatus.ACCEPTED:
            checked.set()
            sent.wait(timeout=2)
        return real_set_status(**kwargs)

    monkeypatch.setattr(actions, "set_quote_status", slow_acceptance)

    def accept():
        return actions.accept_quote(
            quote=QuoteRequest.objects.get(pk=quote.pk), customer=customer, version=1
        )

    def reissue():
        checked.wait(timeout=5)
        try:
            return price_quote(
                QuoteRequest.objects.get(pk=quote.pk),
                staff,
                prices=[("1.00", "22.00"), ("2.00", "22.00")],
            )
        finally:
            sent.set()

    race(accept, reissue)
    quote.refresh_from_db()
    if quote.status == QuoteStatus.ACCEPTED:
        assert (quote.accepted_version, quote.current_version) == (1, 1)
    else:
        assert (quote.status, quote.current_version, quote.accepted_version) == (
            QuoteStatus.READY,
            2,
            None,
        )


def test_a_quote_reopened_and_accepted_again_while_buying_is_not_bought_at_old_prices(
    quote, staff, customer, monkeypatch
):
    """While COMPLETA L'ACQUISTO runs for version 1, staff reopen the quote, send version 2
    and the customer accepts it in another tab: the order must never carry version 1's prices
    under a quote whose accepted version is 2."""
    price_quote(quote, staff)
    actions.accept_quote(quote=quote, customer=customer, version=1)
    building, reaccepted = threading.Event(), threading.Event()
    real_set_status = actions.set_quote_status

    def slow_purchase(**kwargs):
        if kwargs["to"] == QuoteStatus.ORDERED:
            building.set()
            reaccepted.wait(timeout=2)
        return real_set_status(**kwargs)

    monkeypatch.setattr(actions, "set_quote_status", slow_purchase)

    def buy():
        return actions.place_order_for_quote(
            quote=QuoteRequest.objects.get(pk=quote.pk),
            customer=customer,
            billing=BILLING,
            payment_method="test_gateway",
            checkout_token=uuid.uuid4(),
        )

    def reopen_and_accept_again():
        building.wait(timeout=5)
        try:
            fresh = QuoteRequest.objects.get(pk=quote.pk)
            actions.ask_for_details(quote=fresh, actor=staff, body="Rivediamo il prezzo")
            price_quote(fresh, staff, prices=[("1.00", "22.00"), ("2.00", "22.00")])
            return actions.accept_quote(quote=fresh, customer=customer, version=2)
        finally:
            reaccepted.set()

    race(buy, reopen_and_accept_again)
    quote.refresh_from_db()
    if quote.status == QuoteStatus.ORDERED:
        assert quote.accepted_version == 1
        assert quote.order.total_gross == Decimal("162.66")
    else:
        assert (quote.status, quote.accepted_version) == (QuoteStatus.ACCEPTED, 2)
        assert not Order.objects.exists()


@pytest.fixture
def _card_and_transfer(settings):
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    settings.BANK_TRANSFER_IBAN = "IT60X0542811101000000123456"
    settings.BANK_TRANSFER_BENEFICIARY = "Sportello Servizi S.r.l."


def test_six_concurrent_completa_l_acquisto_for_a_quote_land_on_its_order(
    _card_and_transfer, customer_client, quote, staff
):
    """Before the fix, the requests that lost the race were told the quote could no longer
    be bought, although their order existed; and each winner-believer opened an attempt."""
    from django.test import Client
    from django.urls import reverse

    from sportello.payments.models import Payment
    from sportello.quotes.tests.test_checkout import _accept_and_reach_the_review, _place_data

    price_quote(quote, staff, prices=ORDER_PRICES)
    posted = _place_data(_accept_and_reach_the_review(customer_client, quote))

    def post():
        browser = Client(raise_request_exception=False)
        browser.cookies = customer_client.cookies
        return browser.post(reverse("checkout:place"), posted)

    responses = race(*([post] * 6))

    assert [getattr(r, "status_code", r) for r in responses] == [302] * 6
    order = Order.objects.get()
    payment = Payment.objects.get()
    gateway = reverse("payments:test_gateway", kwargs={"reference": payment.reference})
    pay_page = reverse("payments:pay", kwargs={"number": order.number})
    assert sorted(r["Location"] for r in responses) == sorted([gateway] + [pay_page] * 5)
    quote.refresh_from_db()
    assert (quote.status, quote.order_id) == (QuoteStatus.ORDERED, order.pk)
