import pytest
from django.test import RequestFactory

from sportello.payments.tests.factories import AwaitingOrderFactory


@pytest.fixture(autouse=True)
def _payment_settings(settings):
    """The embedded default, whatever the environment running the tests says."""
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    settings.TEST_GATEWAY_SECRET = ""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_API_BASE = ""
    settings.BANK_TRANSFER_IBAN = "IT60X0542811101000000123456"
    settings.BANK_TRANSFER_BENEFICIARY = "Sportello Servizi S.r.l."
    settings.BANK_TRANSFER_BANK = "Banca di Esempio S.p.A."


@pytest.fixture
def order(customer):
    return AwaitingOrderFactory(customer=customer)


@pytest.fixture
def other_order(other_customer):
    return AwaitingOrderFactory(customer=other_customer)


@pytest.fixture
def rf_request(customer):
    request = RequestFactory().get("/")
    request.user = customer
    return request
