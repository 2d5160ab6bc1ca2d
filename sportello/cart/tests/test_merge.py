"""An anonymous visitor's carts are merged into the account's carts at login."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse

from sportello.cart.actions import merge_anonymous_carts
from sportello.cart.models import Cart, CartKind, CartLine
from sportello.cart.session import SESSION_CART_IDS
from sportello.cart.tests.factories import CartFactory, CartLineFactory
from sportello.catalogue.tests.factories import QuoteServiceFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def _anonymous_request(**session):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.session.update(session)
    request.user = AnonymousUser()
    return request


def test_merge_moves_lines_into_the_existing_cart_and_is_idempotent(customer):
    service = ServiceFactory()
    own_cart = CartFactory(user=customer)
    kept = CartLineFactory(cart=own_cart, service=service, answers={"comune": "Bologna"})
    anonymous = CartFactory()
    same_service = CartLineFactory(cart=anonymous, service=service, answers={"comune": "Modena"})
    other = CartLineFactory(cart=anonymous)
    request = _anonymous_request(cart_ids={"purchase": anonymous.pk})

    merge_anonymous_carts(request=request, user=customer)

    assert set(own_cart.lines.values_list("pk", flat=True)) == {kept.pk, same_service.pk, other.pk}
    assert set(own_cart.lines.values_list("service_id", flat=True)) == {
        service.pk,
        other.service_id,
    }
    assert not Cart.objects.filter(pk=anonymous.pk).exists()
    assert SESSION_CART_IDS not in request.session

    # A second call (or a stale session still naming the deleted cart) changes nothing.
    merge_anonymous_carts(request=request, user=customer)
    request.session[SESSION_CART_IDS] = {"purchase": anonymous.pk}
    merge_anonymous_carts(request=request, user=customer)
    assert own_cart.lines.count() == 3
    assert CartLine.objects.count() == 3
    assert Cart.objects.count() == 1


def test_merge_creates_the_users_carts_of_both_kinds(customer):
    purchase = CartFactory()
    CartLineFactory(cart=purchase)
    quote = CartFactory(kind=CartKind.QUOTE)
    quote_line = CartLineFactory(cart=quote, service=QuoteServiceFactory())
    request = _anonymous_request(cart_ids={"purchase": purchase.pk, "quote": quote.pk})

    merge_anonymous_carts(request=request, user=customer)

    assert Cart.objects.get(user=customer, kind=CartKind.PURCHASE).lines.count() == 1
    user_quote_cart = Cart.objects.get(user=customer, kind=CartKind.QUOTE)
    assert list(user_quote_cart.lines.all()) == [quote_line]
    assert not Cart.objects.filter(user__isnull=True).exists()


def test_merge_never_takes_another_customers_cart(customer, other_customer):
    others = CartFactory(user=other_customer)
    their_line = CartLineFactory(cart=others)
    wrong_kind = CartFactory()
    wrong_kind_line = CartLineFactory(cart=wrong_kind)
    # A session naming someone else's cart, or a cart under the wrong kind, moves nothing.
    request = _anonymous_request(cart_ids={"purchase": others.pk, "quote": wrong_kind.pk})

    merge_anonymous_carts(request=request, user=customer)

    their_line.refresh_from_db()
    wrong_kind_line.refresh_from_db()
    assert their_line.cart_id == others.pk
    assert wrong_kind_line.cart_id == wrong_kind.pk
    assert not Cart.objects.filter(user=customer).exists()


def test_merge_with_no_anonymous_cart_does_nothing(customer):
    request = _anonymous_request()
    merge_anonymous_carts(request=request, user=customer)
    assert not Cart.objects.exists()


def test_real_login_merges_the_anonymous_cart(client, customer, password, appraisal):
    own_cart = CartFactory(user=customer)
    CartLineFactory(cart=own_cart, service=appraisal, answers={"comune": "Parma"})
    add_url = reverse("cart:add", kwargs={"slug": appraisal.slug})
    client.post(add_url, {"comune": "Bologna", "urgenza": "urgente"})
    client.post(add_url, {"comune": "Modena", "urgenza": "standard"})
    anonymous_cart = Cart.objects.get(user__isnull=True)
    session_key_before = client.session.session_key

    response = client.post(
        reverse("account_login"), {"login": customer.email, "password": password}
    )

    assert response.status_code == 302
    assert client.session.session_key != session_key_before
    assert SESSION_CART_IDS not in client.session
    assert not Cart.objects.filter(pk=anonymous_cart.pk).exists()
    comuni = [line.answers["comune"] for line in own_cart.lines.order_by("created_at", "id")]
    assert comuni == ["Parma", "Bologna", "Modena"]
    page = client.get(reverse("cart:detail"))
    assert 'id="cart-count" aria-label="3 servizi nel carrello">3</span>' in page.text

    # Logging out and in again merges nothing twice.
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": customer.email, "password": password})
    assert CartLine.objects.count() == 3
    assert Cart.objects.count() == 1
