"""A quote request form starts with the referente, e-mail and company from the account."""

import pytest
from django.urls import reverse

from sportello.accounts.models import BillingProfile
from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import (
    FormFieldFactory,
    QuoteServiceFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

COMPANY = {
    "kind": BillingProfile.Kind.COMPANY,
    "company_name": "Immobiliare Rossi S.r.l.",
    "partita_iva": "12345678903",
    "address": "Via Roma 1",
    "cap": "40121",
    "comune": "Bologna",
    "provincia": "BO",
}


def _contact_fields(service):
    FormFieldFactory(service=service, key="ragione_sociale", label="Ragione sociale")
    FormFieldFactory(service=service, key="referente", label="Referente")
    FormFieldFactory(
        service=service, key="email", label="E-mail del referente", field_type=FieldType.EMAIL
    )
    FormFieldFactory(service=service, key="note", label="Note", is_required=False)
    return service


@pytest.fixture
def quote_service():
    return _contact_fields(QuoteServiceFactory(slug="valutazione-portafoglio"))


def _form_html(client, service) -> str:
    response = client.get(reverse("cart:add", kwargs={"slug": service.slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_signed_in_customer_finds_their_details(customer_client, customer, quote_service):
    BillingProfile.objects.create(user=customer, **COMPANY)

    html = _form_html(customer_client, quote_service)

    assert 'name="referente" value="Mario Rossi"' in html
    assert 'name="email" value="mario.rossi@example.com"' in html
    assert 'name="ragione_sociale" value="Immobiliare Rossi S.r.l."' in html
    assert 'name="note" value=' not in html


def test_without_billing_data_the_company_stays_empty(customer_client, quote_service):
    html = _form_html(customer_client, quote_service)

    assert 'name="referente" value="Mario Rossi"' in html
    assert 'name="ragione_sociale" value=' not in html


def test_name_from_the_billing_data_when_the_account_has_none(client, customer, quote_service):
    customer.first_name = customer.last_name = ""
    customer.save()
    BillingProfile.objects.create(
        user=customer,
        **{**COMPANY, "kind": BillingProfile.Kind.PERSON, "company_name": ""},
        first_name="Mario",
        last_name="Bianchi",
    )
    client.force_login(customer)

    assert 'name="referente" value="Mario Bianchi"' in _form_html(client, quote_service)


def test_visitors_get_an_empty_form(client, quote_service):
    html = _form_html(client, quote_service)
    assert 'name="referente" value=' not in html
    assert 'name="email" value=' not in html


def test_purchase_forms_are_not_prefilled(customer_client):
    service = _contact_fields(ServiceFactory(slug="visura"))
    assert 'name="referente" value=' not in _form_html(customer_client, service)


def test_what_the_customer_typed_wins_over_the_account(customer_client, quote_service):
    response = customer_client.post(
        reverse("cart:add", kwargs={"slug": quote_service.slug}),
        {"ragione_sociale": "Altra S.p.A.", "referente": "Luca Neri", "email": ""},
    )
    html = response.content.decode()
    assert 'name="referente" value="Luca Neri"' in html
    assert 'name="ragione_sociale" value="Altra S.p.A."' in html
    assert 'name="email" value="mario.rossi@example.com"' not in html
