"""The only code that issues, transmits and corrects invoices and credit notes.

- `issue_invoice(order=…)`: once per paid order with something to pay (idempotent);
- `issue_credit_note(refund=…)`: once per refund of invoiced money (idempotent);
- `mark_sent`, `record_receipt`, `reissue_document`: the SdI life of a document.

Numbers come from a yearly sequence bumped inside the issuing transaction (a rolled-back issue
leaves no gap). Status changes go through `sportello.core.state.change_status`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from sportello.core.money import ZERO
from sportello.core.state import change_status
from sportello.credit.models import PREPAID_CREDIT_METHOD
from sportello.invoicing.amounts import (
    LineDraft,
    RateSummary,
    lines_for_order,
    rate_label,
    split_refund,
    stamp_duty,
    totals,
    vat_summary,
)
from sportello.invoicing.models import (
    SDI_TRANSITIONS,
    DocumentKind,
    DocumentSequence,
    FiscalDocument,
    FiscalDocumentLine,
    FiscalDocumentStatusChange,
    PaymentMethodCode,
    PaymentPart,
    ReceiptKind,
    SdiReceipt,
    SdiStatus,
)
from sportello.invoicing.receipts import parse_receipt, progressivo_of
from sportello.orders.models import BANK_TRANSFER_METHOD, Order, OrderStatus
from sportello.orders.queries import is_owed
from sportello.payments.models import Payment, PaymentStatus, Refund

logger = logging.getLogger(__name__)

# Orders in these statuses have been paid (a refunded order keeps its invoice).
PAID_STATUSES = frozenset(
    {OrderStatus.PAID, OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED, OrderStatus.REFUNDED}
)
BUYER_FIELDS = (
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
PROGRESSIVO_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class DocumentNotCorrectable(Exception):
    """Only a document SdI rejected can be corrected and issued again."""


class UnknownReceipt(Exception):
    """The receipt names a file we never issued."""


# --- Numbering ---------------------------------------------------------------------------------


def next_number(*, series: str, year: int) -> int:
    """The next number of a yearly series, unique and gapless under concurrency.

    The conditional UPDATE takes the sequence row's lock until the issuing transaction ends,
    so concurrent issues queue up, and a rolled-back one gives its number back.
    Must run inside a transaction.
    """
    DocumentSequence.objects.get_or_create(series=series, year=year)
    DocumentSequence.objects.filter(series=series, year=year).update(
        last_number=F("last_number") + 1
    )
    return DocumentSequence.objects.get(series=series, year=year).last_number


def format_number(kind: str, year: int, number: int) -> str:
    """2026/000123, after the configured prefix of the kind."""
    prefix = (
        settings.INVOICE_NUMBER_PREFIX
        if kind == DocumentKind.INVOICE
        else settings.CREDIT_NOTE_NUMBER_PREFIX
    )
    return f"{prefix}{year}/{number:06d}"


def _new_progressivo() -> str:
    """ProgressivoInvio: 5 base-36 characters from one never-reset counter (60 million files)."""
    value = next_number(series="sdi-file", year=0)
    digits = ""
    while value:
        value, rest = divmod(value, 36)
        digits = PROGRESSIVO_ALPHABET[rest] + digits
    return digits.rjust(5, "0")


# --- Issuing -----------------------------------------------------------------------------------


def _method_code(provider: str) -> str:
    if provider == BANK_TRANSFER_METHOD:
        return PaymentMethodCode.TRANSFER
    if provider == PREPAID_CREDIT_METHOD:
        return PaymentMethodCode.WITHHELD
    return PaymentMethodCode.CARD


def _payment_method_code(payments: Iterable[Payment]) -> str:
    """The method of the last payment (the one that settled the order); card if none."""
    providers = [payment.provider for payment in payments]
    return _method_code(providers[-1] if providers else "")


def _paid_on(payment: Payment) -> date | None:
    """The day the money arrived: a bank transfer's value date, else its confirmation's."""
    if payment.data.get("value_date"):
        return date.fromisoformat(payment.data["value_date"])
    return timezone.localdate(payment.confirmed_at) if payment.confirmed_at else None


def _payment_parts(payments: Iterable[Payment], total: Decimal, issued: date) -> list[PaymentPart]:
    """How `total` was paid, payment by payment in the order they arrived: each counts up to
    what was still due (money beyond the total is refunded, not invoiced). A single payment is
    one part, so every invoice dates its payment the day the money arrived (DettaglioPagamento);
    documents issued before kept no breakdown and date it the issue day."""
    parts: list[PaymentPart] = []
    due = total
    for payment in payments:
        if due <= ZERO:
            break
        amount = min(payment.amount, due)
        paid_on = _paid_on(payment) or issued
        parts.append(PaymentPart(_method_code(payment.provider), amount, min(paid_on, issued)))
        due -= amount
    if due > ZERO and parts:
        # Confirmed payments that do not cover the total (an order marked paid by hand): the
        # rest is put on the last method, as a single-method invoice would say.
        last = parts.pop()
        parts.append(PaymentPart(last.code, last.amount + due, last.date))
    return parts


def _buyer_from_order(order: Order) -> dict[str, str]:
    return {
        f"buyer_{name}": (getattr(order, f"billing_{name}") or "").strip() for name in BUYER_FIELDS
    }


def _create_document(
    *,
    kind: str,
    order: Order,
    drafts: list[LineDraft],
    gross: Decimal,
    payment_method_code: str,
    buyer: Mapping[str, str],
    payment_parts: Iterable[PaymentPart] = (),
    refund: Refund | None = None,
    corrects: FiscalDocument | None = None,
) -> FiscalDocument:
    issue_date = timezone.localdate()
    number = next_number(series=kind, year=issue_date.year)
    summary = vat_summary(drafts)
    net, vat, rounding = totals(summary, gross)
    document = FiscalDocument.objects.create(
        kind=kind,
        number=format_number(kind, issue_date.year, number),
        year=issue_date.year,
        sequence_number=number,
        issue_date=issue_date,
        order=order,
        refund=refund,
        corrects=corrects,
        payment_method_code=payment_method_code,
        payment_breakdown=[part.as_json() for part in payment_parts],
        total_net=net,
        total_vat=vat,
        rounding=rounding,
        total_gross=gross,
        stamp_duty=stamp_duty(drafts),
        seller=dict(settings.INVOICE_SELLER),
        progressivo=_new_progressivo(),
        **buyer,
    )
    FiscalDocumentLine.objects.bulk_create(
        FiscalDocumentLine(
            document=document,
            position=position,
            description=draft.description,
            quantity=draft.quantity,
            unit_price=draft.unit_price,
            net=draft.net,
            vat_rate=draft.vat_rate,
            natura=settings.INVOICE_ZERO_RATE_NATURA if draft.vat_rate == ZERO else "",
        )
        for position, draft in enumerate(drafts, start=1)
    )
    FiscalDocumentStatusChange.objects.create(
        document=document, from_status="", to_status=SdiStatus.ISSUED, note="Emessa"
    )
    return document


def _lines_paid_for(order: Order) -> list:
    """The services the order was paid for: not those the consumer withdrew from before it
    was paid (its total left them out: orders.actions.owe_only_services_kept). Should the
    two ever disagree, every line is invoiced, as the order's total says."""
    lines = list(order.lines.order_by("position", "id"))
    kept = [line for line in lines if is_owed(line)]
    if sum((line.gross for line in kept), ZERO) == order.total_gross:
        return kept
    return lines


def issue_invoice(*, order: Order) -> FiscalDocument | None:
    """The invoice of a paid order, issued today (Europe/Rome) the first time it is asked for.

    Call it inside the transaction that marks the order paid. A repeat returns the invoice
    already issued; an order not paid, or with nothing to pay (0,00 €), gets None.
    """
    with transaction.atomic():
        # The order's row lock serialises two confirmations of the same order.
        locked = Order.objects.select_for_update().get(pk=order.pk)
        existing = FiscalDocument.objects.filter(order=locked, kind=DocumentKind.INVOICE).first()
        if existing is not None:
            return existing
        if locked.status not in PAID_STATUSES or locked.total_gross <= ZERO:
            return None
        confirmed = list(
            Payment.objects.filter(
                order=locked, status__in=(PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED)
            ).order_by("confirmed_at", "id")
        )
        issued = timezone.localdate()
        document = _create_document(
            kind=DocumentKind.INVOICE,
            order=locked,
            drafts=lines_for_order(locked, _lines_paid_for(locked)),
            gross=locked.total_gross,
            payment_method_code=_payment_method_code(confirmed),
            payment_parts=_payment_parts(confirmed, locked.total_gross, issued),
            buyer=_buyer_from_order(locked),
        )
    logger.info("Invoice %s issued for order %s", document.number, locked.number)
    return document


def remaining_by_rate(invoice: FiscalDocument) -> list[RateSummary]:
    """What of each VAT rate of `invoice` no credit note has corrected yet."""
    credited: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for note in invoice.credit_notes.prefetch_related("lines"):
        for row in vat_summary(note.lines.all()):
            net, vat = credited.get(row.vat_rate, (ZERO, ZERO))
            credited[row.vat_rate] = (net + row.net, vat + row.vat)
    remaining = []
    for row in vat_summary(invoice.lines.all()):
        net, vat = credited.get(row.vat_rate, (ZERO, ZERO))
        remaining.append(RateSummary(row.vat_rate, row.net - net, row.vat - vat))
    return remaining


def _creditable(invoice: FiscalDocument, refund: Refund) -> Decimal:
    """How much of `refund` gives back invoiced money.

    Money received beyond the invoice (an order charged twice) was never invoiced: refunds
    give that back first, without a credit note.
    """
    order_id = invoice.order_id
    received = (
        Payment.objects.filter(
            order_id=order_id, status__in=(PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED)
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    refunded = (
        Refund.objects.filter(payment__order_id=order_id, pk__lte=refund.pk).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO
    )
    credited = (
        FiscalDocument.objects.filter(corrects=invoice).aggregate(total=Sum("total_gross"))["total"]
        or ZERO
    )
    overpaid = max(ZERO, received - invoice.total_gross)
    return min(refund.amount, max(ZERO, refunded - overpaid) - credited)


def issue_credit_note(*, refund: Refund) -> FiscalDocument | None:
    """The nota di credito (TD04) of a refund, referencing the invoice it corrects.

    Call it inside the transaction that records the refund. A repeat returns the same note;
    a refund of money that was never invoiced (a double charge, an order without invoice)
    gets None. The amount is split across the invoice's VAT rates.
    """
    with transaction.atomic():
        refund = Refund.objects.select_related("payment").get(pk=refund.pk)
        locked = Order.objects.select_for_update().get(pk=refund.payment.order_id)
        existing = FiscalDocument.objects.filter(refund=refund).first()
        if existing is not None:
            return existing
        invoice = FiscalDocument.objects.filter(order=locked, kind=DocumentKind.INVOICE).first()
        if invoice is None:
            logger.warning("Refund %s of order %s: no invoice to credit", refund.pk, locked.number)
            return None
        amount = _creditable(invoice, refund)
        if amount <= ZERO:
            return None
        remaining = remaining_by_rate(invoice)
        is_full = amount >= sum((row.gross for row in remaining), ZERO)
        kind_label = "Storno totale" if is_full and not invoice.credit_notes.exists() else "Storno"
        drafts = [
            LineDraft(
                f"{kind_label} della fattura n. {invoice.number} del "
                f"{invoice.issue_date:%d/%m/%Y} (ordine n. {locked.number}, IVA "
                f"{rate_label(rate)})",
                net,
                net,
                rate,
            )
            for rate, net in split_refund(amount, remaining)
        ]
        document = _create_document(
            kind=DocumentKind.CREDIT_NOTE,
            order=locked,
            drafts=drafts,
            gross=amount,
            payment_method_code=_payment_method_code([refund.payment]),
            buyer={f"buyer_{name}": getattr(invoice, f"buyer_{name}") for name in BUYER_FIELDS},
            refund=refund,
            corrects=invoice,
        )
    logger.info("Credit note %s issued for refund %s", document.number, refund.pk)
    return document


# --- SdI life ------------------------------------------------------------------------------


def _move(document: FiscalDocument, to: str, *, actor=None, note: str = "", extra=None) -> bool:
    return change_status(
        document,
        to=to,
        transitions=SDI_TRANSITIONS,
        history=FiscalDocumentStatusChange,
        history_fk="document",
        actor=actor,
        note=note,
        extra=extra,
        allow_repeat=True,
    )


def mark_sent(*, documents: Iterable[FiscalDocument], actor=None, note: str = "") -> int:
    """Issued documents handed to the channel become "sent"; others are left as they are."""
    moved = 0
    with transaction.atomic():
        for document in documents:
            if document.status == SdiStatus.ISSUED and _move(
                document, SdiStatus.SENT, actor=actor, note=note
            ):
                moved += 1
    return moved


RECEIPT_STATUS = {
    ReceiptKind.DELIVERY: SdiStatus.DELIVERED,
    ReceiptKind.REJECTION: SdiStatus.REJECTED,
    ReceiptKind.NOT_DELIVERED: SdiStatus.NOT_DELIVERED,
}


def record_receipt(*, receipt, actor=None) -> tuple[SdiReceipt, bool]:
    """Store a parsed SdI receipt and move its document. Returns (row, created).

    Importing the same receipt file again changes nothing. Raises UnknownReceipt when it
    names a file we did not issue (or no longer send: a corrected one has a new name). A
    receipt its document's state cannot follow (a rejection of a file sent again after it was
    delivered: SdI's duplicate, 00404) is kept, and the document stays as it is.
    """

    with transaction.atomic():
        existing = SdiReceipt.objects.filter(file_name=receipt.file_name).first()
        if existing is not None:
            return existing, False
        document = (
            FiscalDocument.objects.select_for_update()
            .filter(progressivo=progressivo_of(receipt.invoice_file_name))
            .first()
        )
        if document is None or document.file_name != receipt.invoice_file_name:
            raise UnknownReceipt(
                f"Il file {receipt.invoice_file_name} non corrisponde a nessun documento emesso."
            )
        row = SdiReceipt.objects.create(
            document=document,
            kind=receipt.kind,
            file_name=receipt.file_name,
            invoice_file_name=receipt.invoice_file_name,
            sdi_identifier=receipt.sdi_identifier,
            received_at=receipt.received_at,
            errors=receipt.errors,
            description=receipt.description,
            content=receipt.content,
        )
        extra: dict = {"sdi_identifier": receipt.sdi_identifier or document.sdi_identifier}
        if receipt.kind == ReceiptKind.REJECTION:
            extra["sdi_errors"] = receipt.errors
        note = f"{ReceiptKind(receipt.kind).label} {receipt.file_name}"
        if receipt.errors:
            note += ": " + "; ".join(f"{e['code']} {e['description']}" for e in receipt.errors)
        target = RECEIPT_STATUS[ReceiptKind(receipt.kind)]
        if target == document.status or target in SDI_TRANSITIONS.get(document.status, ()):
            _move(document, target, actor=actor, note=note, extra=extra)
        else:
            logger.warning(
                "SdI receipt %s kept; %s stays %s", receipt.file_name, document, document.status
            )
    return row, True


def reissue_document(
    *, document: FiscalDocument, buyer: Mapping[str, str], actor=None, note: str = ""
) -> FiscalDocument:
    """Correct the buyer's data of a rejected document and issue it again, as SdI allows:
    same number and date, a new file (progressivo). Raises DocumentNotCorrectable otherwise."""
    with transaction.atomic():
        locked = FiscalDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status != SdiStatus.REJECTED:
            raise DocumentNotCorrectable(
                "Si può correggere e riemettere solo un documento scartato dallo SdI."
            )
        values = {f"buyer_{name}": (buyer.get(name) or "").strip() for name in BUYER_FIELDS}
        values["buyer_sdi_code"] = values["buyer_sdi_code"].upper()
        values["buyer_codice_fiscale"] = values["buyer_codice_fiscale"].upper()
        extra = {
            **values,
            "progressivo": _new_progressivo(),
            "transmissions": locked.transmissions + 1,
            "sdi_errors": [],
        }
        _move(
            locked, SdiStatus.ISSUED, actor=actor, note=note or "Corretta e riemessa", extra=extra
        )
    return locked


def import_receipt(*, data: bytes, file_name: str, actor=None) -> tuple[SdiReceipt, bool]:
    """Read an SdI receipt file and record it (see record_receipt). Raises InvalidReceipt or
    UnknownReceipt with an Italian message."""

    return record_receipt(receipt=parse_receipt(data, file_name=file_name), actor=actor)
