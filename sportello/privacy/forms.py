from django import forms

# Re-exported: the consent form lives with the account pages that show it.
from sportello.accounts.forms import CONSENT_HELP, ConsentsForm  # noqa: F401


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
