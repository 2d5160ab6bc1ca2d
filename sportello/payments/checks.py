"""System checks: a misconfigured payment method is reported at start-up, not at checkout."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def check_payment_methods(app_configs, **kwargs):
    # Checks are registered while the app loads, before the providers' models can be imported.
    from sportello.payments.providers.registry import PROVIDER_CLASSES

    messages: list[checks.CheckMessage] = []
    unknown = [name for name in settings.PAYMENT_METHODS if name not in PROVIDER_CLASSES]
    if unknown:
        messages.append(
            checks.Error(
                f"PAYMENT_METHODS lists unknown methods: {', '.join(unknown)}.",
                hint=f"Known methods: {', '.join(sorted(PROVIDER_CLASSES))}.",
                id="payments.E001",
            )
        )
    if "stripe" in settings.PAYMENT_METHODS and not settings.STRIPE_SECRET_KEY:
        messages.append(
            checks.Warning(
                "PAYMENT_METHODS lists stripe but STRIPE_SECRET_KEY is empty: not offered.",
                id="payments.W001",
            )
        )
    if settings.STRIPE_SECRET_KEY and not settings.STRIPE_WEBHOOK_SECRET:
        messages.append(
            checks.Warning(
                "STRIPE_WEBHOOK_SECRET is empty: Stripe webhooks will be refused, so card "
                "payments are confirmed only when the customer comes back to the shop.",
                id="payments.W002",
            )
        )
    return messages


@checks.register(checks.Tags.security, deploy=True)
def check_test_gateway_off_in_production(app_configs, **kwargs):
    if "test_gateway" not in settings.PAYMENT_METHODS:
        return []
    return [
        checks.Warning(
            "The test gateway is enabled: anyone can 'pay' an order without money.",
            hint="Remove test_gateway from PAYMENT_METHODS in production.",
            id="payments.W003",
        )
    ]
