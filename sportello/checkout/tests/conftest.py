"""Checkout fixtures: a priced service, a customer's cart, valid billing data."""

import pytest

from sportello.accounts.models import BillingProfile
from sportello.cart.models import Cart, CartKind
from sportello.cart.tests.conftest import build_appraisal
from sportello.cart.tests.factories import CartLineFactory
from sportello.checkout.session import SESSION_CHECKOUT

# Valid Italian identifiers (python-stdnum checksums).
CF_MARIO = "RSSMRA85T10A562S"
PIVA_ACME = "00743110157"
PIVA_OTHER = "02745120374"

PERSON_BILLING = {
    "kind": "person",
    "first_name": "Mario",
    "last_name": "Rossi",
    "company_name": "",
    "codice_fiscale": CF_MARIO,
    "partita_iva": "",
    "sdi_code": "",
    "pec": "",
    "address": "Via Indipendenza 12",
    "cap": "40121",
    "comune": "Bologna",
    "provincia": "BO",
    "country": "IT",
}
COMPANY_BILLING = {
    **PERSON_BILLING,
    "kind": "company",
    "first_name": "",
    "last_name": "",
    "company_name": "Acme Immobiliare S.r.l.",
    "codice_fiscale": PIVA_ACME,
    "partita_iva": PIVA_ACME,
    "sdi_code": "M5UXCR1",
    "pec": "",
}
URGENT = {"comune": "Bologna", "urgenza": "urgente", "note": "Citofonare Rossi"}
STANDARD = {"comune": "Modena", "urgenza": "standard", "note": ""}


@pytest.fixture
def appraisal(db):
    """100,00 € + 22% IVA; "Consegna urgente" adds 30,00 € net."""
    return build_appraisal(slug="perizia-immobiliare")


@pytest.fixture
def customer_cart(customer, appraisal):
    """The customer's purchase cart: one urgent appraisal (130,00 + 28,60 = 158,60 €)."""
    cart = Cart.objects.create(user=customer, kind=CartKind.PURCHASE)
    CartLineFactory(cart=cart, service=appraisal, answers=dict(URGENT))
    return cart


@pytest.fixture
def person_profile(customer):
    return BillingProfile.objects.create(user=customer, **PERSON_BILLING)


def set_checkout_state(client, **state) -> None:
    session = client.session
    session[SESSION_CHECKOUT] = {"billing": {}, "payment_method": "", "token": "", **state}
    session.save()


def checkout_state(client) -> dict:
    return client.session.get(SESSION_CHECKOUT)


@pytest.fixture
def ready_client(customer_client, customer_cart):
    """A logged-in customer with a cart, billing data and the test card gateway chosen."""
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING), payment_method="test_gateway")
    return customer_client
