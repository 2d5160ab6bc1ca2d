"""The API's request and response shapes (OpenAPI components)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

SLUG = r"^[-a-zA-Z0-9_]+$"
NUMBER = r"^[A-Z]{0,3}-?[0-9]{4}-[0-9]{1,9}$"
MAX_LINES = 50


class Error(Schema):
    code: str = Field(description="Il tipo di errore, stabile: da usare nei programmi.")
    message: str = Field(description="La spiegazione in italiano, da mostrare alle persone.")
    errors: dict[str, list[str]] | None = Field(
        None, description="Solo per i dati non validi: i messaggi per campo."
    )


class ChoiceOut(Schema):
    value: str
    label: str
    price_supplement: Decimal | None


class FieldOut(Schema):
    key: str
    label: str
    type: str
    required: bool
    help_text: str
    price_supplement: Decimal | None
    choices: list[ChoiceOut]
    allowed_extensions: list[str]


class ServiceOut(Schema):
    slug: str
    name: str
    category: str
    summary: str
    pricing: Literal["fixed", "quote"]
    net_price: Decimal | None
    vat_rate: Decimal
    gross_price: Decimal | None
    form_version: int


class ServiceDetailOut(ServiceOut):
    description: str
    fields: list[FieldOut]


class LineIn(Schema):
    service: str = Field(
        max_length=220, pattern=SLUG, description="Lo slug del servizio (come in /services)."
    )
    answers: dict[str, Any] = Field(
        default_factory=dict,
        description="Le risposte al modulo del servizio, per chiave del campo: testo, numero, "
        "true/false (domande sì/no), un elenco (scelta multipla), l'id di un tuo file caricato "
        "con /uploads (campi file).",
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
    service: str
    status: str
    status_label: str
    answers: list[dict[str, Any]]
    net: Decimal
    vat: Decimal
    gross: Decimal
    outcomes: list[OutcomeOut]


class DocumentOut(Schema):
    id: int
    kind: str
    number: str
    issue_date: dt.date
    total_gross: Decimal
    pdf_url: str
    xml_url: str | None


class OrderSummaryOut(Schema):
    number: str
    status: str
    status_label: str
    placed_at: dt.datetime
    total_gross: Decimal
    url: str


class OrderOut(OrderSummaryOut):
    total_net: Decimal
    total_vat: Decimal
    payment_method: str
    lines: list[OrderLineOut]
    documents: list[DocumentOut]


class QuoteSummaryOut(Schema):
    number: str
    status: str
    status_label: str
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
