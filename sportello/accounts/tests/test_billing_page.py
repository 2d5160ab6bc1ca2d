"""DATI DI FATTURAZIONE: the saved billing data that prefills checkout."""

from decimal import Decimal

import pytest
from django.templatetags.static import static
from django.urls import reverse

from sportello.accounts.models import BillingProfile
from sportello.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:billing")

PERSON = {
    "kind": "person",
    "first_name": "Mario",
    "last_name": "Rossi",
    "codice_fiscale": "RSSMRA85T10A562S",
    "address": "Via Indipendenza 10",
    "cap": "40121",
    "comune": "Bologna",
    "provincia": "BO",
    "country": "IT",
}

COMPANY = {
    "kind": "company",
    "company_name": "Immobiliare Due Torri S.r.l.",
    "partita_iva": "00743110157",
    "codice_fiscale": "00743110157",
    "sdi_code": "M5UXCR1",
    "address": "Via Rizzoli 2",
    "cap": "40125",
    "comune": "Bologna",
    "provincia": "BO",
    "country": "IT",
}


def test_first_visit_prefills_the_name_and_saves_a_private_person(customer_client, customer):
    html = customer_client.get(URL).content.decode()
    assert 'value="Mario"' in html

    response = customer_client.post(URL, PERSON)

    assert response.status_code == 302
    profile = BillingProfile.objects.get(user=customer)
    assert (profile.kind, profile.codice_fiscale, profile.cap) == (
        "person",
        "RSSMRA85T10A562S",
        "40121",
    )


def test_company_data_is_saved_and_shown_again(customer_client, customer):
    customer_client.post(URL, COMPANY)

    html = customer_client.get(URL).content.decode()

    assert 'value="Immobiliare Due Torri S.r.l."' in html
    assert 'value="M5UXCR1"' in html
    assert BillingProfile.objects.get(user=customer).partita_iva == "00743110157"


def test_invalid_codice_fiscale_is_refused_next_to_the_field_and_input_kept(
    customer_client, customer
):
    response = customer_client.post(URL, {**PERSON, "codice_fiscale": "RSSMRA85T10A562X"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_codice_fiscale_error"' in html
    assert 'value="Via Indipendenza 10"' in html
    assert not BillingProfile.objects.filter(user=customer).exists()


def test_company_needs_sdi_code_or_pec(customer_client, customer):
    response = customer_client.post(URL, {**COMPANY, "sdi_code": ""})

    assert response.status_code == 200
    assert "SDI" in response.content.decode()
    assert not BillingProfile.objects.filter(user=customer).exists()


def test_changing_billing_data_leaves_past_orders_untouched(customer_client, customer):
    order = OrderFactory(customer=customer, billing_comune="Bologna", billing_cap="40121")
    customer_client.post(URL, PERSON)

    customer_client.post(URL, {**PERSON, "comune": "Modena", "cap": "41121", "provincia": "MO"})

    order.refresh_from_db()
    assert BillingProfile.objects.get(user=customer).comune == "Modena"
    assert (order.billing_comune, order.billing_cap) == ("Bologna", "40121")
    assert order.total_gross == Decimal("122.00")


def test_each_customer_sees_only_their_own_billing_data(customer_client, customer, other_customer):
    BillingProfile.objects.create(user=other_customer, **{**COMPANY, "kind": "company"})

    html = customer_client.get(URL).content.decode()

    assert "Immobiliare Due Torri" not in html


def test_page_loads_the_billing_fields_assets_of_accounts(customer_client):
    response = customer_client.get(URL)

    head, _, body = response.text.partition("</head>")
    assert f'<link rel="stylesheet" href="{static("accounts/billing.css")}">' in head
    assert "checkout/checkout.css" not in response.text
    assert f'<script src="{static("accounts/billing.js")}" defer></script>' in body
    assert 'data-billing-kind="company"' in body
