"""Scrivania forms: filters and assignment."""

from __future__ import annotations

from django import forms


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


class InspectionDateForm(forms.Form):
    inspection_on = forms.DateField(
        label="Data del sopralluogo",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
