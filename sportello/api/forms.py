from django import forms

from sportello.api.models import WRITE_SCOPES, Scope
from sportello.companies.queries import may_buy

READ_ONLY_HELP = (
    "Come visualizzatore dell'azienda puoi creare token di sola lettura: ordini, preventivi e "
    "file li crea chi acquista per l'azienda."
)


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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_buy(user):
            scopes = self.fields["scopes"]
            scopes.choices = [c for c in Scope.choices if c[0] not in WRITE_SCOPES]  # type: ignore[attr-defined]
            scopes.help_text = READ_ONLY_HELP
            # A write scope posted anyway (a page opened before becoming a viewer).
            scopes.error_messages["invalid_choice"] = READ_ONLY_HELP


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
