"""Buying an accepted quote through the checkout: the quote as a purchase source
(`orders.purchase.PurchaseSource`), at the prices of the accepted version."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from functools import cached_property

from django.utils.html import format_html

from sportello.catalogue.answers import AnswerItem
from sportello.catalogue.pricing import LinePrice
from sportello.contracts.rules import TermsAcceptance
from sportello.core.dates import long_date
from sportello.core.money import TaxedPrice
from sportello.orders.purchase import PlacedOrder, PurchaseNotPossible, PurchaseSource, ReviewLine
from sportello.quotes.actions import QuoteNotAcceptable, expire_quote, place_quote_order
from sportello.quotes.models import QuotePrice, QuoteRequest, QuoteStatus
from sportello.quotes.queries import quote_to_act_on

NOT_PURCHASABLE = "Il preventivo non può più essere acquistato: controlla il suo stato."


class QuoteNotPurchasable(PurchaseNotPossible):
    """The quote can no longer be bought (expired, declined, re-priced, already ordered)."""


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
        valid_until = long_date(quote.valid_until)
        return f"Il preventivo n. {quote.number} è scaduto {valid_until}."
    return ""


class QuotePurchase(PurchaseSource):
    """The customer's accepted quote, at the prices it locked (nothing to correct)."""

    back_label = "Torna al preventivo"

    def __init__(self, *, customer, number: str):
        # 404 for another customer's quote (ownership checked in quotes.queries).
        self.quote = quote_to_act_on(customer=customer, number=number)
        self.back_url = self.quote.get_absolute_url()
        self.review_intro = format_html(
            'Stai acquistando il <a href="{}">preventivo n. {}</a> ai prezzi indicati: '
            "controlla i dati prima di confermare.",
            self.back_url,
            self.quote.number,
        )

    @cached_property
    def _price(self) -> QuotePrice:
        return (
            QuotePrice.objects.filter(quote=self.quote, version=self.quote.accepted_version or 0)
            .prefetch_related("lines")
            .get()
        )

    @property
    def total(self) -> TaxedPrice:
        price = self._price
        return TaxedPrice(net=price.total_net, vat=price.total_vat, gross=price.total_gross)

    def review_lines(self) -> list[ReviewLine]:
        """The accepted version's lines, in three queries."""
        by_line = {row.line_id: row for row in self._price.lines.all()}
        lines = []
        for line in self.quote.lines.all():
            row = by_line[line.pk]
            lines.append(
                ReviewLine(
                    key=str(line.pk),
                    service_name=line.service_name,
                    answers=[
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
        return lines

    def problem(self) -> str:
        return quote_problem(self.quote)

    def check_purchasable(self) -> None:
        if not self.problem():
            return
        if self.quote.status == QuoteStatus.ACCEPTED and self.quote.is_past_validity():
            # Found out at the click: recorded, as the daily expiry would.
            expire_quote(self.quote, note="Scaduto prima del completamento dell'acquisto")
        raise QuoteNotPurchasable(NOT_PURCHASABLE)

    def fingerprint(self) -> str:
        """Changes if staff send a new version: never a price, only a fingerprint."""
        return f"{self.quote.number}:v{self.quote.accepted_version}"

    def place_order(
        self,
        *,
        customer,
        billing: Mapping[str, str],
        payment_method: str,
        checkout_token: uuid.UUID,
        acceptance: TermsAcceptance | None = None,
    ) -> PlacedOrder:
        try:
            return place_quote_order(
                quote=self.quote,
                customer=customer,
                billing=billing,
                payment_method=payment_method,
                checkout_token=checkout_token,
                acceptance=acceptance,
            )
        except QuoteNotAcceptable as exc:
            raise QuoteNotPurchasable(NOT_PURCHASABLE) from exc
