"""API fixtures: tokens for the personas, a priced service, billing data."""

import pytest

from sportello.accounts.models import BillingProfile
from sportello.api.actions import create_token
from sportello.api.models import Scope
from sportello.cart.tests.conftest import build_appraisal
from sportello.checkout.tests.conftest import COMPANY_BILLING

ALL_SCOPES = list(Scope.values)


def bearer(plain: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


@pytest.fixture
def appraisal(db):
    """100,00 € + 22% IVA; "Consegna urgente" adds 30,00 € net."""
    return build_appraisal(slug="perizia-immobiliare")


@pytest.fixture
def company_profile(customer):
    return BillingProfile.objects.create(user=customer, **COMPANY_BILLING)


@pytest.fixture
def token(customer):
    return create_token(user=customer, name="Gestionale", scopes=ALL_SCOPES)


@pytest.fixture
def auth(token):
    return bearer(token.plain)


@pytest.fixture
def other_auth(other_customer):
    return bearer(create_token(user=other_customer, name="Altro", scopes=ALL_SCOPES).plain)
