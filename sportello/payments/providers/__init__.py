"""Payment providers behind one small interface; see base.PaymentProvider and registry."""

from sportello.payments.providers.base import PaymentProvider, StartResult
from sportello.payments.providers.registry import (
    UnknownPaymentMethod,
    enabled_providers,
    get_provider,
    is_enabled,
)

__all__ = [
    "PaymentProvider",
    "StartResult",
    "UnknownPaymentMethod",
    "enabled_providers",
    "get_provider",
    "is_enabled",
]
