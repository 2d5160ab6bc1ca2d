"""Checkout forms. BillingForm lives in accounts: billing data belong to the customer."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html

from sportello.accounts.forms import BillingForm


class CheckoutBillingForm(BillingForm):
    save_profile = forms.BooleanField(
        label="Salva questi dati per i prossimi acquisti", required=False
    )


def _provider_label(provider) -> str:
    if not provider.description:
        return provider.verbose_name
    return format_html(
        '{} <span class="choice-help">{}</span>', provider.verbose_name, provider.description
    )


class PaymentMethodForm(forms.Form):
    payment_method = forms.ChoiceField(
        label="Metodo di pagamento",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Scegli come vuoi pagare.",
            "invalid_choice": "Questo metodo di pagamento non è disponibile: scegline un altro.",
        },
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.providers = list(providers)
        self.fields["payment_method"].choices = [  # type: ignore[attr-defined]
            (provider.identifier, _provider_label(provider)) for provider in self.providers
        ]


class PlaceOrderForm(forms.Form):
    """ "COMPLETA L'ACQUISTO": only the checkout token; prices are never read from the request."""

    checkout_token = forms.UUIDField(widget=forms.HiddenInput)
    # Tells whether the cart changed since the review was shown; never used as a price.
    cart_version = forms.CharField(widget=forms.HiddenInput, max_length=64)
