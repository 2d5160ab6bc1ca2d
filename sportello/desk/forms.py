"""Scrivania forms: filters and assignment."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from sportello.catalogue.forms import ItalianDecimalField


class QueueFilterForm(forms.Form):
    servizio = forms.TypedChoiceField(
        label="Servizio", required=False, coerce=int, empty_value=None
    )
    categoria = forms.TypedChoiceField(
        label="Categoria", required=False, coerce=int, empty_value=None
    )
    assegnatario = forms.TypedChoiceField(
        label="Assegnato a", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, services, categories, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["servizio"].choices = [("", "Tutti i servizi"), *services]  # type: ignore[attr-defined]
        self.fields["categoria"].choices = [("", "Tutte le categorie"), *categories]  # type: ignore[attr-defined]
        self.fields["assegnatario"].choices = [  # type: ignore[attr-defined]
            ("", "Chiunque"),
            *[(user.pk, user.get_full_name() or user.email) for user in staff],
        ]


class AssignForm(forms.Form):
    assigned_to = forms.TypedChoiceField(
        label="Assegna a", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].choices = [  # type: ignore[attr-defined]
            ("", "Nessuno"),
            *[(user.pk, user.get_full_name() or user.email) for user in staff],
        ]


class BankTransferForm(forms.Form):
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

    def clean_value_date(self):
        value = self.cleaned_data["value_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("La data valuta non può essere nel futuro.")
        return value


class InspectionDateForm(forms.Form):
    inspection_on = forms.DateField(
        label="Data del sopralluogo",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
