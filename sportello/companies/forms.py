import copy

from django import forms

from sportello.accounts.forms import BillingForm
from sportello.companies.models import Role
from sportello.core.italian import CodiceFiscaleField, PartitaIvaField

# The address and e-invoicing fields are the billing form's, so the two pages agree.
_SHARED = ("sdi_code", "pec", "address", "cap", "comune", "provincia", "country")


class CompanyForm(forms.Form):
    """The company's billing data. The partita IVA is fixed once the company exists."""

    use_required_attribute = False

    name = forms.CharField(
        label="Ragione sociale",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    partita_iva = PartitaIvaField(label="Partita IVA")
    codice_fiscale = CodiceFiscaleField(
        label="Codice fiscale",
        required=False,
        help_text="11 cifre o 16 caratteri; lascia vuoto se coincide con la partita IVA.",
    )

    def __init__(self, *args, fixed_partita_iva: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        for name in _SHARED:
            self.fields[name] = copy.deepcopy(BillingForm.base_fields[name])
        self.initial = {"country": "IT", **self.initial}
        self.fixed_partita_iva = fixed_partita_iva
        if fixed_partita_iva:
            self.fields["partita_iva"].disabled = True
            self.fields[
                "partita_iva"
            ].help_text = (
                "La partita IVA identifica l'azienda: per correggerla scrivi al servizio clienti."
            )
            self.initial["partita_iva"] = fixed_partita_iva

    clean_sdi_code = BillingForm.clean_sdi_code
    clean_pec = BillingForm.clean_pec

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.fixed_partita_iva:
            cleaned["partita_iva"] = self.fixed_partita_iva
        if not cleaned.get("codice_fiscale") and cleaned.get("partita_iva"):
            cleaned["codice_fiscale"] = cleaned["partita_iva"]
        if (
            not {"sdi_code", "pec"} & set(self.errors)
            and not cleaned.get("sdi_code")
            and not cleaned.get("pec")
        ):
            message = "Per la fattura elettronica indica il codice destinatario SDI oppure la PEC."
            self.add_error("sdi_code", forms.ValidationError(message, code="sdi_or_pec"))
            self.add_error("pec", forms.ValidationError(message, code="sdi_or_pec"))
        return cleaned


MEMBER_ROLES = [(Role.BUYER.value, Role.BUYER.label), (Role.VIEWER.value, Role.VIEWER.label)]
ROLE_HELP = (
    "Acquirente: ordina e vede i propri ordini. Visualizzatore: vede gli ordini dell'azienda "
    "ma non acquista."
)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="E-mail del collega",
        error_messages={"invalid": "Inserisci un indirizzo e-mail valido."},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Ruolo", choices=MEMBER_ROLES, initial=Role.BUYER, help_text=ROLE_HELP
    )
    can_see_colleague_orders = forms.BooleanField(
        label="Può vedere gli ordini dei colleghi", required=False
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class MemberForm(forms.Form):
    role = forms.ChoiceField(label="Ruolo", choices=MEMBER_ROLES, help_text=ROLE_HELP)
    can_see_colleague_orders = forms.BooleanField(
        label="Può vedere gli ordini dei colleghi",
        required=False,
        help_text="Per un acquirente: un osservatore vede già tutti gli ordini dell'azienda.",
    )

    def __init__(self, *args, member_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if member_name:
            # One form per member in the table: each control says whose it is.
            self.fields["role"].label = f"Ruolo di {member_name}"
            self.fields[
                "can_see_colleague_orders"
            ].label = f"{member_name} può vedere gli ordini dei colleghi"


class TransferForm(forms.Form):
    member = forms.TypedChoiceField(
        label="Nuovo amministratore",
        coerce=int,
        help_text="Diventerai acquirente con accesso a tutti gli ordini dell'azienda.",
        error_messages={"invalid_choice": "Scegli un membro dell'azienda."},
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "— Scegli un collega —")] + [  # type: ignore[attr-defined]
            (m.pk, f"{m.user.display_name} ({m.user.email})")
            for m in members
            if not m.is_administrator
        ]
