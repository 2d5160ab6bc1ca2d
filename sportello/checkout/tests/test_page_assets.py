"""Checkout pages load their stylesheets in <head>; checkout.css does not repeat site.css."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from sportello.checkout.tests.conftest import PERSON_BILLING, set_checkout_state

pytestmark = pytest.mark.django_db


def _stylesheet(path: str) -> str:
    return f'<link rel="stylesheet" href="{static(path)}">'


@pytest.mark.parametrize(
    ("step", "stylesheets"),
    [
        ("checkout:billing", ["checkout/checkout.css", "accounts/billing.css"]),
        ("checkout:payment", ["checkout/checkout.css"]),
        ("checkout:review", ["cart/cart.css", "checkout/checkout.css"]),
    ],
)
def test_checkout_steps_link_their_stylesheets_in_the_head(
    customer_client, customer_cart, step, stylesheets
):
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING), payment_method="test_gateway")

    response = customer_client.get(reverse(step))

    assert response.status_code == 200
    head, _, body = response.text.partition("</head>")
    for path in stylesheets:
        assert _stylesheet(path) in head
        assert path not in body


def test_checkout_css_leaves_visually_hidden_to_site_css():
    with open(finders.find("checkout/checkout.css"), encoding="utf-8") as handle:
        assert ".visually-hidden {" not in handle.read()
    with open(finders.find("css/site.css"), encoding="utf-8") as handle:
        assert ".visually-hidden {" in handle.read()
