"""Italian identifiers: form fields built on python-stdnum checksums and localflavor widgets."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from localflavor.it.forms import ITZipCodeField
from localflavor.it.it_province import PROVINCE_CHOICES
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva

from sportello.core.widgets import StaticChoicesSelect

PROVINCE_NAMES = dict(PROVINCE_CHOICES)


def normalize_partita_iva(value: str) -> str:
    compact = re.sub(r"[\s.\-]", "", value or "").upper()
    return compact.removeprefix("IT")


def validate_partita_iva(value: str) -> str:
    number = normalize_partita_iva(value)
    if not number.isdigit() or len(number) != 11:
        raise ValidationError(
            "La partita IVA deve essere composta da 11 cifre.", code="partita_iva_format"
        )
    try:
        iva.validate(number)
    except StdnumError as exc:
        raise ValidationError(
            "La partita IVA non è valida: controlla le cifre inserite.",
            code="partita_iva_checksum",
        ) from exc
    return number


def validate_codice_fiscale(value: str, *, allow_numeric: bool = True) -> str:
    """A person's 16-character codice fiscale, or (for companies) an 11-digit one."""
    number = re.sub(r"\s", "", value or "").upper()
    if allow_numeric and number.startswith("IT") and number[2:].isdigit():
        number = number[2:]  # a company's number typed as its partita IVA, "IT…"
    if allow_numeric and number.isdigit():
        if len(number) != 11:
            raise ValidationError(
                "Il codice fiscale numerico deve avere 11 cifre.", code="codice_fiscale_length"
            )
        try:
            iva.validate(number)
        except StdnumError as exc:
            raise ValidationError(
                "Il codice fiscale non è valido: controlla le cifre inserite.",
                code="codice_fiscale_checksum",
            ) from exc
        return number
    if number.isdigit():
        # stdnum accepts a company's 11 digits as a codice fiscale; here only a person's will do.
        raise ValidationError(
            "Inserisci il codice fiscale di una persona fisica (16 caratteri).",
            code="codice_fiscale_format",
        )
    try:
        codicefiscale.validate(number)
    except InvalidLength as exc:
        raise ValidationError(
            "Il codice fiscale deve avere 16 caratteri.", code="codice_fiscale_length"
        ) from exc
    except (InvalidFormat, InvalidComponent) as exc:
        raise ValidationError(
            "Il codice fiscale non ha un formato valido.", code="codice_fiscale_format"
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            "Il codice fiscale non è valido: il carattere di controllo non corrisponde.",
            code="codice_fiscale_checksum",
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            "Il codice fiscale non è valido.", code="codice_fiscale_invalid"
        ) from exc
    return number


def birth_date_matches(code: str, born: dt.date) -> bool:
    """Whether a person's 16-character codice fiscale (validated) encodes this birth day. It
    keeps the year's last two digits only."""
    try:
        encoded = codicefiscale.get_birth_date(code)
    except StdnumError:
        return False
    return (encoded.day, encoded.month, encoded.year % 100) == (
        born.day,
        born.month,
        born.year % 100,
    )


class CodiceFiscaleField(forms.CharField):
    def __init__(self, *, allow_numeric: bool = True, **kwargs):
        self.allow_numeric = allow_numeric
        # Room for the spaces people type between groups; the cleaned value has 16 characters.
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        return validate_codice_fiscale(value, allow_numeric=self.allow_numeric)


class PartitaIvaField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 16)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        return validate_partita_iva(value)


class CapField(ITZipCodeField):
    default_error_messages = {"invalid": "Il CAP deve essere composto da 5 cifre."}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "postal-code"})


PROVINCIA_FIELD_CHOICES = [("", "— Seleziona la provincia —"), *PROVINCE_CHOICES]


class ProvinciaField(forms.ChoiceField):
    default_error_messages = {"invalid_choice": "Seleziona una provincia italiana dall'elenco."}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", StaticChoicesSelect)
        super().__init__(**kwargs)
        if "choices" not in kwargs:
            # The same list for every field: not normalised again for each form.
            self._choices = self.widget.choices = PROVINCIA_FIELD_CHOICES
        self.widget.attrs.setdefault("autocomplete", "address-level1")


# Letters, spaces, apostrophes, hyphens, dots and the slash of bilingual names
# ("Bolzano/Bozen", "San Candido/Innichen").
COMUNE_PATTERN = r"^[A-Za-zÀ-ÖØ-öø-ÿ' .\-/]{2,80}$"
# Phones and Macs type a typographic apostrophe ("Sant’Agata"): it is the same name.
TYPOGRAPHIC_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


class ComuneField(forms.RegexField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 80)
        super().__init__(
            regex=COMUNE_PATTERN,
            error_messages={"invalid": "Inserisci il nome del comune (solo lettere)."},
            **kwargs,
        )
        self.widget.attrs.update({"autocomplete": "address-level2"})

    def to_python(self, value):
        # "San  Lazzaro di   Savena " is the same comune as "San Lazzaro di Savena".
        name = (super().to_python(value) or "").translate(TYPOGRAPHIC_APOSTROPHES)
        return re.sub(r"\s+", " ", name).strip()


class PhoneField(forms.RegexField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(
            regex=r"^\+?[0-9][0-9 ./\-]{5,24}$",
            error_messages={
                "invalid": (
                    "Inserisci un numero di telefono valido: cifre, con spazi e prefisso "
                    "internazionale se vuoi (es. +39 051 1234567)."
                )
            },
            **kwargs,
        )
        self.widget.input_type = "tel"
        self.widget.attrs.update({"autocomplete": "tel"})


def province_label(code: str) -> str:
    name = PROVINCE_NAMES.get(code)
    return f"{name} ({code})" if name else code
