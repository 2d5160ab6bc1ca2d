"""Checkout forms. BillingForm also serves the account area's DATI DI FATTURAZIONE page."""

from __future__ import annotations

import re

from django import forms
from django.utils.html import format_html

from sportello.accounts.billing import BILLING_FIELDS
from sportello.accounts.models import BillingProfile
from sportello.core.italian import (
    CapField,
    CodiceFiscaleField,
    ComuneField,
    PartitaIvaField,
    ProvinciaField,
)

Kind = BillingProfile.Kind

# Fields that belong to one kind of customer only: the other kind's are cleared on save.
PERSON_FIELDS = ("first_name", "last_name")
COMPANY_FIELDS = ("company_name", "partita_iva", "sdi_code", "pec")
# Fields required for one kind of customer (the codice fiscale is required for both).
REQUIRED_BY_KIND = {
    Kind.PERSON: ("first_name", "last_name"),
    Kind.COMPANY: ("company_name", "partita_iva"),
}
SDI_CODE = re.compile(r"^[A-Z0-9]{7}$")
COUNTRY_CHOICES = [("IT", "Italia")]


def _text(label: str, *, max_length: int, autocomplete: str = "") -> forms.CharField:
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    return forms.CharField(
        label=label, max_length=max_length, required=False, widget=forms.TextInput(attrs=attrs)
    )


class BillingForm(forms.Form):
    """Billing data of a private person or of a company / professional, Italian address.

    Works on its own: `BillingForm(initial=billing_data_from_profile(profile))` to show saved
    data, `cleaned_data` (keys: BILLING_FIELDS) to save it with
    `sportello.accounts.billing.save_billing_profile`.
    Which fields are required depends on `kind`; the page shows both groups (it works without
    JavaScript) and a small script hides the one that does not apply.
    """

    # Required-ness is per kind and checked on the server, so the browser must not block a
    # hidden group's empty fields.
    use_required_attribute = False

    kind = forms.ChoiceField(
        label="Tipo di cliente",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Indica se sei un privato o un'azienda / professionista."},
    )
    first_name = _text("Nome", max_length=150, autocomplete="given-name")
    last_name = _text("Cognome", max_length=150, autocomplete="family-name")
    company_name = _text("Ragione sociale", max_length=200, autocomplete="organization")
    partita_iva = PartitaIvaField(label="Partita IVA", required=False)
    codice_fiscale = CodiceFiscaleField(
        label="Codice fiscale",
        help_text=(
            "Privati: 16 caratteri. Aziende e professionisti: 11 cifre o 16 caratteri "
            "(può coincidere con la partita IVA)."
        ),
    )
    sdi_code = forms.CharField(
        label="Codice destinatario SDI",
        max_length=10,
        required=False,
        help_text="7 caratteri, per la fattura elettronica. In alternativa indica la PEC.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    pec = forms.EmailField(
        label="PEC",
        required=False,
        help_text="Indirizzo di posta elettronica certificata, se non hai un codice SDI.",
        error_messages={"invalid": "Inserisci un indirizzo PEC valido (es. nome@pec.it)."},
    )
    address = forms.CharField(
        label="Indirizzo",
        max_length=200,
        help_text="Via o piazza e numero civico.",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    cap = CapField(label="CAP")
    comune = ComuneField(label="Comune")
    provincia = ProvinciaField(label="Provincia")
    country = forms.ChoiceField(
        label="Nazione",
        choices=COUNTRY_CHOICES,
        initial="IT",
        help_text="Per ora fatturiamo solo in Italia.",
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial = {"kind": Kind.PERSON, "country": "IT", **self.initial}
        # Bound: the submitted kind's fields are required. Unbound: both groups are marked
        # required, each for its own kind (the page says which group applies).
        kind = self.data.get(self.add_prefix("kind")) if self.is_bound else None
        for group_kind, names in REQUIRED_BY_KIND.items():
            for name in names:
                self.fields[name].required = not self.is_bound or kind == group_kind

    def clean_sdi_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["sdi_code"]).upper()
        if code and not SDI_CODE.match(code):
            raise forms.ValidationError(
                "Il codice destinatario SDI è composto da 7 caratteri (lettere e cifre).",
                code="sdi_code_format",
            )
        return code

    def clean_pec(self) -> str:
        return self.cleaned_data["pec"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind not in REQUIRED_BY_KIND:
            return cleaned
        codice_fiscale = cleaned.get("codice_fiscale") or ""
        if kind == Kind.PERSON and codice_fiscale.isdigit():
            self.add_error(
                "codice_fiscale",
                forms.ValidationError(
                    "Il codice fiscale di un privato ha 16 caratteri (lettere e cifre).",
                    code="codice_fiscale_person",
                ),
            )
        if (
            kind == Kind.COMPANY
            and not {"sdi_code", "pec"} & set(self.errors)
            and not cleaned.get("sdi_code")
            and not cleaned.get("pec")
        ):
            message = "Per la fattura elettronica indica il codice destinatario SDI oppure la PEC."
            self.add_error("sdi_code", forms.ValidationError(message, code="sdi_or_pec"))
            self.add_error("pec", forms.ValidationError(message, code="sdi_or_pec"))
        # The other kind's fields may still hold what was typed before switching: drop them.
        irrelevant = COMPANY_FIELDS if kind == Kind.PERSON else PERSON_FIELDS
        for name in irrelevant:
            if name in cleaned:
                cleaned[name] = ""
        return cleaned

    def billing_data(self) -> dict[str, str]:
        """The validated data as the plain dict checkout keeps and orders snapshot."""
        return {name: self.cleaned_data.get(name) or "" for name in BILLING_FIELDS}


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
        self.fields["payment_method"].choices = [
            (provider.identifier, _provider_label(provider)) for provider in self.providers
        ]


class PlaceOrderForm(forms.Form):
    """ "COMPLETA L'ACQUISTO": only the checkout token; prices are never read from the request."""

    checkout_token = forms.UUIDField(widget=forms.HiddenInput)
    # Tells whether the cart changed since the review was shown; never used as a price.
    cart_version = forms.CharField(widget=forms.HiddenInput, max_length=64)
