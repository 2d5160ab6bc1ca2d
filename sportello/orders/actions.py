"""The only code that changes orders: placing, payment, fulfilment, outcomes, cancellation."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from sportello.core.state import change_status
from sportello.orders.models import (
    LINE_TRANSITIONS,
    ORDER_TRANSITIONS,
    LineStatus,
    Order,
    OrderLine,
    OrderLineStatusChange,
    OrderNumberSequence,
    OrderStatus,
    OrderStatusChange,
)

BILLING_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "company_name",
    "codice_fiscale",
    "partita_iva",
    "sdi_code",
    "pec",
    "address",
    "cap",
    "comune",
    "provincia",
    "country",
)


class CartNotReady(Exception):
    """The cart is empty or has lines whose answers must be checked again."""


def next_number(*, prefix: str, year: int) -> int:
    """The next number of a yearly sequence, unique under concurrency.

    A conditional UPDATE … SET last_number = last_number + 1 takes the row lock on both
    PostgreSQL and SQLite (IMMEDIATE transactions), so two orders never share a number.
    Must run inside a transaction.
    """
    OrderNumberSequence.objects.get_or_create(prefix=prefix, year=year)
    OrderNumberSequence.objects.filter(prefix=prefix, year=year).update(
        last_number=F("last_number") + 1
    )
    return OrderNumberSequence.objects.get(prefix=prefix, year=year).last_number


def format_order_number(year: int, number: int) -> str:
    return f"{year}-{number:06d}"


def place_order(
    *,
    customer,
    cart,
    billing: Mapping[str, str],
    payment_method: str,
    checkout_token: uuid.UUID,
) -> Order:
    """Turn the customer's cart into an order, with prices recomputed from the catalogue now.

    Re-posting with the same checkout token returns the order already placed (no duplicate).
    """
    from sportello.cart.actions import empty_cart
    from sportello.cart.queries import priced_cart

    existing = Order.objects.filter(checkout_token=checkout_token, customer=customer).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            priced = priced_cart(cart)
            if priced.is_empty:
                raise CartNotReady("Il carrello è vuoto.")
            if any(line.needs_review for line in priced.lines):
                raise CartNotReady("Alcuni servizi del carrello vanno verificati.")
            if any(line.price is None for line in priced.lines):
                raise CartNotReady("Il carrello contiene servizi su preventivo.")
            now = timezone.now()
            year = timezone.localdate(now).year
            number = format_order_number(year, next_number(prefix="ORD", year=year))
            order = Order.objects.create(
                number=number,
                customer=customer,
                customer_email=customer.email,
                checkout_token=checkout_token,
                payment_method=payment_method,
                total_net=priced.total.net,
                total_vat=priced.total.vat,
                total_gross=priced.total.gross,
                placed_at=now,
                **{f"billing_{name}": billing.get(name, "") or "" for name in BILLING_FIELDS},
            )
            OrderLine.objects.bulk_create(
                [
                    OrderLine(
                        order=order,
                        position=position,
                        service=line.service,
                        service_name=line.service.name,
                        answers=line.line.answers,
                        answers_display=[
                            {"label": item.label, "value": item.value, "file_id": item.file_id}
                            for item in line.answers_summary
                        ],
                        form_version=line.line.form_version,
                        base_net=line.price.base_net,
                        supplements=[
                            {"label": s.label, "net": str(s.net)} for s in line.price.supplements
                        ],
                        vat_rate=line.price.vat_rate,
                        net=line.price.price.net,
                        vat=line.price.price.vat,
                        gross=line.price.price.gross,
                    )
                    for position, line in enumerate(priced.lines)
                ]
            )
            OrderStatusChange.objects.create(
                order=order,
                from_status="",
                to_status=OrderStatus.AWAITING_PAYMENT,
                actor=customer,
                note="Ordine effettuato",
            )
            empty_cart(cart=cart)
    except IntegrityError:
        # A concurrent request with the same checkout token won the race.
        existing = Order.objects.filter(checkout_token=checkout_token, customer=customer).first()
        if existing is None:
            raise
        return existing
    return order


def set_order_status(*, order: Order, to: str, actor=None, note: str = "") -> bool:
    extra = {}
    if to == OrderStatus.PAID:
        extra["paid_at"] = timezone.now()
    return change_status(
        order,
        to=to,
        transitions=ORDER_TRANSITIONS,
        history=OrderStatusChange,
        history_fk="order",
        actor=actor,
        note=note,
        extra=extra,
        allow_repeat=to == OrderStatus.PAID,
    )


def mark_paid(*, order: Order, actor=None, note: str = "") -> bool:
    """Called by payments once confirmed payments cover the total. A repeat is a no-op."""
    return set_order_status(order=order, to=OrderStatus.PAID, actor=actor, note=note)


def set_line_status(*, line: OrderLine, to: str, actor=None, note: str = "") -> bool:
    with transaction.atomic():
        moved = change_status(
            line,
            to=to,
            transitions=LINE_TRANSITIONS,
            history=OrderLineStatusChange,
            history_fk="line",
            actor=actor,
            note=note,
        )
        order = line.order
        order.refresh_from_db(fields=["status"])
        if to in (LineStatus.IN_PROGRESS, LineStatus.AWAITING_CUSTOMER_DATA) and (
            order.status == OrderStatus.PAID
        ):
            set_order_status(order=order, to=OrderStatus.IN_PROGRESS, actor=actor)
    return moved
