"""What an API client buys: services with their validated answers, as a purchase source
(`orders.purchase.PurchaseSource`) priced from the live catalogue like the cart.

The order is written by `orders.actions.create_order`, like every order; a quote request by
`quotes.actions.create_quote_request`. Both are idempotent on the client's token (the
Idempotency-Key header): a repeat returns what the first request made.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction

from sportello.api.answers import ValidatedLine
from sportello.catalogue.answers import answers_snapshot
from sportello.catalogue.pricing import LinePrice, price_line
from sportello.contracts.rules import TermsAcceptance
from sportello.core.money import TaxedPrice, sum_prices
from sportello.orders.actions import create_order
from sportello.orders.emails import send_order_confirmation
from sportello.orders.models import Order, OrderLine
from sportello.orders.purchase import PlacedOrder, PurchaseSource, ReviewLine
from sportello.payments.providers.bank_transfer import (
    BankTransferProvider,
    send_bank_transfer_instructions,
)
from sportello.quotes.actions import create_quote_request
from sportello.quotes.models import QuoteLine, QuoteRequest

ON_QUOTE = "Il servizio «{name}» è su preventivo: richiedi un preventivo."
NOT_ON_QUOTE = "Il servizio «{name}» ha un prezzo: acquistalo con un ordine."
NO_LINES = "Indica almeno un servizio."


def _as_stored(answers) -> object:
    """Answers as a JSON field gives them back (dates and decimals become strings)."""
    return json.loads(json.dumps(answers, cls=DjangoJSONEncoder))


def same_lines(stored_lines, lines: list[ValidatedLine]) -> bool:
    """Whether an order's or quote request's lines (in position order) are the services and
    answers of `lines`: a repeat of the same request, not another one under the same
    Idempotency-Key."""
    stored = [(line.service_id, _as_stored(line.answers)) for line in stored_lines]
    asked = [(line.service.pk, _as_stored(line.answers)) for line in lines]
    return stored == asked


class AnswersPurchase(PurchaseSource):
    def __init__(self, lines: list[ValidatedLine]):
        self.lines = lines
        self.prices: list[LinePrice | None] = [
            price_line(line.service, line.fields_definition, line.answers) for line in lines
        ]

    @property
    def total(self) -> TaxedPrice:
        return sum_prices(price.price for price in self.prices if price is not None)

    def review_lines(self) -> list[ReviewLine]:
        return [
            ReviewLine(
                key=str(position),
                service_name=line.service.name,
                answers=line.summary,
                price=price,
            )
            for position, (line, price) in enumerate(zip(self.lines, self.prices, strict=True))
            if price is not None
        ]

    def problem(self) -> str:
        if not self.lines:
            return NO_LINES
        for line, price in zip(self.lines, self.prices, strict=True):
            if price is None:
                return ON_QUOTE.format(name=line.service.name)
        return ""

    def fingerprint(self) -> str:
        parts = [f"{line.service.pk}:{line.form_version}:{line.answers}" for line in self.lines]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]

    def place_order(
        self,
        *,
        customer,
        billing: Mapping[str, str],
        payment_method: str,
        checkout_token: uuid.UUID,
        acceptance: TermsAcceptance | None = None,
    ) -> PlacedOrder:
        existing = Order.objects.filter(checkout_token=checkout_token, customer=customer).first()
        if existing is not None:
            return PlacedOrder(order=existing, is_new=False)
        self.check_purchasable()
        try:
            with transaction.atomic():
                order = create_order(
                    customer=customer,
                    billing=billing,
                    payment_method=payment_method,
                    checkout_token=checkout_token,
                    acceptance=acceptance,
                    total=self.total,
                    lines=[self._order_line(position) for position in range(len(self.lines))],
                    note="Ordine effettuato tramite API",
                )
                if payment_method == BankTransferProvider.identifier:
                    # As at the web checkout: the customer needs the IBAN now.
                    send_order_confirmation(order)
                    send_bank_transfer_instructions(order)
        except IntegrityError:
            existing = Order.objects.filter(
                checkout_token=checkout_token, customer=customer
            ).first()
            if existing is None:
                raise
            return PlacedOrder(order=existing, is_new=False)
        return PlacedOrder(order=order, is_new=True)

    def _order_line(self, position: int) -> OrderLine:
        line, price = self.lines[position], self.prices[position]
        assert price is not None  # check_purchasable() refused lines without a price
        return OrderLine(
            position=position,
            service=line.service,
            service_name=line.service.name,
            answers=line.answers,
            answers_display=answers_snapshot(line.summary),
            form_version=line.form_version,
            base_net=price.base_net,
            supplements=[{"label": s.label, "net": str(s.net)} for s in price.supplements],
            vat_rate=price.vat_rate,
            net=price.price.net,
            vat=price.price.vat,
            gross=price.price.gross,
        )


def quote_problem(lines: list[ValidatedLine]) -> str:
    if not lines:
        return NO_LINES
    for line in lines:
        if not line.service.is_on_quote:
            return NOT_ON_QUOTE.format(name=line.service.name)
    return ""


def request_quote_for_lines(
    *,
    customer,
    lines: list[ValidatedLine],
    submit_token: uuid.UUID,
    message: str = "",
    needed_by=None,
) -> tuple[QuoteRequest, bool]:
    """(the request, whether this call made it). The caller checked `quote_problem`."""
    existing = QuoteRequest.objects.filter(submit_token=submit_token, customer=customer).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            quote = create_quote_request(
                customer=customer,
                submit_token=submit_token,
                message=message,
                needed_by=needed_by,
                lines=[
                    QuoteLine(
                        position=position,
                        service=line.service,
                        service_name=line.service.name,
                        answers=line.answers,
                        answers_display=answers_snapshot(line.summary),
                        form_version=line.form_version,
                    )
                    for position, line in enumerate(lines)
                ],
            )
    except IntegrityError:
        existing = QuoteRequest.objects.filter(submit_token=submit_token, customer=customer).first()
        if existing is None:
            raise
        return existing, False
    return quote, True
