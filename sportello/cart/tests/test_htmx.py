"""Removing a line with htmx swaps the cart's content and the header counts in place."""

import pytest
from django.urls import reverse

from sportello.cart.models import CartKind, CartLine
from sportello.cart.tests.factories import CartFactory, CartLineFactory

pytestmark = pytest.mark.django_db

URGENT = {"comune": "Bologna", "urgenza": "urgente", "note": None}


def test_htmx_remove_returns_the_cart_and_out_of_band_counts(
    customer_client, customer, appraisal, due_diligence
):
    cart = CartFactory(user=customer)
    removed = CartLineFactory(cart=cart, service=appraisal, answers=URGENT)
    kept = CartLineFactory(cart=cart, service=appraisal, answers={**URGENT, "urgenza": "standard"})
    CartLineFactory(
        cart=CartFactory(user=customer, kind=CartKind.QUOTE),
        service=due_diligence,
        answers={"indirizzo": "Via Roma 1"},
    )
    page = customer_client.get(reverse("cart:detail"))
    remove_url = reverse("cart:remove_line", kwargs={"pk": removed.pk})
    assert f'hx-post="{remove_url}" hx-target="#cart-content" hx-swap="outerHTML"' in page.text

    response = customer_client.post(remove_url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    text = response.text
    assert "<html" not in text
    assert text.lstrip().startswith('<div id="cart-content">')
    assert "«Perizia immobiliare» è stato rimosso." in text
    assert f'id="riga-{kept.pk}"' in text
    assert f'id="riga-{removed.pk}"' not in text
    assert 'id="cart-total-gross">122,00\u00a0€' in text
    assert (
        '<span class="badge" id="cart-count" hx-swap-oob="true" '
        'aria-label="1 servizio nel carrello">1</span>'
    ) in text
    assert 'id="quote-cart-count" hx-swap-oob="true"' in text
    assert 'aria-label="1 servizio nel carrello preventivi">1</span>' in text
    assert list(CartLine.objects.filter(cart=cart)) == [kept]
    # The notice was shown in place: it must not show up again on the next page.
    assert "è stato rimosso" not in customer_client.get(reverse("cart:detail")).text


def test_htmx_remove_of_the_last_quote_line_shows_the_empty_quote_cart(
    customer_client, customer, due_diligence
):
    line = CartLineFactory(
        cart=CartFactory(user=customer, kind=CartKind.QUOTE),
        service=due_diligence,
        answers={"indirizzo": "Via Roma 1"},
    )
    response = customer_client.post(
        reverse("cart:remove_line", kwargs={"pk": line.pk}), HTTP_HX_REQUEST="true"
    )
    assert "Il carrello preventivi è vuoto." in response.text
    assert 'aria-label="0 servizi nel carrello preventivi">0</span>' in response.text
    assert not CartLine.objects.exists()
