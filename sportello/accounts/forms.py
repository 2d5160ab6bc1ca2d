import re

from allauth.account import forms as allauth_forms
from django import forms
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html

from sportello.accounts.models import User
from sportello.privacy.actions import record_signup_consents
from sportello.privacy.queries import current_notice


def _relabel(field: forms.Field, label: str, *, autocomplete: str | None = None) -> None:
    """Italian label; no placeholder repeating it (the label is always visible)."""
    field.label = label
    field.widget.attrs.pop("placeholder", None)
    if autocomplete:
        field.widget.attrs["autocomplete"] = autocomplete


# Plain text: the validators' HTML list does not fit inside the field's help paragraph.
NEW_PASSWORD_HELP = (
    "Almeno 8 caratteri, non solo numeri; evita password comuni o simili al tuo nome "
    "o all'indirizzo e-mail."
)


def _relabel_new_password(form: forms.Form, label: str, confirm_label: str) -> None:
    _relabel(form.fields["password1"], label, autocomplete="new-password")
    form.fields["password1"].help_text = NEW_PASSWORD_HELP
    _relabel(form.fields["password2"], confirm_label, autocomplete="new-password")


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self.fields["login"], "E-mail", autocomplete="email")
        self.fields["login"].widget.input_type = "email"
        _relabel(self.fields["password"], "Password", autocomplete="current-password")
        if "remember" in self.fields:
            self.fields["remember"].label = "Resta collegato su questo dispositivo"


class SignupForm(allauth_forms.SignupForm):
    """Registration: name, e-mail, password, privacy notice acceptance, optional marketing."""

    first_name = forms.CharField(
        label="Nome", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Cognome",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    accept_privacy = forms.BooleanField(
        error_messages={"required": "Per registrarti devi dichiarare di aver letto l'informativa."}
    )
    marketing_consent = forms.BooleanField(
        required=False,
        label=(
            "Acconsento a ricevere via e-mail comunicazioni commerciali e aggiornamenti sui "
            "servizi (facoltativo, revocabile in ogni momento)"
        ),
    )

    field_order = [
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
        "accept_privacy",
        "marketing_consent",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self.fields["email"], "E-mail", autocomplete="email")
        _relabel_new_password(self, "Password", "Conferma la password")
        self.notice = current_notice()
        version = f" (versione {self.notice.version})" if self.notice else ""
        self.fields["accept_privacy"].label = format_html(
            "Ho letto e accetto l'{}{}",
            format_html(
                '<a href="{}" target="_blank" rel="noopener">informativa sulla privacy</a>',
                reverse("pages:privacy"),
            ),
            version,
        )

    def try_save(self, request):
        # The user, their e-mail address and their consents exist together or not at all.
        with transaction.atomic():
            return super().try_save(request)

    def signup(self, request, user: User) -> None:
        """Called by allauth once the user exists: record what was accepted, and when."""
        record_signup_consents(
            user=user,
            is_marketing_granted=self.cleaned_data["marketing_consent"],
            notice=self.notice,
        )


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self.fields["email"], "E-mail", autocomplete="email")


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel_new_password(self, "Nuova password", "Conferma la nuova password")


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self.fields["oldpassword"], "Password attuale", autocomplete="current-password")
        _relabel_new_password(self, "Nuova password", "Conferma la nuova password")


CHANGE_EMAIL_HELP = (
    "Ti invieremo un codice a questo indirizzo: il cambio avviene solo quando lo inserisci."
)


class ChangeEmailForm(allauth_forms.AddEmailForm):
    """PROFILO → Cambia e-mail: the new address and, to prove it is really the customer, the
    current password. Used by allauth's e-mail view (ACCOUNT_FORMS["add_email"]), which then
    sends a code to the new address; the current one stays until the code is confirmed.
    """

    password = forms.CharField(
        label="Password attuale",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self.fields["email"], "Nuovo indirizzo e-mail", autocomplete="email")
        self.fields["email"].widget.input_type = "email"
        self.fields["email"].help_text = CHANGE_EMAIL_HELP

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("La password non è corretta.")
        return password


class SetPasswordForm(allauth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel_new_password(self, "Password", "Conferma la password")


_PHONE_SEPARATORS = re.compile(r"[\s./()-]")
_PHONE = re.compile(r"^\+?\d{6,15}$")


class ProfileForm(forms.Form):
    """Not a ModelForm: validating must not touch request.user (the header shows its name)."""

    first_name = forms.CharField(
        label="Nome", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Cognome",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    phone = forms.CharField(
        label="Telefono",
        max_length=30,
        required=False,
        help_text=(
            "Facoltativo. Ci serve solo per contattarti sui tuoi ordini, es. +39 051 1234567."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE.match(_PHONE_SEPARATORS.sub("", phone)):
            raise forms.ValidationError(
                "Inserisci un numero di telefono valido: solo cifre, eventualmente preceduto "
                "dal prefisso internazionale (es. +39)."
            )
        return phone
