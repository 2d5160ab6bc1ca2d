"""Reads of quotes, with the owner check built in: a customer finds their own and, in a
company account, the company's as their role allows (sportello.companies.queries)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404

from sportello.companies.queries import may_act_expression, visible_to
from sportello.quotes.models import (
    AWAITING_PRICE,
    QuoteLine,
    QuoteMessage,
    QuotePrice,
    QuotePriceLine,
    QuoteRequest,
)
from sportello.uploads.models import Upload


def quotes_for_customer(customer) -> QuerySet[QuoteRequest]:
    """The requests the customer may see, newest first, with who sent each: one query,
    whatever their number."""
    return (
        QuoteRequest.objects.filter(visible_to(customer))
        .select_related("customer")
        .only(
            "pk",
            "number",
            "status",
            "requested_at",
            "valid_until",
            "current_version",
            "customer_id",
            "company_id",
            "customer__email",
            "customer__first_name",
            "customer__last_name",
        )
    )


def quote_for_customer(*, customer, number: str) -> QuoteRequest:
    """A request the customer may see by number, or 404 (also for another customer's).

    `viewer_may_act` says whether they may also accept, decline, buy it or write on it.
    """
    quote = (
        QuoteRequest.objects.filter(visible_to(customer), number=number)
        .select_related("customer")
        .annotate(viewer_may_act=may_act_expression(customer))
        .first()
    )
    if quote is None:
        raise Http404("Nessun preventivo")
    return quote


def quote_to_act_on(*, customer, number: str) -> QuoteRequest:
    """A request the customer may act on (accept, decline, buy, write), or 404."""
    quote = quote_for_customer(customer=customer, number=number)
    if not quote.viewer_may_act:  # type: ignore[attr-defined]
        raise Http404("Nessun preventivo")
    return quote


def message_for_customer(*, customer, number: str, pk: int) -> QuoteMessage:
    message = (
        QuoteMessage.objects.filter(
            visible_to(customer, prefix="quote__"), quote__number=number, pk=pk
        )
        .select_related("quote", "attachment")
        .first()
    )
    if message is None or message.attachment_id is None:
        raise Http404("Nessun allegato")
    return message


def _used_answer_file(quote_filter: dict, file_id: int) -> Upload:
    """An uploaded answer file, only if one of the quote's lines uses it."""
    upload = Upload.objects.filter(
        pk=file_id,
        **{f"quote_line_uses__line__{name}": value for name, value in quote_filter.items()},
    ).first()
    if upload is None:
        raise Http404("File non trovato")
    return upload


def answer_file_for_customer(*, customer, number: str, file_id: int) -> Upload:
    upload = Upload.objects.filter(
        visible_to(customer, prefix="quote_line_uses__line__quote__"),
        pk=file_id,
        quote_line_uses__line__quote__number=number,
    ).first()
    if upload is None:
        raise Http404("File non trovato")
    return upload


def answer_file_for_staff(*, quote_pk: int, file_id: int) -> Upload:
    return _used_answer_file({"quote_id": quote_pk}, file_id)


@dataclass(frozen=True)
class PricedQuoteLine:
    line: QuoteLine
    price: QuotePriceLine | None


@dataclass(frozen=True)
class QuoteDetail:
    quote: QuoteRequest
    lines: list[PricedQuoteLine]
    # The version the customer sees: always the newest one sent.
    price: QuotePrice | None
    messages: list[QuoteMessage]


def current_price(quote: QuoteRequest) -> QuotePrice | None:
    if not quote.current_version:
        return None
    return (
        QuotePrice.objects.filter(quote=quote, version=quote.current_version)
        .prefetch_related("lines")
        .first()
    )


def quote_detail(quote: QuoteRequest, *, with_messages: bool = True) -> QuoteDetail:
    """Lines with the current prices and the message thread, in four queries at most."""
    price = current_price(quote)
    price_by_line = {row.line_id: row for row in price.lines.all()} if price else {}
    lines = [
        PricedQuoteLine(line=line, price=price_by_line.get(line.pk)) for line in quote.lines.all()
    ]
    messages = []
    if with_messages:
        messages = list(quote.messages.select_related("author", "attachment"))
    return QuoteDetail(quote=quote, lines=lines, price=price, messages=messages)


# --- Staff ----------------------------------------------------------------------------------


def quotes_for_staff() -> QuerySet[QuoteRequest]:
    """Every request, those still waiting for a price first, newest first within each group."""
    return (
        QuoteRequest.objects.select_related("customer")
        .annotate(
            awaits_price=Case(
                When(status__in=AWAITING_PRICE, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-awaits_price", "-requested_at", "-id")
    )


def message_for_staff(*, quote_pk: int, pk: int) -> QuoteMessage:
    message = (
        QuoteMessage.objects.filter(quote_id=quote_pk, pk=pk).select_related("attachment").first()
    )
    if message is None or message.attachment_id is None:
        raise Http404("Nessun allegato")
    return message
