from django import forms

from sportello.privacy.actions import OPTIONAL_PURPOSES
from sportello.privacy.models import ConsentPurpose


class DeleteAccountForm(forms.Form):
    """Deleting the account needs the current password and an explicit confirmation."""

    password = forms.CharField(
        label="Password attuale",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="Ho capito che la cancellazione è definitiva e non si può annullare",
        error_messages={"required": "Conferma di aver capito che la cancellazione è definitiva."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("La password non è corretta.")
        return password


CONSENT_HELP = {
    ConsentPurpose.MARKETING: (
        "Offerte, novità sui servizi e inviti via e-mail. Senza questo consenso ricevi solo i "
        "messaggi sui tuoi ordini e preventivi."
    ),
    ConsentPurpose.PROFILING: (
        "Analisi dei tuoi acquisti per proporti servizi in linea con i tuoi interessi."
    ),
}


class ConsentsForm(forms.Form):
    """One checkbox per optional purpose; unticked means withdrawn (or never given)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for purpose in OPTIONAL_PURPOSES:
            self.fields[purpose.value] = forms.BooleanField(
                label=purpose.label, required=False, help_text=CONSENT_HELP.get(purpose, "")
            )

    @classmethod
    def for_states(cls, states) -> "ConsentsForm":
        """Unbound, ticked where the customer's latest choice is a grant."""
        optional = {purpose.value for purpose in OPTIONAL_PURPOSES}
        return cls(
            initial={
                state.purpose: state.is_granted for state in states if state.purpose in optional
            }
        )

    def choices(self) -> dict[str, bool]:
        return {purpose.value: self.cleaned_data[purpose.value] for purpose in OPTIONAL_PURPOSES}
