from decimal import Decimal

from django import forms
from django.utils import timezone

from sportello.catalogue.forms import ItalianDecimalField
from sportello.core.money import format_euro
from sportello.payments.actions import refundable_amount
from sportello.payments.models import Payment


class PaymentMethodForm(forms.Form):
    """The choice among the enabled providers (pass enabled_providers(order))."""

    method = forms.ChoiceField(
        label="Metodo di pagamento",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Scegli come vuoi pagare.",
            "invalid_choice": "Il metodo scelto non è disponibile: scegline un altro.",
        },
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.providers = {provider.identifier: provider for provider in providers}
        self.fields["method"].choices = [  # type: ignore[attr-defined]
            (provider.identifier, provider.verbose_name) for provider in providers
        ]
        # Preselect the method chosen before (or the only one), if it is still offered.
        if self.initial.get("method") not in self.providers:
            self.initial.pop("method", None)
        if len(providers) == 1:
            self.initial["method"] = providers[0].identifier


class TestGatewayDecisionForm(forms.Form):
    """Only the card holder's choice: amount and order come from the database, never from here."""

    decision = forms.ChoiceField(choices=[("authorize", "Autorizza"), ("decline", "Rifiuta")])


class PaymentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return (
            f"{obj.provider_label} · {format_euro(obj.amount)} · "
            f"rimborsabili {format_euro(refundable_amount(obj))}"
            f"{' · ' + obj.provider_reference if obj.provider_reference else ''}"
        )


class RefundForm(forms.Form):
    payment: forms.ModelChoiceField = PaymentChoiceField(
        label="Pagamento", queryset=Payment.objects.none(), empty_label=None
    )
    amount = ItalianDecimalField(
        label="Importo da rimborsare (€)",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    note = forms.CharField(
        label="Motivo",
        help_text="Lo leggerà il cliente: è scritto nell'e-mail del rimborso.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, payments, **kwargs):
        super().__init__(*args, **kwargs)
        payment_field = self.fields["payment"]
        assert isinstance(payment_field, forms.ModelChoiceField)
        payment_field.queryset = payments

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        payment, amount = cleaned.get("payment"), cleaned.get("amount")
        if payment is not None and amount is not None:
            # What earlier (partial) refunds left, not the payment's whole amount.
            available = refundable_amount(payment)
            if amount > available:
                self.add_error(
                    "amount",
                    "L'importo supera quanto ancora rimborsabile per questo pagamento "
                    f"({format_euro(available)}).",
                )
        return cleaned


class BankTransferForm(forms.Form):
    """ "Segna bonifico ricevuto": what the statement says (amount, value date, CRO/TRN).

    Given the order's day and what it still owes, figures that are probably a typing mistake
    or the wrong order — a value date before the order was placed, an amount above what is
    owed — are shown next to their field and need "Confermo" before the transfer is recorded.
    """

    amount = ItalianDecimalField(
        label="Importo ricevuto (€)", max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    value_date = forms.DateField(
        label="Data valuta",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    reference = forms.CharField(
        label="CRO / TRN",
        max_length=64,
        help_text="Il codice che identifica il bonifico nell'estratto conto.",
    )
    note = forms.CharField(
        label="Nota interna (facoltativa)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm_unusual = forms.BooleanField(
        label="Confermo: importo e data valuta sono quelli dell'estratto conto",
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, placed_on=None, still_due: Decimal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.placed_on = placed_on
        self.still_due = still_due

    def clean_value_date(self):
        value = self.cleaned_data["value_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("La data valuta non può essere nel futuro.")
        return value

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("confirm_unusual"):
            return cleaned
        unusual = {}
        value_date, amount = cleaned.get("value_date"), cleaned.get("amount")
        if self.placed_on and value_date and value_date < self.placed_on:
            unusual["value_date"] = (
                f"La data valuta è precedente all'ordine, effettuato il "
                f"{self.placed_on:%d/%m/%Y}: è il bonifico di questo ordine?"
            )
        if self.still_due is not None and amount and amount > self.still_due:
            unusual["amount"] = (
                f"L'importo supera quanto dovuto ({format_euro(self.still_due)}): la differenza "
                "andrà rimborsata. Controlla che non sia un errore di battitura."
            )
        if unusual:
            for field, message in unusual.items():
                self.add_error(field, message)
            # Shown only now: ticked, the same figures are recorded as typed.
            self.fields["confirm_unusual"].widget = forms.CheckboxInput()
            self.add_error(
                "confirm_unusual",
                "Se i dati sono corretti, spunta la conferma e invia di nuovo.",
            )
        return cleaned
