"""Checkout forms. BillingForm lives in accounts: billing data belong to the customer."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.html import format_html

from sportello.accounts.forms import BillingForm
from sportello.contracts.rules import TermsAcceptance
from sportello.core.money import format_euro
from sportello.credit.models import PREPAID_CREDIT_METHOD


class CheckoutBillingForm(BillingForm):
    save_profile = forms.BooleanField(
        label="Salva questi dati per i prossimi acquisti", required=False
    )


def _provider_label(provider, credit=None) -> str:
    """The method's name and description; for the company's credit, its balance and what is
    left after the order too (inside the label: read with the radio button)."""
    description = provider.description
    if credit is not None and credit.covers and provider.identifier == PREPAID_CREDIT_METHOD:
        description = format_html(
            "{} Saldo {}: dopo questo ordine ({}) restano {}.",
            description,
            format_euro(credit.balance),
            format_euro(credit.total),
            format_euro(credit.after),
        )
    if not description:
        return provider.verbose_name
    return format_html('{} <span class="choice-help">{}</span>', provider.verbose_name, description)


class PaymentMethodForm(forms.Form):
    payment_method = forms.ChoiceField(
        label="Metodo di pagamento",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Scegli come vuoi pagare.",
            "invalid_choice": "Questo metodo di pagamento non è disponibile: scegline un altro.",
        },
    )

    def __init__(self, *args, providers, credit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.providers = list(providers)
        self.fields["payment_method"].choices = [  # type: ignore[attr-defined]
            (provider.identifier, _provider_label(provider, credit)) for provider in self.providers
        ]


class PlaceOrderForm(forms.Form):
    """ "COMPLETA L'ACQUISTO": only the checkout token; prices are never read from the request."""

    # The server checks the terms box and answers next to it in Italian; the browser's own
    # bubble would be in the browser's language.
    use_required_attribute = False

    checkout_token = forms.UUIDField(widget=forms.HiddenInput)
    # Tells whether the cart changed since the review was shown; never used as a price.
    cart_version = forms.CharField(widget=forms.HiddenInput, max_length=64)

    # The sales contract (sportello.contracts). The version accepted is the one in force when
    # the order is placed, shown in the page; the labels are the text the customer agrees to.
    accept_terms = forms.BooleanField(
        label="Ho letto e accetto le Condizioni generali di vendita",
        error_messages={
            "required": "Per completare l'acquisto devi accettare le Condizioni generali di "
            "vendita: spunta la casella."
        },
    )
    early_start = forms.BooleanField(
        label=(
            "Chiedo che l'esecuzione dei servizi inizi prima della fine del periodo di recesso "
            "di 14 giorni. So che, se recedo dopo l'inizio, pagherò quanto già prestato e che "
            "perderò il diritto di recesso quando i servizi saranno completamente prestati."
        ),
        required=False,
    )

    def __init__(self, *args, is_consumer: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_consumer = is_consumer
        if not is_consumer:
            # A business buyer has no withdrawal period to waive.
            del self.fields["early_start"]

    @property
    def has_only_contract_errors(self) -> bool:
        """Only the terms checkbox is wrong: show the Riepilogo again with the error there."""
        return bool(self.errors) and set(self.errors) <= {"accept_terms", "early_start"}

    def acceptance(self, *, terms) -> TermsAcceptance:
        return TermsAcceptance(
            terms=terms,
            accepted_at=timezone.now(),
            early_start_requested=self.is_consumer and bool(self.cleaned_data.get("early_start")),
        )
