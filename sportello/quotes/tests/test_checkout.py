"""Accept → checkout (billing, payment, review) → COMPLETA L'ACQUISTO → test gateway → order,
at the quoted prices; the quote becomes "ordinato" and the order links back to it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sportello.cart.models import Cart, CartKind
from sportello.catalogue.tests.factories import ServiceFactory
from sportello.checkout.tests.conftest import PERSON_BILLING
from sportello.orders.models import Order, OrderStatus
from sportello.quotes.models import QuoteRequest, QuoteStatus
from sportello.quotes.tests.conftest import price_quote
from sportello.quotes.tests.test_accept import ORDER_PRICES

REVIEW = reverse("checkout:review")
PLACE = reverse("checkout:place")


@pytest.fixture(autouse=True)
def _payment_methods(settings):
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    settings.BANK_TRANSFER_IBAN = "IT60X0542811101000000123456"
    settings.BANK_TRANSFER_BENEFICIARY = "Sportello Servizi S.r.l."


@pytest.fixture
def priced_quote(quote, staff):
    """The customer's quote at 100,00 + 50,50 € net, 22% VAT: 183,61 € in all."""
    price_quote(quote, staff, prices=ORDER_PRICES)
    quote.refresh_from_db()
    return quote


def _accept_and_reach_the_review(client, quote):
    accepted = client.post(reverse("quotes:accept", args=[quote.number]), {"version": "1"})
    start_url = reverse("checkout:start_quote", args=[quote.number])
    assert accepted["Location"] == start_url
    billing_page = client.get(start_url, follow=True)
    assert billing_page.redirect_chain[-1][0] == reverse("checkout:billing")
    saved = client.post(reverse("checkout:billing"), dict(PERSON_BILLING), follow=True)
    assert saved.redirect_chain[-1][0] == reverse("checkout:payment")
    chosen = client.post(
        reverse("checkout:payment"), {"payment_method": "test_gateway"}, follow=True
    )
    assert chosen.redirect_chain[-1][0] == REVIEW
    return chosen


def _place_data(review_page) -> dict:
    form = review_page.context["form"]
    return {
        "checkout_token": str(form.initial["checkout_token"]),
        "cart_version": form.initial["cart_version"],
        "accept_terms": "on",
    }


def _authorize(client, placed):
    gateway_url = placed["Location"]
    assert "Autorizza pagamento" in client.get(gateway_url).text
    return client.post(gateway_url, {"decision": "authorize"}, follow=True)


def test_accept_checkout_and_pay_at_the_quoted_prices(customer_client, customer, priced_quote):
    # Something else in the purchase cart stays there: the quote is bought on its own.
    cart = Cart.objects.create(user=customer, kind=CartKind.PURCHASE)
    cart.lines.create(service=ServiceFactory(), answers={}, form_version=1)

    review = _accept_and_reach_the_review(customer_client, priced_quote)
    text = review.text
    assert f"preventivo n. {priced_quote.number}" in text
    assert "Perizia di stima" in text and "Visura catastale" in text
    assert "Via Roma 1, Bologna" in text
    assert 'id="review-total-net">150,50\u00a0€' in text
    assert 'id="review-total-vat">33,11\u00a0€' in text
    assert 'id="review-total-gross">183,61\u00a0€' in text
    assert "Modifica i dati di Perizia di stima" not in text
    assert "Torna al preventivo" in text
    # Quoted lines are priced as a whole: no empty "Supplementi" column.
    assert '<th scope="col">Supplementi</th>' not in text
    assert 'data-label="Supplementi"' not in text

    placed = customer_client.post(PLACE, _place_data(review))
    done = _authorize(customer_client, placed)

    order = Order.objects.get()
    assert done.redirect_chain[-1][0] == reverse("orders:confirmation", args=[order.number])
    assert order.status == OrderStatus.PAID
    assert (order.total_net, order.total_vat, order.total_gross) == (
        Decimal("150.50"),
        Decimal("33.11"),
        Decimal("183.61"),
    )
    assert list(order.lines.order_by("position").values_list("service_name", "gross")) == [
        ("Perizia di stima", Decimal("122.00")),
        ("Visura catastale", Decimal("61.61")),
    ]
    assert order.billing_codice_fiscale == PERSON_BILLING["codice_fiscale"]
    priced_quote.refresh_from_db()
    assert priced_quote.status == QuoteStatus.ORDERED
    assert priced_quote.order == order
    assert cart.lines.count() == 1

    # I MIEI ORDINI lists it; the quote page points to it.
    assert order.number in customer_client.get(reverse("orders:list")).text
    quote_page = customer_client.get(priced_quote.get_absolute_url()).text
    assert reverse("orders:detail", args=[order.number]) in quote_page


def test_double_post_of_completa_l_acquisto_makes_one_order(customer_client, priced_quote):
    review = _accept_and_reach_the_review(customer_client, priced_quote)
    data = _place_data(review)
    customer_client.post(PLACE, data)
    again = customer_client.post(PLACE, data)
    assert again.status_code == 302
    assert Order.objects.count() == 1


def test_posted_prices_are_ignored(customer_client, priced_quote):
    review = _accept_and_reach_the_review(customer_client, priced_quote)
    customer_client.post(
        PLACE, {**_place_data(review), "total_gross": "1.00", "net": "0.01", "price": "1"}
    )
    assert Order.objects.get().total_gross == Decimal("183.61")


def test_a_tampered_fingerprint_places_nothing(customer_client, priced_quote):
    review = _accept_and_reach_the_review(customer_client, priced_quote)
    data = {**_place_data(review), "cart_version": f"{priced_quote.number}:v99"}
    response = customer_client.post(PLACE, data)
    assert response["Location"] == REVIEW
    assert not Order.objects.exists()
    priced_quote.refresh_from_db()
    assert priced_quote.status == QuoteStatus.ACCEPTED


def test_quote_expired_before_completa_l_acquisto(customer_client, priced_quote):
    review = _accept_and_reach_the_review(customer_client, priced_quote)
    QuoteRequest.objects.filter(pk=priced_quote.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    response = customer_client.post(PLACE, _place_data(review))
    assert response["Location"] == priced_quote.get_absolute_url()
    assert not Order.objects.exists()
    priced_quote.refresh_from_db()
    assert priced_quote.status == QuoteStatus.EXPIRED
    # Out of the quote's checkout: PROCEDI ALL'ACQUISTO is about the cart again.
    assert customer_client.session.get("checkout", {}).get("quote", "") == ""


def test_declined_meanwhile_cannot_be_bought(customer_client, customer, priced_quote):
    from sportello.quotes import actions

    review = _accept_and_reach_the_review(customer_client, priced_quote)
    actions.decline_quote(quote=priced_quote, customer=customer, reason="Ci ho ripensato")
    response = customer_client.post(PLACE, _place_data(review))
    assert response["Location"] == priced_quote.get_absolute_url()
    assert not Order.objects.exists()


def test_checkout_of_a_quote_not_accepted_is_refused(customer_client, priced_quote):
    response = customer_client.get(reverse("checkout:start_quote", args=[priced_quote.number]))
    assert response["Location"] == priced_quote.get_absolute_url()
    assert not customer_client.session.get("checkout")


def test_checkout_of_another_customers_quote_is_404(client, other_customer, priced_quote):
    client.force_login(other_customer)
    response = client.get(reverse("checkout:start_quote", args=[priced_quote.number]))
    assert response.status_code == 404


def test_procedi_all_acquisto_leaves_the_quote_checkout(customer_client, customer, priced_quote):
    _accept_and_reach_the_review(customer_client, priced_quote)
    cart = Cart.objects.create(user=customer, kind=CartKind.PURCHASE)
    cart.lines.create(service=ServiceFactory(name="Visura camerale"), answers={}, form_version=1)
    page = customer_client.get(reverse("checkout:start"), follow=True)
    assert page.redirect_chain[-1][0] == REVIEW
    assert "Visura camerale" in page.text
    assert "Perizia di stima" not in page.text


def test_a_quote_bought_at_the_riepilogo_stores_the_terms_and_the_early_start_request(
    customer_client, priced_quote
):
    """The terms box and the early-start request work for the accepted-quote purchase source
    as for the cart: refused without the terms, stored with them."""
    from sportello.contracts.queries import current_terms

    review = _accept_and_reach_the_review(customer_client, priced_quote)
    assert "Ho letto e accetto le" in review.text
    refused = customer_client.post(
        PLACE, {k: v for k, v in _place_data(review).items() if k != "accept_terms"}
    )
    assert refused.status_code == 200
    assert "devi accettare le Condizioni generali di vendita" in refused.text
    assert not Order.objects.exists()

    customer_client.post(PLACE, {**_place_data(review), "early_start": "on"})

    order = Order.objects.get()
    assert order.quote == priced_quote
    assert order.terms == current_terms()
    assert order.terms_accepted_at is not None
    assert order.early_start_requested is True
