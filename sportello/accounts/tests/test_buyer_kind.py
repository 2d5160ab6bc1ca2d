""" "Privato / Azienda": chosen once by visitors, decided by the billing data once known."""

import pytest
from django.test import Client
from django.urls import reverse

from sportello.accounts.buyer_kind import buyer_kind
from sportello.accounts.models import BillingProfile
from sportello.accounts.tests.test_billing_page import COMPANY

pytestmark = pytest.mark.django_db

CHOOSE = reverse("pages:buyer_kind")
HOME = reverse("pages:home")


def _kind(client) -> str:
    return client.get(HOME).context["buyer_kind"]


def test_visitors_see_consumer_prices_until_they_choose_and_the_choice_is_kept(client):
    assert _kind(client) == "person"

    response = client.post(CHOOSE, {"kind": "company", "next": "/servizi/"})

    assert response["Location"] == "/servizi/"
    assert _kind(client) == "company"
    assert client.get(HOME).cookies.get("buyer_kind") is None  # in the session, no new cookie


def test_the_choice_never_redirects_elsewhere(client):
    response = client.post(CHOOSE, {"kind": "company", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_accounts_billing_kind_decides_once_known(customer, password):
    BillingProfile.objects.create(user=customer, **{**COMPANY, "country": "IT"})
    client = Client()
    client.post(CHOOSE, {"kind": "person"})
    client.post(reverse("account_login"), {"login": customer.email, "password": password})

    page = client.get(HOME)

    assert page.context["buyer_kind"] == "company"
    assert "Prezzi per: <strong>Azienda</strong>" in page.text
    assert 'name="kind"' not in page.text
    # A choice posted later does not override the billing data.
    client.post(CHOOSE, {"kind": "person"})
    assert _kind(client) == "company"


def test_saving_billing_data_sets_the_kind(customer_client):
    customer_client.post(reverse("accounts:billing"), COMPANY)
    assert _kind(customer_client) == "company"


def test_another_accounts_kind_is_not_used(rf, customer, other_customer):
    request = rf.get("/")
    request.session = {"buyer_kind": {"kind": "company", "user": other_customer.pk}}
    request.user = customer
    assert buyer_kind(request) == "person"
