import re

from allauth.account import forms as allauth_forms
from django import forms
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from sportello.accounts.billing import BILLING_FIELDS
from sportello.accounts.consents import OPTIONAL_PURPOSES, current_notice, record_signup_consents
from sportello.accounts.models import BillingProfile, ConsentPurpose, User
from sportello.accounts.signup import forget_pending_signup, keep_pending_signup
from sportello.core.italian import (
    CapField,
    CodiceFiscaleField,
    ComuneField,
    PartitaIvaField,
    ProvinciaField,
)


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
            # Information, not a contract: the customer acknowledges it, nothing to "accept".
            "Ho preso visione dell'{}{}",
            format_html(
                '<a href="{}" target="_blank" rel="noopener">informativa privacy'
                '<span class="visually-hidden"> (si apre in una nuova scheda)</span></a>',
                reverse("pages:privacy"),
            ),
            version,
        )

    def clean(self):
        cleaned = super().clean()
        # allauth compares the two passwords only once the first passes its checks: a weak
        # password typed twice differently gets both errors at once, not one after the other.
        first = self.data.get(self.add_prefix("password1"), "")
        second = self.data.get(self.add_prefix("password2"), "")
        weak_and_different = "password1" in self.errors and first and second and first != second
        if weak_and_different and "password2" not in self.errors:
            self.add_error("password2", gettext("You must type the same password each time."))
        return cleaned

    def try_save(self, request):
        if self.account_already_exists:
            # Same work and same page as for a new address (no account enumeration).
            keep_pending_signup(request, cleaned_data=self.cleaned_data, notice=self.notice)
        else:
            forget_pending_signup(request)
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
                "Inserisci un numero di telefono valido: cifre, con spazi e prefisso "
                "internazionale se vuoi (es. +39 051 1234567)."
            )
        return phone


Kind = BillingProfile.Kind

# Fields that belong to one kind of customer only: the other kind's are cleared on save.
PERSON_FIELDS = ("first_name", "last_name")
COMPANY_FIELDS = ("company_name", "partita_iva", "sdi_code", "pec")
# Fields required for one kind of customer (the codice fiscale is required for both).
REQUIRED_BY_KIND = {
    Kind.PERSON: ("first_name", "last_name"),
    Kind.COMPANY: ("company_name", "partita_iva"),
}
SDI_CODE = re.compile(r"^[A-Z0-9]{7}$")
COUNTRY_CHOICES = [("IT", "Italia")]


def _text(label: str, *, max_length: int, autocomplete: str = "") -> forms.CharField:
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    return forms.CharField(
        label=label, max_length=max_length, required=False, widget=forms.TextInput(attrs=attrs)
    )


class BillingForm(forms.Form):
    """Billing data of a private person or of a company / professional, Italian address.

    Used by the account's DATI DI FATTURAZIONE page and, through `CheckoutBillingForm`, by
    the checkout's billing step.

    Works on its own: `BillingForm(initial=billing_data_from_profile(profile))` to show saved
    data, `cleaned_data` (keys: BILLING_FIELDS) to save it with
    `sportello.accounts.billing.save_billing_profile`.
    Which fields are required depends on `kind`; the page shows both groups (it works without
    JavaScript) and a small script hides the one that does not apply.
    """

    # Required-ness is per kind and checked on the server, so the browser must not block a
    # hidden group's empty fields.
    use_required_attribute = False

    kind = forms.ChoiceField(
        label="Tipo di cliente",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Indica se sei un privato o un'azienda / professionista."},
    )
    first_name = _text("Nome", max_length=150, autocomplete="given-name")
    last_name = _text("Cognome", max_length=150, autocomplete="family-name")
    company_name = _text("Ragione sociale", max_length=200, autocomplete="organization")
    partita_iva = PartitaIvaField(label="Partita IVA", required=False)
    codice_fiscale = CodiceFiscaleField(
        label="Codice fiscale",
        help_text=(
            "Privati: 16 caratteri. Aziende e professionisti: 11 cifre o 16 caratteri; "
            "se coincide con la partita IVA puoi lasciarlo vuoto."
        ),
    )
    sdi_code = forms.CharField(
        label="Codice destinatario SDI",
        max_length=10,
        required=False,
        help_text="7 caratteri, per la fattura elettronica. In alternativa indica la PEC.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    pec = forms.EmailField(
        label="PEC",
        required=False,
        help_text="Indirizzo di posta elettronica certificata, se non hai un codice SDI.",
        error_messages={"invalid": "Inserisci un indirizzo PEC valido (es. nome@pec.it)."},
    )
    address = forms.CharField(
        label="Indirizzo",
        max_length=200,
        help_text="Via o piazza e numero civico.",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    cap = CapField(label="CAP")
    comune = ComuneField(label="Comune")
    provincia = ProvinciaField(label="Provincia")
    country = forms.ChoiceField(
        label="Nazione",
        choices=COUNTRY_CHOICES,
        initial="IT",
        help_text="Per ora fatturiamo solo in Italia.",
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial = {"kind": Kind.PERSON, "country": "IT", **self.initial}
        # Bound: the submitted kind's fields are required. Unbound: both groups are marked
        # required, each for its own kind (the page says which group applies).
        kind = self.data.get(self.add_prefix("kind")) if self.is_bound else None
        for group_kind, names in REQUIRED_BY_KIND.items():
            for name in names:
                self.fields[name].required = not self.is_bound or kind == group_kind
        # A company's codice fiscale, left empty, is its partita IVA (see clean()).
        self.fields["codice_fiscale"].required = not self.is_bound or kind != Kind.COMPANY

    def clean_sdi_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["sdi_code"]).upper()
        if code and not SDI_CODE.match(code):
            raise forms.ValidationError(
                "Il codice destinatario SDI è composto da 7 caratteri (lettere e cifre).",
                code="sdi_code_format",
            )
        return code

    def clean_pec(self) -> str:
        return self.cleaned_data["pec"].strip().lower()

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        kind = cleaned.get("kind")
        if kind not in REQUIRED_BY_KIND:
            return cleaned
        codice_fiscale = cleaned.get("codice_fiscale") or ""
        if (
            kind == Kind.COMPANY
            and not codice_fiscale
            and "codice_fiscale" not in self.errors
            and cleaned.get("partita_iva")
        ):
            # Most companies' codice fiscale is their partita IVA: not typed twice.
            cleaned["codice_fiscale"] = codice_fiscale = cleaned["partita_iva"]
        elif (
            kind == Kind.COMPANY
            and not codice_fiscale
            and "codice_fiscale" not in self.errors
            # A partita IVA typed but wrong has its own error: the codice fiscale left empty to
            # coincide with it is not a second mistake.
            and not (
                "partita_iva" in self.errors
                and str(self.data.get(self.add_prefix("partita_iva"), "")).strip()
            )
        ):
            self.add_error(
                "codice_fiscale",
                forms.ValidationError(
                    "Indica il codice fiscale, oppure la partita IVA se coincidono.",
                    code="required",
                ),
            )
        if kind == Kind.PERSON and codice_fiscale.isdigit():
            self.add_error(
                "codice_fiscale",
                forms.ValidationError(
                    "Il codice fiscale di un privato ha 16 caratteri (lettere e cifre).",
                    code="codice_fiscale_person",
                ),
            )
        if (
            kind == Kind.COMPANY
            and not {"sdi_code", "pec"} & set(self.errors)
            and not cleaned.get("sdi_code")
            and not cleaned.get("pec")
        ):
            message = "Per la fattura elettronica indica il codice destinatario SDI oppure la PEC."
            self.add_error("sdi_code", forms.ValidationError(message, code="sdi_or_pec"))
            self.add_error("pec", forms.ValidationError(message, code="sdi_or_pec"))
        # The other kind's fields may still hold what was typed before switching: drop them,
        # and their errors (a wrong partita IVA typed before choosing "Privato" is hidden).
        irrelevant = COMPANY_FIELDS if kind == Kind.PERSON else PERSON_FIELDS
        for name in irrelevant:
            self.errors.pop(name, None)
            cleaned[name] = ""
        return cleaned

    def billing_data(self) -> dict[str, str]:
        """The validated data as the plain dict checkout keeps and orders snapshot."""
        return {name: self.cleaned_data.get(name) or "" for name in BILLING_FIELDS}


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


class CodeChangeEmailForm(allauth_forms.ChangeEmailForm):
    """The code page's "Hai sbagliato indirizzo?": the corrected address, labelled in Italian
    (allauth's own label reads "Email")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self.fields["email"], "Indirizzo e-mail corretto", autocomplete="email")
