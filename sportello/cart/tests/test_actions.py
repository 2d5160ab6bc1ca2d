"""The cart's write functions, called directly."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from sportello.cart import actions
from sportello.cart.models import Cart, CartKind, CartLine
from sportello.cart.tests.factories import CartFactory, CartLineFactory

pytestmark = pytest.mark.django_db


def _request(user=None):
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request.user = user or AnonymousUser()
    return request


def test_anonymous_carts_live_in_the_session_by_id():
    request = _request()
    purchase = actions.get_or_create_cart(request, CartKind.PURCHASE)
    quote = actions.get_or_create_cart(request, "quote")

    assert purchase.user is None
    assert (purchase.kind, quote.kind) == (CartKind.PURCHASE, CartKind.QUOTE)
    assert request.session["cart_ids"] == {"purchase": purchase.pk, "quote": quote.pk}
    assert actions.get_or_create_cart(request, CartKind.PURCHASE) == purchase
    assert Cart.objects.count() == 2


def test_a_stale_session_id_gets_a_new_cart(other_customer):
    theirs = CartFactory(user=other_customer)
    request = _request()
    request.session["cart_ids"] = {"purchase": theirs.pk}

    cart = actions.get_or_create_cart(request, CartKind.PURCHASE)

    assert cart.pk != theirs.pk
    assert cart.user is None
    assert request.session["cart_ids"] == {"purchase": cart.pk}


def test_customer_has_one_cart_per_kind(customer):
    request = _request(customer)
    cart = actions.get_or_create_cart(request, CartKind.PURCHASE)
    assert cart.user == customer
    assert actions.get_or_create_cart(request, CartKind.PURCHASE) == cart
    assert "cart_ids" not in request.session


def test_service_on_quote_cannot_go_into_the_purchase_cart(appraisal, due_diligence):
    purchase = CartFactory()
    quote = CartFactory(kind=CartKind.QUOTE)
    with pytest.raises(actions.WrongCartKind):
        actions.add_line(cart=purchase, service=due_diligence, answers={}, form_version=1)
    with pytest.raises(actions.WrongCartKind):
        actions.add_line(cart=quote, service=appraisal, answers={}, form_version=1)
    assert not CartLine.objects.exists()


def test_a_cart_has_a_line_limit(appraisal, monkeypatch):
    monkeypatch.setattr(actions, "MAX_LINES_PER_CART", 2)
    cart = CartFactory()
    for _ in range(2):
        actions.add_line(cart=cart, service=appraisal, answers={}, form_version=1)
    with pytest.raises(actions.CartFull):
        actions.add_line(cart=cart, service=appraisal, answers={}, form_version=1)
    assert cart.lines.count() == 2


def test_update_remove_and_empty(appraisal):
    cart = CartFactory()
    line = actions.add_line(
        cart=cart, service=appraisal, answers={"comune": "Bologna"}, form_version=1
    )
    other = CartLineFactory(cart=cart, service=appraisal)

    actions.update_line(line=line, answers={"comune": "Imola"}, form_version=2)
    line.refresh_from_db()
    assert (line.answers, line.form_version) == ({"comune": "Imola"}, 2)

    actions.remove_line(line=line)
    assert list(cart.lines.all()) == [other]

    untouched = CartLineFactory(cart=CartFactory())
    actions.empty_cart(cart=cart)
    assert not cart.lines.exists()
    assert Cart.objects.filter(pk=cart.pk).exists()
    assert CartLine.objects.get() == untouched
