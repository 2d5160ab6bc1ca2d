"""The API's request and response shapes (OpenAPI components)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from sportello.catalogue.models import FieldType
from sportello.invoicing.models import DocumentKind
from sportello.orders.models import LineStatus, OrderStatus
from sportello.quotes.models import QuoteStatus

SLUG = r"^[-a-zA-Z0-9_]+$"
NUMBER = r"^[A-Z]{0,3}-?[0-9]{4}-[0-9]{1,9}$"
MAX_LINES = 50


def values(choices) -> str:
    """ "value (label), …" of a TextChoices, for a field's description."""
    return ", ".join(f"{value} ({label})" for value, label in choices.choices)


AMOUNT = 'Importo in euro, testo decimale con due cifre (per esempio "24.40").'


class Error(Schema):
    code: str = Field(description="Il tipo di errore, stabile: da usare nei programmi.")
    message: str = Field(description="La spiegazione in italiano, da mostrare alle persone.")
    errors: dict[str, list[str]] | None = Field(
        None, description="Solo per i dati non validi: i messaggi per campo."
    )


class ChoiceOut(Schema):
    value: str = Field(description="Il valore da dare come risposta.")
    label: str = Field(description="Il testo della scelta, come sul sito.")
    price_supplement: Decimal | None = Field(
        description="Supplemento di prezzo, IVA esclusa, se la scelta ne ha uno. " + AMOUNT
    )


class FieldOut(Schema):
    key: str = Field(description="La chiave del campo nelle risposte (answers).")
    label: str = Field(description="La domanda, come sul sito.")
    type: str = Field(description="Il tipo di risposta: " + values(FieldType) + ".")
    required: bool = Field(description="Se la risposta è obbligatoria.")
    help_text: str = Field(description="Il suggerimento mostrato sotto il campo.")
    price_supplement: Decimal | None = Field(
        description="Supplemento, IVA esclusa, di una risposta sì (campi sì/no). " + AMOUNT
    )
    choices: list[ChoiceOut] = Field(description="Le scelte possibili (campi a scelta).")
    allowed_extensions: list[str] = Field(description="Le estensioni ammesse (campi file).")
    min_value: Decimal | None = Field(
        description="Il valore minimo ammesso (campi numerici; null: 0), come testo decimale "
        '(per esempio "1.00").'
    )
    max_value: Decimal | None = Field(
        description="Il valore massimo ammesso (campi numerici; null: nessun limite), come "
        "testo decimale."
    )
    text_format: Literal["", "digits", "code"] = Field(
        description='Il formato ammesso (campi di testo breve): "digits" solo cifre, "code" '
        'lettere e cifre anche separate da / o - (per esempio "123/A"), "" qualsiasi testo.'
    )
    date_limit: Literal["", "past", "future", "birth"] = Field(
        description='Le date ammesse (campi data): "past" oggi o prima, "future" oggi o dopo, '
        '"birth" una data di nascita dal 1° gennaio 1900 a oggi, che deve corrispondere al '
        'codice fiscale chiesto nello stesso modulo; "" qualsiasi; il giorno è quello italiano.'
    )


class ServiceOut(Schema):
    slug: str = Field(description="L'identificativo del servizio negli indirizzi e negli ordini.")
    name: str = Field(description="Il nome del servizio.")
    category: str = Field(description="Il nome della categoria.")
    summary: str = Field(description="La descrizione breve.")
    pricing: Literal["fixed", "quote"] = Field(
        description="fixed: a prezzo fisso, si ordina; quote: su preventivo, si richiede."
    )
    net_price: Decimal | None = Field(
        description="Prezzo base senza IVA (null per i servizi su preventivo). " + AMOUNT
    )
    vat_rate: Decimal = Field(description='Aliquota IVA in percentuale (per esempio "22.00").')
    gross_price: Decimal | None = Field(
        description="Prezzo base IVA inclusa (null per i servizi su preventivo). " + AMOUNT
    )
    form_version: int = Field(description="Cambia quando il modulo del servizio cambia.")


class ServiceDetailOut(ServiceOut):
    description: str
    fields: list[FieldOut]


class LineIn(Schema):
    service: str = Field(
        max_length=220,
        pattern=SLUG,
        description="L'identificativo del servizio (il campo slug di /api/services).",
    )
    answers: dict[str, Any] = Field(
        default_factory=dict,
        description="Le risposte al modulo del servizio, per chiave del campo: testo, numero, "
        "true/false (domande sì/no), un elenco (scelta multipla), l'id di un tuo file caricato "
        "con /api/uploads (campi file).",
    )


class OrderIn(Schema):
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    accept_terms: bool = Field(
        description="Deve essere true: accetti le condizioni generali di vendita in vigore."
    )
    early_start: bool = Field(
        False,
        description="Un consumatore chiede che il lavoro inizi prima della fine dei 14 giorni "
        "del diritto di recesso.",
    )
    payment_method: Literal["bank_transfer", "prepaid_credit"] = Field(
        "bank_transfer",
        description='"bank_transfer": l\'ordine attende il bonifico (IBAN inviato per e-mail); '
        '"prepaid_credit": pagato subito con il credito prepagato dell\'azienda (409 se non '
        "copre il totale: l'ordine non viene registrato).",
    )


class QuoteIn(Schema):
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    # No NUL character: PostgreSQL text cannot hold it.
    message: str = Field("", max_length=4000, pattern=r"^[^\x00]*$")
    needed_by: dt.date | None = None


class OutcomeFileOut(Schema):
    id: int
    name: str
    size: int
    download_url: str


class OutcomeOut(Schema):
    note: str
    created_at: dt.datetime
    files: list[OutcomeFileOut]


class OrderLineOut(Schema):
    line: int = Field(description="Il numero della riga nell'ordine, da 1 (come nei webhook).")
    service: str = Field(description="Il nome del servizio al momento dell'ordine.")
    status: str = Field(description="Lo stato della riga: " + values(LineStatus) + ".")
    status_label: str = Field(description="Lo stato della riga in italiano, come sul sito.")
    answers: list[dict[str, Any]]
    net: Decimal
    vat: Decimal
    gross: Decimal
    outcomes: list[OutcomeOut]


class DocumentOut(Schema):
    id: int
    kind: str = Field(description=values(DocumentKind) + ".")
    number: str
    issue_date: dt.date
    total_gross: Decimal
    pdf_url: str
    xml_url: str | None


class OrderSummaryOut(Schema):
    number: str = Field(description="Il numero dell'ordine (per esempio 2026-000123).")
    status: str = Field(description="Lo stato dell'ordine: " + values(OrderStatus) + ".")
    status_label: str = Field(description="Lo stato in italiano, come sul sito.")
    placed_at: dt.datetime
    total_gross: Decimal = Field(description="Totale IVA inclusa. " + AMOUNT)
    url: str = Field(description="L'indirizzo dell'ordine in questa API.")


class OrderOut(OrderSummaryOut):
    total_net: Decimal
    total_vat: Decimal
    payment_method: str
    lines: list[OrderLineOut]
    documents: list[DocumentOut]


class QuoteSummaryOut(Schema):
    number: str
    status: str = Field(description="Lo stato del preventivo: " + values(QuoteStatus) + ".")
    status_label: str = Field(description="Lo stato in italiano, come sul sito.")
    requested_at: dt.datetime
    valid_until: dt.date | None
    url: str


class QuoteLineOut(Schema):
    service: str
    answers: list[dict[str, Any]]
    gross: Decimal | None


class QuoteOut(QuoteSummaryOut):
    message: str
    total_gross: Decimal | None
    lines: list[QuoteLineOut]


class UploadOut(Schema):
    id: int = Field(description="Da dare come risposta a un campo file del modulo del servizio.")
    name: str
    size: int
