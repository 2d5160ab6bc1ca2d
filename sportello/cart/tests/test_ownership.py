"""A line can only be edited or removed by the visitor whose cart holds it."""

import pytest
from django.test import Client
from django.urls import reverse

from sportello.cart.models import CartLine
from sportello.cart.tests.factories import CartFactory, CartLineFactory

pytestmark = pytest.mark.django_db

NEW_ANSWERS = {"comune": "Ferrara", "urgenza": "standard"}
ORIGINAL = {"comune": "Bologna", "urgenza": "urgente", "note": None}


def _assert_line_untouched(line):
    line.refresh_from_db()
    assert line.answers == ORIGINAL


def _try_everything(client, line):
    edit_url = reverse("cart:edit_line", kwargs={"pk": line.pk})
    remove_url = reverse("cart:remove_line", kwargs={"pk": line.pk})
    return [
        client.get(edit_url).status_code,
        client.post(edit_url, NEW_ANSWERS).status_code,
        client.post(remove_url).status_code,
        client.post(remove_url, HTTP_HX_REQUEST="true").status_code,
    ]


def test_other_customer_gets_404(client, customer, other_customer, appraisal):
    line = CartLineFactory(cart=CartFactory(user=customer), service=appraisal, answers=ORIGINAL)
    client.force_login(other_customer)

    assert _try_everything(client, line) == [404, 404, 404, 404]
    _assert_line_untouched(line)


def test_anonymous_visitor_with_another_session_gets_404(appraisal):
    owner = Client()
    owner.post(
        reverse("cart:add", kwargs={"slug": appraisal.slug}),
        {"comune": "Bologna", "urgenza": "urgente"},
    )
    line = CartLine.objects.get()
    assert owner.get(reverse("cart:edit_line", kwargs={"pk": line.pk})).status_code == 200

    stranger = Client()
    stranger.get(reverse("cart:detail"))  # a session of their own, with no cart
    assert _try_everything(stranger, line) == [404, 404, 404, 404]
    stranger.post(
        reverse("cart:add", kwargs={"slug": appraisal.slug}),
        {"comune": "Rimini", "urgenza": "standard"},
    )  # and now with a cart of their own
    assert _try_everything(stranger, line) == [404, 404, 404, 404]
    _assert_line_untouched(line)


def test_anonymous_visitor_cannot_touch_a_customers_line(client, customer, appraisal):
    line = CartLineFactory(cart=CartFactory(user=customer), service=appraisal, answers=ORIGINAL)
    assert _try_everything(client, line) == [404, 404, 404, 404]
    _assert_line_untouched(line)


def test_customer_cannot_touch_an_anonymous_line(customer_client, appraisal):
    line = CartLineFactory(cart=CartFactory(), service=appraisal, answers=ORIGINAL)
    assert _try_everything(customer_client, line) == [404, 404, 404, 404]
    _assert_line_untouched(line)


def test_remove_only_accepts_post(customer_client, customer, appraisal):
    line = CartLineFactory(cart=CartFactory(user=customer), service=appraisal, answers=ORIGINAL)
    response = customer_client.get(reverse("cart:remove_line", kwargs={"pk": line.pk}))
    assert response.status_code == 405
    assert CartLine.objects.filter(pk=line.pk).exists()
