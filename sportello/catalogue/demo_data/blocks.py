"""Building blocks of the demo catalogue: definition types and questions shared by services."""

from __future__ import annotations

from dataclasses import dataclass

from sportello.catalogue.models import FieldType


@dataclass(frozen=True)
class DemoChoice:
    value: str
    label: str
    supplement: str = "0.00"


@dataclass(frozen=True)
class DemoField:
    key: str
    label: str
    field_type: str
    required: bool = True
    help_text: str = ""
    supplement: str = "0.00"  # yes/no questions: added when the answer is "Sì"
    extensions: str = ""  # file questions: accepted extensions, empty = the site's list
    choices: tuple[DemoChoice, ...] = ()
    min_value: str | None = None  # number questions: plausible answers
    max_value: str | None = None
    date_limit: str = ""  # date questions: "past", "future", "birth" (catalogue.models.DateLimit)
    text_format: str = ""  # short texts: "digits" or "code" (catalogue.models.TextFormat)


@dataclass(frozen=True)
class DemoService:
    slug: str
    name: str
    summary: str
    description: str
    delivery_time: str
    net_price: str | None  # None: sold on quote
    fields: tuple[DemoField, ...]
    featured: bool = False
    vat_rate: str = "22.00"


@dataclass(frozen=True)
class DemoCategory:
    slug: str
    name: str
    description: str
    services: tuple[DemoService, ...]


# --- Questions shared by several services ---------------------------------------------------


def comune(label: str = "Comune") -> DemoField:
    return DemoField("comune", label, FieldType.COMUNE)


def provincia(label: str = "Provincia") -> DemoField:
    return DemoField("provincia", label, FieldType.PROVINCIA)


def cap() -> DemoField:
    return DemoField("cap", "CAP", FieldType.CAP)


def indirizzo() -> DemoField:
    return DemoField(
        "indirizzo",
        "Indirizzo dell'immobile",
        FieldType.TEXT,
        help_text="Via o piazza e numero civico, es. Via dell'Indipendenza 12",
    )


def foglio() -> DemoField:
    return DemoField(
        "foglio",
        "Foglio",
        FieldType.TEXT,
        help_text="Come riportato nel rogito",
        text_format="digits",
    )


def particella() -> DemoField:
    return DemoField("particella", "Particella (mappale)", FieldType.TEXT, text_format="code")


def subalterno(required: bool = False) -> DemoField:
    return DemoField(
        "subalterno",
        "Subalterno",
        FieldType.TEXT,
        required=required,
        help_text="" if required else "Lascia vuoto per i terreni o se non lo conosci",
        text_format="digits",
    )


def codice_fiscale_intestatario(required: bool = True) -> DemoField:
    return DemoField(
        "codice_fiscale_intestatario",
        "Codice fiscale dell'intestatario",
        FieldType.CODICE_FISCALE,
        required=required,
        help_text="Persona fisica (16 caratteri) o società (11 cifre)",
    )


def tipologia_immobile() -> DemoField:
    return DemoField(
        "tipologia",
        "Tipologia dell'immobile",
        FieldType.CHOICE,
        choices=(
            DemoChoice("appartamento", "Appartamento"),
            DemoChoice("villa", "Villa o casa indipendente"),
            DemoChoice("villetta-schiera", "Villetta a schiera"),
            DemoChoice("ufficio", "Ufficio"),
            DemoChoice("negozio", "Negozio o locale commerciale"),
            DemoChoice("box", "Box o posto auto"),
        ),
    )


def superficie(label: str = "Superficie commerciale (m²)") -> DemoField:
    return DemoField(
        "superficie",
        label,
        FieldType.DECIMAL,
        help_text="Anche approssimativa, es. 85,5",
        min_value="1",
    )


def referente() -> DemoField:
    return DemoField("referente", "Referente", FieldType.TEXT, help_text="Nome e cognome")


def telefono(label: str = "Telefono del referente") -> DemoField:
    return DemoField("telefono", label, FieldType.PHONE)


def email_referente() -> DemoField:
    return DemoField("email", "E-mail del referente", FieldType.EMAIL)


def sopralluogo() -> tuple[DemoField, ...]:
    return (
        DemoField(
            "referente_sopralluogo",
            "Persona da contattare per il sopralluogo",
            FieldType.TEXT,
            help_text="Chi aprirà l'immobile al tecnico",
        ),
        telefono("Telefono per il sopralluogo"),
        DemoField(
            "disponibilita",
            "Giorni e orari preferiti per il sopralluogo",
            FieldType.TEXTAREA,
            required=False,
        ),
    )


def planimetria(required: bool = False) -> DemoField:
    return DemoField(
        "planimetria",
        "Planimetria catastale (PDF)",
        FieldType.FILE,
        required=required,
        help_text="File PDF, massimo 10 MB",
        extensions="pdf",
    )


def consegna_urgente(supplement: str, detail: str) -> DemoField:
    return DemoField(
        "consegna_urgente",
        "Consegna urgente",
        FieldType.BOOLEAN,
        required=False,
        help_text=detail,
        supplement=supplement,
    )
