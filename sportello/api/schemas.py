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
    code: str
    message: str
    errors: dict[str, list[str]] | None = None


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
    service: str = Field(max_length=220, pattern=SLUG, description="The service's slug")
    answers: dict[str, Any] = Field(
        default_factory=dict,
        description="Answers by field key: text, number, true/false (yes/no questions), a list "
        "(multiple choice), an upload id of yours (file fields).",
    )


class OrderIn(Schema):
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    accept_terms: bool = Field(
        description="Must be true: you accept the current terms of sale (condizioni di vendita)."
    )
    early_start: bool = Field(
        False,
        description="A consumer asks that work starts before the 14-day withdrawal period ends.",
    )
    payment_method: Literal["bank_transfer", "prepaid_credit"] = Field(
        "bank_transfer",
        description='"bank_transfer": the order awaits the transfer (IBAN e-mailed); '
        '"prepaid_credit": paid at once from your company\'s credit (409 if it does not cover '
        "the total: nothing is placed).",
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
    id: int = Field(description="Give it as the answer of a file field of the service's form.")
    name: str
    size: int
