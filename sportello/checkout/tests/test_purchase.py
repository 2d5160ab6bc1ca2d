"""From the review to a paid order: "COMPLETA L'ACQUISTO", card, bank transfer, re-posts."""

import uuid
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from sportello.cart.models import Cart, CartKind, CartLine
from sportello.cart.purchase import cart_version
from sportello.cart.queries import priced_cart
from sportello.cart.tests.factories import CartLineFactory
from sportello.checkout.tests.conftest import (
    COMPANY_BILLING,
    PERSON_BILLING,
    STANDARD,
    checkout_state,
    set_checkout_state,
)
from sportello.orders.models import Order, OrderStatus
from sportello.payments.actions import confirm_payment
from sportello.payments.models import Payment, PaymentStatus
from sportello.payments.providers.base import ProviderError
from sportello.payments.providers.test_gateway import TestGatewayProvider

pytestmark = pytest.mark.django_db

START = reverse("checkout:start")
BILLING = reverse("checkout:billing")
PAYMENT = reverse("checkout:payment")
REVIEW = reverse("checkout:review")
PLACE = reverse("checkout:place")
CART = reverse("cart:detail")


@pytest.fixture(autouse=True)
def _payment_methods(settings):
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    settings.BANK_TRANSFER_IBAN = "IT60X0542811101000000123456"
    settings.BANK_TRANSFER_BENEFICIARY = "Sportello Servizi S.r.l."


def _review(client) -> dict:
    """Show the review and return what its "COMPLETA L'ACQUISTO" form posts."""
    page = client.get(REVIEW)
    assert page.status_code == 200
    form = page.context["form"]
    return {
        "checkout_token": str(form.initial["checkout_token"]),
        "cart_version": form.initial["cart_version"],
        "accept_terms": "on",
    }


def _pay_url(order) -> str:
    return reverse("payments:pay", kwargs={"number": order.number})


def _confirmation_url(order) -> str:
    return reverse("orders:confirmation", kwargs={"number": order.number})


def _gateway_decision(client, response, decision: str):
    """On the test gateway's page, press "Autorizza pagamento" or "Rifiuta pagamento"."""
    gateway_url = response["Location"]
    page = client.get(gateway_url)
    assert page.status_code == 200
    assert "Autorizza pagamento" in page.text
    assert "Rifiuta pagamento" in page.text
    return client.post(gateway_url, {"decision": decision}, follow=True)


# --- Review ------------------------------------------------------------------------------------


def test_review_shows_lines_answers_billing_payment_and_totals(ready_client, customer_cart):
    (line,) = customer_cart.lines.all()
    page = ready_client.get(REVIEW)

    text = page.text
    assert page.status_code == 200
    assert "Perizia immobiliare" in text
    assert "<dt>Urgenza</dt><dd>Consegna urgente</dd>" in text
    assert "<dt>Note per il tecnico</dt><dd>Citofonare Rossi</dd>" in text
    assert "Urgenza: Consegna urgente: +30,00\u00a0€" in text
    assert 'id="review-total-net">130,00\u00a0€' in text
    assert 'id="review-total-vat">28,60\u00a0€' in text
    assert 'id="review-total-gross">158,60\u00a0€' in text
    edit_url = reverse("cart:edit_line", kwargs={"pk": line.pk})
    assert f'href="{edit_url}?{urlencode({"next": REVIEW})}"' in text
    assert "<dt>Nome e cognome</dt><dd>Mario Rossi</dd>" in text
    assert "<dt>Codice fiscale</dt><dd>RSSMRA85T10A562S</dd>" in text
    assert "<dt>Località</dt><dd>40121 Bologna (BO)</dd>" in text
    # "Modifica" changes them on the Riepilogo itself (issue 15).
    review_billing = reverse("checkout:review_billing")
    review_payment = reverse("checkout:review_payment")
    assert f'href="{review_billing}" hx-get="{review_billing}"' in text
    assert f'href="{review_payment}" hx-get="{review_payment}"' in text
    assert TestGatewayProvider.verbose_name in text
    assert "COMPLETA L&#x27;ACQUISTO" in text or "COMPLETA L'ACQUISTO" in text
    token = checkout_state(ready_client)["token"]
    assert f'value="{token}"' in text


SUPPLEMENTS_HEADER = '<th scope="col">Supplementi</th>'


def test_review_has_a_supplements_column_when_a_line_has_one(
    ready_client, customer_cart, appraisal
):
    CartLineFactory(cart=customer_cart, service=appraisal, answers=dict(STANDARD))

    page = ready_client.get(REVIEW)

    assert page.context["has_supplements"] is True
    assert page.text.count(SUPPLEMENTS_HEADER) == 1
    assert page.text.count('<td data-label="Supplementi">') == 2
    assert "Urgenza: Consegna urgente: +30,00\u00a0€" in page.text


def test_review_hides_the_supplements_column_when_no_line_has_one(ready_client, customer_cart):
    customer_cart.lines.update(answers=dict(STANDARD))

    page = ready_client.get(REVIEW)

    assert page.context["has_supplements"] is False
    assert SUPPLEMENTS_HEADER not in page.text
    assert 'data-label="Supplementi"' not in page.text
    assert 'id="review-total-gross">122,00\u00a0€' in page.text


def test_review_keeps_its_token_when_shown_again(ready_client):
    first = _review(ready_client)
    second = _review(ready_client)
    assert first["checkout_token"] == second["checkout_token"]
    assert uuid.UUID(first["checkout_token"])


def test_review_shows_a_company_with_its_e_invoicing_data(customer_client, customer_cart):
    set_checkout_state(
        customer_client, billing=dict(COMPANY_BILLING), payment_method="bank_transfer"
    )
    text = customer_client.get(REVIEW).text
    assert "<dt>Ragione sociale</dt><dd>Acme Immobiliare S.r.l.</dd>" in text
    assert "<dt>Partita IVA</dt><dd>00743110157</dd>" in text
    assert "<dt>Codice destinatario SDI</dt><dd>M5UXCR1</dd>" in text
    assert "Bonifico bancario" in text


def test_review_queries_do_not_grow_with_lines(
    ready_client, customer_cart, appraisal, django_assert_num_queries
):
    ready_client.get(REVIEW)  # creates the token: later visits only read it
    # 9: the cart and its lines (7), the session, and the terms of sale in force (1).
    with django_assert_num_queries(9) as one_line:
        ready_client.get(REVIEW)
    for _ in range(3):
        CartLineFactory(cart=customer_cart, service=appraisal, answers=dict(STANDARD))
    with django_assert_num_queries(len(one_line.captured_queries)):
        page = ready_client.get(REVIEW)
    assert 'id="review-total-gross">524,60\u00a0€' in page.text


def test_modifica_from_the_review_returns_to_the_review(ready_client, customer_cart):
    (line,) = customer_cart.lines.all()
    edit_url = f"{reverse('cart:edit_line', kwargs={'pk': line.pk})}?{urlencode({'next': REVIEW})}"

    form_page = ready_client.get(edit_url)
    assert form_page.status_code == 200
    assert 'value="Bologna"' in form_page.text
    saved = ready_client.post(edit_url, {**STANDARD, "next": REVIEW})

    assert saved.status_code == 302
    assert saved["Location"] == REVIEW
    page = ready_client.get(REVIEW)
    assert "<dt>Comune</dt><dd>Modena</dd>" in page.text
    assert "<dt>Urgenza</dt><dd>Standard</dd>" in page.text
    assert 'id="review-total-gross">122,00\u00a0€' in page.text


def test_modifica_billing_from_the_review_comes_back_to_the_review(ready_client):
    page = ready_client.get(BILLING)
    assert page.context["form"].initial["address"] == "Via Indipendenza 12"
    saved = ready_client.post(BILLING, {**PERSON_BILLING, "address": "Via Rizzoli 1"})
    assert saved["Location"] == REVIEW
    assert ready_client.get(START)["Location"] == REVIEW
    assert "<dt>Indirizzo</dt><dd>Via Rizzoli 1</dd>" in ready_client.get(REVIEW).text


# --- COMPLETA L'ACQUISTO -----------------------------------------------------------------------


def test_complete_purchase_places_the_order_and_starts_the_card_payment(
    ready_client, customer, customer_cart
):
    posted = _review(ready_client)

    response = ready_client.post(PLACE, posted)

    order = Order.objects.get()
    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "payments:test_gateway", kwargs={"reference": payment.reference}
    )
    assert order.customer == customer
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert str(order.checkout_token) == posted["checkout_token"]
    assert order.payment_method == "test_gateway"
    assert (order.total_net, order.total_vat, order.total_gross) == (
        Decimal("130.00"),
        Decimal("28.60"),
        Decimal("158.60"),
    )
    assert order.billing_kind == "person"
    assert order.billing_codice_fiscale == "RSSMRA85T10A562S"
    assert order.billing_comune == "Bologna"
    (line,) = order.lines.all()
    assert line.service_name == "Perizia immobiliare"
    assert (line.net, line.vat, line.gross) == (
        Decimal("130.00"),
        Decimal("28.60"),
        Decimal("158.60"),
    )
    assert payment.order == order
    assert payment.amount == Decimal("158.60")
    # The cart is empty and this checkout is over.
    assert not CartLine.objects.filter(cart=customer_cart).exists()
    assert checkout_state(ready_client) is None


def test_a_free_order_is_confirmed_without_a_payment(ready_client, customer_cart, appraisal):
    """A service the catalogue prices at 0,00 € has nothing to pay: the order is paid at once
    (no provider is asked for 0,00 €), the customer lands on the confirmation and gets the
    confirmation e-mail; a re-post changes nothing."""
    from sportello.notifications.models import OutgoingEmail
    from sportello.orders.emails import confirmation_key

    appraisal.net_price = Decimal("0.00")
    appraisal.save(update_fields=["net_price"])
    CartLine.objects.filter(cart=customer_cart).update(answers=dict(STANDARD))
    posted = _review(ready_client)

    response = ready_client.post(PLACE, posted)
    again = ready_client.post(PLACE, posted)

    order = Order.objects.get()
    assert order.total_gross == Decimal("0.00")
    assert order.status == OrderStatus.PAID
    assert response["Location"] == _confirmation_url(order)
    assert again["Location"] == _confirmation_url(order)
    assert not Payment.objects.exists()
    confirmation = OutgoingEmail.objects.get(key=confirmation_key(order))
    assert "Il pagamento è confermato" in confirmation.text_body
    assert ready_client.get(_confirmation_url(order)).status_code == 200


def test_double_submit_places_one_order(ready_client):
    posted = _review(ready_client)

    first = ready_client.post(PLACE, posted)
    second = ready_client.post(PLACE, posted, follow=True)

    order = Order.objects.get()
    assert first.status_code == 302
    assert second.redirect_chain == [(_pay_url(order), 302)]
    assert f"L&#x27;ordine {order.number} è già stato registrato." in second.text
    assert Payment.objects.count() == 1


def test_repost_after_payment_shows_the_confirmation(ready_client):
    posted = _review(ready_client)
    first = ready_client.post(PLACE, posted)
    _gateway_decision(ready_client, first, "authorize")

    again = ready_client.post(PLACE, posted)

    order = Order.objects.get()
    assert order.status == OrderStatus.PAID
    assert again["Location"] == _confirmation_url(order)


def test_tampered_price_fields_are_ignored(ready_client):
    posted = {
        **_review(ready_client),
        "total_gross": "1.00",
        "total_net": "0.82",
        "price": "0.01",
        "net_price": "0.01",
        "amount": "1",
        "payment_method": "bank_transfer",
        "kind": "company",
        "codice_fiscale": "XXXXXXXXXXXXXXXX",
    }

    ready_client.post(PLACE, posted)

    order = Order.objects.get()
    assert (order.total_net, order.total_vat, order.total_gross) == (
        Decimal("130.00"),
        Decimal("28.60"),
        Decimal("158.60"),
    )
    assert order.payment_method == "test_gateway"
    assert order.billing_kind == "person"
    assert order.billing_codice_fiscale == "RSSMRA85T10A562S"
    assert Payment.objects.get().amount == Decimal("158.60")


def test_a_cart_changed_after_the_review_is_shown_again(ready_client, customer_cart, appraisal):
    posted = _review(ready_client)
    CartLineFactory(cart=customer_cart, service=appraisal, answers=dict(STANDARD))

    response = ready_client.post(PLACE, posted, follow=True)

    assert response.redirect_chain == [(REVIEW, 302)]
    assert "Il carrello è cambiato" in response.text
    assert 'id="review-total-gross">280,60\u00a0€' in response.text
    assert not Order.objects.exists()


def test_a_service_withdrawn_after_the_review_sends_back_to_the_cart(
    ready_client, customer_cart, appraisal
):
    posted = _review(ready_client)
    appraisal.is_active = False
    appraisal.save()

    response = ready_client.post(PLACE, posted, follow=True)

    assert response.redirect_chain[0] == (CART, 302)
    assert "vanno verificati" in response.text
    assert not Order.objects.exists()
    assert customer_cart.lines.count() == 1


def test_an_emptied_cart_sends_back_to_the_cart(ready_client, customer_cart):
    posted = _review(ready_client)
    customer_cart.lines.all().delete()

    response = ready_client.post(PLACE, posted)

    assert response["Location"] == CART
    assert not Order.objects.exists()


def test_an_unknown_token_places_nothing(ready_client):
    _review(ready_client)
    posted = {"checkout_token": str(uuid.uuid4()), "cart_version": "x", "accept_terms": "on"}

    response = ready_client.post(PLACE, posted, follow=True)

    assert response.redirect_chain[0] == (START, 302)
    assert "Il riepilogo non è più valido" in response.text
    assert not Order.objects.exists()


def test_another_customers_token_neither_places_nor_shows_their_order(
    ready_client, other_customer, appraisal
):
    # The other customer buys first, in their own browser.
    client = Client()
    client.force_login(other_customer)
    cart = Cart.objects.create(user=other_customer, kind=CartKind.PURCHASE)
    CartLineFactory(cart=cart, service=appraisal, answers=dict(STANDARD))
    set_checkout_state(client, billing=dict(PERSON_BILLING), payment_method="test_gateway")
    their_post = _review(client)
    client.post(PLACE, their_post)
    theirs = Order.objects.get()

    # The customer re-posts the other customer's token with their own cart version.
    mine = _review(ready_client)
    response = ready_client.post(
        PLACE, {**their_post, "cart_version": mine["cart_version"]}, follow=True
    )

    assert response.redirect_chain[0] == (START, 302)
    assert theirs.number not in response.text
    assert Order.objects.count() == 1


def test_placing_needs_every_step(customer_client, customer_cart):
    token = str(uuid.uuid4())
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING), token=token)
    posted = {
        "checkout_token": token,
        "cart_version": cart_version(priced_cart(customer_cart)),
        "accept_terms": "on",
    }
    response = customer_client.post(PLACE, posted)

    assert response["Location"] == PAYMENT
    assert not Order.objects.exists()


def test_a_visitor_cannot_place(client):
    response = client.post(PLACE, {"checkout_token": str(uuid.uuid4()), "cart_version": "x"})
    assert response["Location"] == START
    assert not Order.objects.exists()


def test_placing_is_post_only(ready_client):
    assert ready_client.get(PLACE).status_code == 405


def test_a_provider_that_cannot_start_keeps_the_order(ready_client, monkeypatch):
    def unreachable(self, payment, request):
        raise ProviderError("Il servizio di pagamento non risponde.")

    monkeypatch.setattr(TestGatewayProvider, "start", unreachable)
    posted = _review(ready_client)

    response = ready_client.post(PLACE, posted, follow=True)

    order = Order.objects.get()
    assert response.redirect_chain == [(_pay_url(order), 302)]
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert f"Il tuo ordine {order.number} è salvato" in response.text
    assert Payment.objects.get().status == PaymentStatus.FAILED


# --- Paying ------------------------------------------------------------------------------------


def test_card_approved_through_the_test_gateway(ready_client):
    placed = ready_client.post(PLACE, _review(ready_client))

    done = _gateway_decision(ready_client, placed, "authorize")

    order = Order.objects.get()
    assert done.redirect_chain[-1] == (_confirmation_url(order), 302)
    assert order.status == OrderStatus.PAID
    assert Payment.objects.get().status == PaymentStatus.CONFIRMED
    assert f"Ordine n. {order.number}" in done.text
    assert "Perizia immobiliare" in done.text


def test_card_declined_then_paid_on_retry(ready_client):
    placed = ready_client.post(PLACE, _review(ready_client))

    declined = _gateway_decision(ready_client, placed, "decline")

    order = Order.objects.get()
    assert declined.redirect_chain[-1] == (_pay_url(order), 302)
    assert "non è andato a buon fine" in declined.text
    assert declined.text.count("non è andato a buon fine") == 1  # said once, not twice
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT

    retry = ready_client.post(_pay_url(order), {"method": "test_gateway"})
    paid = _gateway_decision(ready_client, retry, "authorize")

    order.refresh_from_db()
    assert paid.redirect_chain[-1] == (_confirmation_url(order), 302)
    assert order.status == OrderStatus.PAID
    assert Order.objects.count() == 1
    assert sorted(Payment.objects.values_list("status", flat=True)) == [
        PaymentStatus.CONFIRMED,
        PaymentStatus.FAILED,
    ]


def test_bank_transfer_shows_the_instructions_and_waits_for_staff(
    customer_client, customer_cart, staff
):
    set_checkout_state(
        customer_client, billing=dict(PERSON_BILLING), payment_method="bank_transfer"
    )
    response = customer_client.post(PLACE, _review(customer_client), follow=True)

    order = Order.objects.get()
    payment = Payment.objects.get()
    assert response.redirect_chain == [(_confirmation_url(order), 302)]
    assert "IT60X0542811101000000123456" in response.text
    assert order.number in response.text
    assert payment.status == PaymentStatus.PENDING
    assert payment.provider_reference == order.number
    assert order.status == OrderStatus.AWAITING_PAYMENT

    # Staff see the money arrive and record it.
    confirm_payment(payment=payment, actor=staff, note="Bonifico ricevuto")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_back_to_the_riepilogo_after_placing_leads_to_the_order_not_to_the_empty_cart(
    ready_client,
):
    """The browser's "back" from the payment page: the order is placed and the cart empty;
    the customer lands on that order's payment, told it is registered."""
    ready_client.post(PLACE, _review(ready_client))
    order = Order.objects.get()

    back = ready_client.get(REVIEW, follow=True)

    assert back.redirect_chain[-1][0] == _pay_url(order)
    assert f"L&#x27;ordine {order.number} è già stato registrato." in back.text
    assert "Il carrello è vuoto" not in back.text
