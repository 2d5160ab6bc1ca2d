from django import forms


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
