"""What the checkout needs to sell an accepted quote: its lines at the prices it locked.

The checkout keeps the quote's number in its session state; these reads give the review page
the same shape it shows for a cart (lines with answers and prices, totals), and the fingerprint
that tells whether what the customer confirmed is still what would be bought.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import formats

from sportello.catalogue.answers import AnswerItem
from sportello.catalogue.pricing import LinePrice
from sportello.core.money import TaxedPrice
from sportello.quotes.models import QuoteLine, QuotePrice, QuoteRequest, QuoteStatus
from sportello.quotes.queries import quote_for_customer


@dataclass(frozen=True)
class ServiceName:
    name: str


@dataclass(frozen=True)
class QuoteReviewLine:
    line: QuoteLine
    service: ServiceName
    answers_summary: list[AnswerItem]
    price: LinePrice


@dataclass(frozen=True)
class QuoteReview:
    quote: QuoteRequest
    lines: list[QuoteReviewLine] = field(default_factory=list)
    total: TaxedPrice = field(default_factory=TaxedPrice.zero)

    @property
    def version(self) -> str:
        """Changes if staff send a new version: never a price, only a fingerprint."""
        return f"{self.quote.number}:v{self.quote.accepted_version}"


def quote_for_checkout(*, customer, number: str) -> QuoteRequest:
    """The customer's quote by number, or 404 (also for another customer's)."""
    return quote_for_customer(customer=customer, number=number)


def quote_problem(quote: QuoteRequest) -> str:
    """Why this quote cannot be bought now, or "" when it can."""
    if quote.status == QuoteStatus.ORDERED:
        return f"Il preventivo n. {quote.number} è già stato acquistato."
    if quote.status != QuoteStatus.ACCEPTED or quote.accepted_version is None:
        return (
            f"Il preventivo n. {quote.number} non può essere acquistato: "
            f"il suo stato è «{quote.get_status_display()}»."
        )
    if quote.valid_until is not None and quote.is_past_validity():
        valid_until = formats.date_format(quote.valid_until, "d/m/Y")
        return f"Il preventivo n. {quote.number} è scaduto il {valid_until}."
    return ""


def quote_review(quote: QuoteRequest) -> QuoteReview:
    """The accepted version's lines and totals, in three queries."""
    price = (
        QuotePrice.objects.filter(quote=quote, version=quote.accepted_version or 0)
        .prefetch_related("lines")
        .get()
    )
    by_line = {row.line_id: row for row in price.lines.all()}
    lines = []
    for line in quote.lines.all():
        row = by_line[line.pk]
        lines.append(
            QuoteReviewLine(
                line=line,
                service=ServiceName(line.service_name),
                answers_summary=[
                    AnswerItem(
                        key="",
                        label=answer.get("label", ""),
                        value=answer.get("value", ""),
                        file_id=answer.get("file_id"),
                    )
                    for answer in line.answers_display
                ],
                price=LinePrice(
                    base_net=row.net,
                    vat_rate=row.vat_rate,
                    price=TaxedPrice(net=row.net, vat=row.vat, gross=row.gross),
                ),
            )
        )
    total = TaxedPrice(net=price.total_net, vat=price.total_vat, gross=price.total_gross)
    return QuoteReview(quote=quote, lines=lines, total=total)
