from __future__ import annotations

from decimal import Decimal

from django import forms

from sportello.catalogue.forms import ItalianDecimalField
from sportello.core.money import format_euro
from sportello.credit.purchase import top_up_limits


class TopUpForm(forms.Form):
    """ "Ricarica": how much credit to buy, within CREDIT_TOP_UP_MIN..MAX."""

    amount = ItalianDecimalField(
        label="Importo della ricarica (€)", max_digits=12, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = top_up_limits()
        self.fields[
            "amount"
        ].help_text = (
            f"Da {format_euro(low)} a {format_euro(high)}. La ricarica è fatturata all'acquisto."
        )

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        low, high = top_up_limits()
        if not low <= amount <= high:
            raise forms.ValidationError(
                f"Indica un importo tra {format_euro(low)} e {format_euro(high)}."
            )
        return amount


class AdjustmentForm(forms.Form):
    """Staff's "Rettifica manuale": add or take away an amount, with the reason."""

    direction = forms.ChoiceField(
        label="Rettifica",
        choices=[("add", "Aggiungi credito"), ("remove", "Togli credito")],
        widget=forms.RadioSelect,
    )
    amount = ItalianDecimalField(
        label="Importo (€)", max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    note = forms.CharField(
        label="Motivo", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def signed_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        return -amount if self.cleaned_data["direction"] == "remove" else amount
