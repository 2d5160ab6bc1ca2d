from django import forms

from sportello.api.models import Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Nome del token",
        max_length=100,
        help_text="Per riconoscerlo, ad esempio il nome del programma che lo usa.",
        error_messages={"required": "Dai un nome al token."},
    )
    scopes = forms.MultipleChoiceField(
        label="Permessi",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Scegli almeno un permesso."},
    )
    expires_on = forms.DateField(
        label="Scade il",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="Facoltativo: dopo questa data il token non funziona più.",
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="Indirizzo che riceve le notifiche",
        max_length=500,
        assume_scheme="https",
        help_text="Ricevi una chiamata POST firmata a ogni cambio di stato dei tuoi ordini.",
        error_messages={
            "required": "Indica l'indirizzo.",
            "invalid": "Indica un indirizzo web completo, ad esempio https://esempio.it/notifiche.",
        },
    )
