import pytest
from django.core.exceptions import ImproperlyConfigured

from sportello.orders.models import OrderStatus
from sportello.payments.actions import PaymentNotAllowed, start_payment
from sportello.payments.checks import check_payment_methods
from sportello.payments.models import Payment
from sportello.payments.providers import UnknownPaymentMethod, enabled_providers, get_provider


def identifiers(providers):
    return [provider.identifier for provider in providers]


def test_default_methods_in_the_configured_order(settings):
    assert identifiers(enabled_providers()) == ["test_gateway", "bank_transfer"]
    settings.PAYMENT_METHODS = ["bank_transfer", "test_gateway"]
    assert identifiers(enabled_providers()) == ["bank_transfer", "test_gateway"]


def test_providers_carry_what_checkout_shows():
    shown = [(p.identifier, p.verbose_name) for p in enabled_providers()]

    assert shown == [
        ("test_gateway", "Carta di credito (pagamento di prova)"),
        ("bank_transfer", "Bonifico bancario"),
    ]
    assert all(provider.description for provider in enabled_providers())


def test_stripe_needs_to_be_listed_and_to_have_a_secret_key(settings):
    settings.PAYMENT_METHODS = ["stripe", "bank_transfer"]
    assert identifiers(enabled_providers()) == ["bank_transfer"]

    settings.STRIPE_SECRET_KEY = "sk_test_123"
    assert identifiers(enabled_providers()) == ["stripe", "bank_transfer"]

    settings.PAYMENT_METHODS = ["bank_transfer"]
    assert identifiers(enabled_providers()) == ["bank_transfer"]


def test_bank_transfer_needs_an_iban(settings):
    settings.BANK_TRANSFER_IBAN = ""
    assert identifiers(enabled_providers()) == ["test_gateway"]


def test_unknown_method_is_a_configuration_error(settings):
    settings.PAYMENT_METHODS = ["test_gateway", "paypal"]

    with pytest.raises(ImproperlyConfigured, match="paypal"):
        enabled_providers()
    assert [message.id for message in check_payment_methods(None)] == ["payments.E001"]


def test_get_provider_knows_disabled_methods_too(settings):
    settings.PAYMENT_METHODS = ["bank_transfer"]

    assert get_provider("test_gateway").identifier == "test_gateway"
    with pytest.raises(UnknownPaymentMethod):
        get_provider("paypal")


@pytest.mark.django_db
def test_start_payment_refuses_a_disabled_method(settings, order, rf_request):
    settings.PAYMENT_METHODS = ["bank_transfer"]

    with pytest.raises(PaymentNotAllowed):
        start_payment(order=order, provider_id="test_gateway", request=rf_request)

    assert not Payment.objects.exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
