"""Which payment methods exist, and which ones this installation offers (PAYMENT_METHODS)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sportello.payments.providers.bank_transfer import BankTransferProvider
from sportello.payments.providers.base import PaymentProvider
from sportello.payments.providers.stripe_checkout import StripeCheckoutProvider
from sportello.payments.providers.test_gateway import TestGatewayProvider

PROVIDER_CLASSES: dict[str, type[PaymentProvider]] = {
    provider.identifier: provider
    for provider in (TestGatewayProvider, StripeCheckoutProvider, BankTransferProvider)
}


class UnknownPaymentMethod(LookupError):
    pass


def register_provider(provider: type[PaymentProvider]) -> None:
    """Add a method that lives in an app above payments (the prepaid credit registers itself
    from its AppConfig.ready): payments cannot import it."""
    PROVIDER_CLASSES[provider.identifier] = provider


def get_provider(identifier: str) -> PaymentProvider:
    """The provider behind a method, enabled or not: callbacks and refunds of attempts made
    before a method was switched off must still work."""
    try:
        return PROVIDER_CLASSES[identifier]()
    except KeyError:
        raise UnknownPaymentMethod(identifier) from None


def listed_methods() -> list[str]:
    """PAYMENT_METHODS as configured; an unknown name is a configuration error, not a no-op."""
    unknown = [name for name in settings.PAYMENT_METHODS if name not in PROVIDER_CLASSES]
    if unknown:
        raise ImproperlyConfigured(
            f"PAYMENT_METHODS lists unknown methods {unknown}; known: {sorted(PROVIDER_CLASSES)}"
        )
    return list(dict.fromkeys(settings.PAYMENT_METHODS))


def is_enabled(identifier: str) -> bool:
    """Listed in PAYMENT_METHODS and with the settings it needs (e.g. Stripe's secret key)."""
    return identifier in listed_methods() and PROVIDER_CLASSES[identifier].is_configured()


def enabled_providers(order=None) -> list[PaymentProvider]:
    """The methods a customer may choose, in the configured order (for this order, if given)."""
    providers = [get_provider(name) for name in listed_methods() if is_enabled(name)]
    if order is not None:
        providers = [provider for provider in providers if provider.is_available(order)]
    return providers
