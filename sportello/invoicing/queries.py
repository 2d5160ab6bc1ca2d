"""Reads of invoices and credit notes, with the ownership check built in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.http import Http404

from sportello.companies.queries import visible_to
from sportello.core.money import ZERO
from sportello.invoicing.models import DocumentKind, FiscalDocument, SdiStatus
from sportello.payments.actions import refundable_total


def _documents() -> QuerySet[FiscalDocument]:
    return FiscalDocument.objects.select_related("order", "corrects").prefetch_related("lines")


def invoiced_not_credited(order) -> Decimal | None:
    """What the order's invoice still bills (its total less its credit notes), or None when the
    order has no invoice. Two queries at most."""
    invoice = FiscalDocument.objects.filter(order=order, kind=DocumentKind.INVOICE).first()
    if invoice is None:
        return None
    credited = invoice.credit_notes.aggregate(total=Sum("total_gross"))["total"] or Decimal(0)
    return invoice.total_gross - credited


def money_beyond_owed(order) -> Decimal:
    """Money received for the order and not refunded, beyond what it is owed: its invoice less
    the credit notes once invoiced (a transfer larger than due), its total before (an amount
    asked before a withdrawal lowered it). Refunds give such money back first, without a credit
    note: settling a withdrawal gives it back too, and the refund page proposes it."""
    held = refundable_total(order)
    if held <= ZERO:
        return ZERO
    owed = invoiced_not_credited(order)
    return max(held - (order.total_gross if owed is None else owed), ZERO)


def documents_for_order(order) -> list[FiscalDocument]:
    return list(FiscalDocument.objects.filter(order=order).order_by("issue_date", "id"))


def document_for_customer(*, customer, pk: int) -> FiscalDocument:
    """A document of an order the customer may see (their own, their company's as their role
    allows), else 404 (another customer's included)."""
    document = _documents().filter(visible_to(customer, prefix="order__"), pk=pk).first()
    if document is None:
        raise Http404("Documento non trovato")
    return document


def invoice_of_order_for_customer(*, customer, order_number: str) -> FiscalDocument:
    document = (
        _documents()
        .filter(
            visible_to(customer, prefix="order__"),
            order__number=order_number,
            kind=DocumentKind.INVOICE,
        )
        .first()
    )
    if document is None:
        raise Http404("Fattura non trovata")
    return document


def documents_in_period(
    date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[FiscalDocument]:
    """Invoices and credit notes issued between the two dates (included), in issuing order."""
    documents = _documents()
    if date_from:
        documents = documents.filter(issue_date__gte=date_from)
    if date_to:
        documents = documents.filter(issue_date__lte=date_to)
    return documents.order_by("issue_date", "id")


def rejected_invoices() -> QuerySet[FiscalDocument]:
    """Documents SdI rejected, oldest first: the staff workstation lists them to correct."""
    return (
        FiscalDocument.objects.filter(status=SdiStatus.REJECTED)
        .select_related("order")
        .order_by("issue_date", "id")
    )


def documents_for_user(user) -> QuerySet[FiscalDocument]:
    """Every document of the customer (data export)."""
    return _documents().filter(order__customer=user).order_by("issue_date", "id")
