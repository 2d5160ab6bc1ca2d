"""Invoices and credit notes (fiscal documents), their lines, numbering and SdI receipts.

A document is a snapshot: seller, buyer, lines and totals are copied when it is issued and
never recomputed from the order or the settings. Only `actions.py` creates or changes one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse

from sportello.core.models import MoneyField, TimeStampedModel, VatRateField
from sportello.core.state import StatusChangeBase
from sportello.orders.models import CustomerKind


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", "Fattura"
    CREDIT_NOTE = "credit_note", "Nota di credito"


# FatturaPA TipoDocumento of each kind.
DOCUMENT_TYPE_CODES = {DocumentKind.INVOICE: "TD01", DocumentKind.CREDIT_NOTE: "TD04"}


class SdiStatus(models.TextChoices):
    ISSUED = "issued", "Emessa"
    SENT = "sent", "Inviata allo SdI"
    DELIVERED = "delivered", "Consegnata"
    REJECTED = "rejected", "Scartata dallo SdI"
    NOT_DELIVERED = "not_delivered", "Non consegnata (nel cassetto fiscale)"


SDI_TRANSITIONS: dict[str, frozenset[str]] = {
    # A receipt may be imported for a file sent by other means than our export: accept it
    # straight from "issued" too.
    SdiStatus.ISSUED: frozenset(
        {SdiStatus.SENT, SdiStatus.DELIVERED, SdiStatus.REJECTED, SdiStatus.NOT_DELIVERED}
    ),
    SdiStatus.SENT: frozenset({SdiStatus.DELIVERED, SdiStatus.REJECTED, SdiStatus.NOT_DELIVERED}),
    # A rejected file counts as never issued for SdI: staff correct it and it is issued again
    # (same number and date, new file name).
    SdiStatus.REJECTED: frozenset({SdiStatus.ISSUED}),
    SdiStatus.DELIVERED: frozenset(),
    # SdI made it available in the buyer's cassetto fiscale: it is issued; nothing follows.
    SdiStatus.NOT_DELIVERED: frozenset(),
}


class PaymentMethodCode(models.TextChoices):
    CARD = "MP08", "Carta di pagamento"
    TRANSFER = "MP05", "Bonifico"
    # An order paid from the company's prepaid credit: money collected before (the top-up).
    WITHHELD = "MP22", "Trattenuta su somme già riscosse"


class DocumentSequence(models.Model):
    """Last number used in a series and year; bumped with a conditional UPDATE (see actions)."""

    series = models.CharField(max_length=20)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "numerazione"
        verbose_name_plural = "numerazioni"
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="invoicing_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last_number}"


class FiscalDocument(TimeStampedModel):
    """A fattura (TD01) or nota di credito (TD04), as sent to SdI."""

    kind = models.CharField("tipo", max_length=20, choices=DocumentKind.choices)
    number = models.CharField("numero", max_length=20, unique=True)
    year = models.PositiveIntegerField("anno")
    sequence_number = models.PositiveIntegerField("progressivo annuale")
    issue_date = models.DateField("data")
    status = models.CharField(
        "stato SdI", max_length=20, choices=SdiStatus.choices, default=SdiStatus.ISSUED
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        related_name="fiscal_documents",
        verbose_name="ordine",
    )
    refund = models.OneToOneField(
        "payments.Refund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_note",
        verbose_name="rimborso",
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name="fattura rettificata",
    )
    # The method of the payment that settled the order (of the refund, for a credit note).
    payment_method_code = models.CharField(
        "modalità di pagamento", max_length=4, choices=PaymentMethodCode.choices
    )
    # How the invoice was paid, payment by payment (one part when paid at once; part of a bank
    # transfer then the rest by card: two): each part's method, amount and the day the money
    # arrived, as [{"code": "MP05", "amount": "40.00", "date": "2026-12-01"}]. Empty for credit
    # notes and for invoices issued before parts were kept: their one part is
    # `payment_method_code` for the whole total on the issue day (see `payment_parts`).
    payment_breakdown = models.JSONField("pagamenti", default=list, blank=True)
    total_net = MoneyField("imponibile")
    total_vat = MoneyField("IVA")
    # Difference between the sum of per-line VAT the customer paid and the VAT of the
    # per-rate summary (rounded once per rate): written as Arrotondamento, so the total is
    # exactly what was paid (or refunded).
    rounding = MoneyField("arrotondamento", default=0)
    total_gross = MoneyField("totale")
    # Imposta di bollo assolta in modo virtuale (2,00 EUR on 0 % amounts above 77,47 EUR, see
    # amounts.stamp_duty), fixed when issued; paid by the seller, not part of the total.
    stamp_duty = MoneyField("imposta di bollo", default=0)
    # The seller's data when issued (settings may change later; the document never does).
    seller = models.JSONField("cedente prestatore", default=dict)
    buyer_kind = models.CharField("tipo cliente", max_length=10, choices=CustomerKind.choices)
    buyer_first_name = models.CharField("nome", max_length=150, blank=True)
    buyer_last_name = models.CharField("cognome", max_length=150, blank=True)
    buyer_company_name = models.CharField("ragione sociale", max_length=200, blank=True)
    buyer_codice_fiscale = models.CharField("codice fiscale", max_length=16, blank=True)
    buyer_partita_iva = models.CharField("partita IVA", max_length=11, blank=True)
    buyer_sdi_code = models.CharField("codice destinatario SDI", max_length=7, blank=True)
    buyer_pec = models.EmailField("PEC", blank=True)
    buyer_address = models.CharField("indirizzo", max_length=200)
    buyer_cap = models.CharField("CAP", max_length=5)
    buyer_comune = models.CharField("comune", max_length=80)
    buyer_provincia = models.CharField("provincia", max_length=2, blank=True)
    buyer_country = models.CharField("nazione", max_length=2, default="IT")
    # ProgressivoInvio of the current file: 5 characters, new for each (re)transmission.
    progressivo = models.CharField("progressivo invio", max_length=5, unique=True)
    transmissions = models.PositiveIntegerField("emissioni", default=1)
    sdi_identifier = models.CharField("identificativo SdI", max_length=50, blank=True)
    sdi_errors = models.JSONField("errori SdI", default=list, blank=True)

    class Meta:
        ordering = ["-issue_date", "-id"]
        verbose_name = "documento fiscale"
        verbose_name_plural = "fatture e note di credito"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "sequence_number"], name="invoicing_number_unique"
            ),
            # One invoice per order; credit notes are one per refund (refund is one-to-one).
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(kind=DocumentKind.INVOICE),
                name="invoicing_one_invoice_per_order",
            ),
        ]
        indexes = [models.Index(fields=["issue_date"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n. {self.number}"

    @property
    def is_invoice(self) -> bool:
        return self.kind == DocumentKind.INVOICE

    @property
    def is_company(self) -> bool:
        return self.buyer_kind == "company"

    @property
    def buyer_name(self) -> str:
        if self.is_company:
            return self.buyer_company_name
        return f"{self.buyer_first_name} {self.buyer_last_name}".strip()

    @property
    def document_type(self) -> str:
        return DOCUMENT_TYPE_CODES[DocumentKind(self.kind)]

    @property
    def file_name(self) -> str:
        """IT<partita IVA of the seller>_<progressivo>.xml, as SdI requires."""
        return f"IT{self.seller['partita_iva']}_{self.progressivo}.xml"

    @property
    def pdf_file_name(self) -> str:
        label = "fattura" if self.is_invoice else "nota-di-credito"
        return f"{label}-{self.number.replace('/', '-')}.pdf"

    @property
    def payment_parts(self) -> list[PaymentPart]:
        """How the document's total was paid (refunded): one part, or several in order."""
        if not self.payment_breakdown:
            return [PaymentPart(self.payment_method_code, self.total_gross, self.issue_date)]
        return [
            PaymentPart(
                part["code"], Decimal(part["amount"]), datetime.date.fromisoformat(part["date"])
            )
            for part in self.payment_breakdown
        ]

    @property
    def payment_methods_label(self) -> str:
        """ "Bonifico", or "Bonifico + Carta di pagamento" for a total paid in parts."""
        labels = dict.fromkeys(part.label for part in self.payment_parts)
        return " + ".join(labels)

    def get_absolute_url(self) -> str:
        return reverse("invoicing:pdf", kwargs={"pk": self.pk})


@dataclass(frozen=True)
class PaymentPart:
    code: str
    amount: Decimal
    date: datetime.date

    @property
    def label(self) -> str:
        return PaymentMethodCode(self.code).label

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "amount": f"{self.amount:.2f}", "date": self.date.isoformat()}


class FiscalDocumentLine(models.Model):
    document = models.ForeignKey(FiscalDocument, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField("numero linea")
    description = models.CharField("descrizione", max_length=1000)
    quantity = models.DecimalField("quantità", max_digits=12, decimal_places=2, default=1)
    unit_price = MoneyField("prezzo unitario")
    net = MoneyField("prezzo totale")
    vat_rate = VatRateField("aliquota IVA")
    natura = models.CharField("natura", max_length=5, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "riga"
        verbose_name_plural = "righe"

    def __str__(self) -> str:
        return self.description


class FiscalDocumentStatusChange(StatusChangeBase):
    document = models.ForeignKey(
        FiscalDocument, on_delete=models.CASCADE, related_name="status_changes"
    )

    class Meta(StatusChangeBase.Meta):
        verbose_name = "cambio di stato SdI"
        verbose_name_plural = "storico SdI"

    def __str__(self) -> str:
        return f"{sdi_status_label(self.from_status)} → {sdi_status_label(self.to_status)}"


def sdi_status_label(value: str) -> str:
    """The Italian label of an SdI status ("—" for the start of the history)."""
    if not value:
        return "—"
    return SdiStatus(value).label if value in SdiStatus.values else value


class ReceiptKind(models.TextChoices):
    DELIVERY = "RC", "Ricevuta di consegna"
    REJECTION = "NS", "Notifica di scarto"
    NOT_DELIVERED = "MC", "Notifica di mancata consegna"


class SdiReceipt(TimeStampedModel):
    """A receipt file SdI returned for one of our files (imported by staff)."""

    document = models.ForeignKey(
        FiscalDocument, on_delete=models.PROTECT, related_name="receipts", verbose_name="documento"
    )
    kind = models.CharField("tipo", max_length=2, choices=ReceiptKind.choices)
    file_name = models.CharField("nome del file", max_length=100, unique=True)
    invoice_file_name = models.CharField("file della fattura", max_length=100)
    sdi_identifier = models.CharField("identificativo SdI", max_length=50, blank=True)
    received_at = models.DateTimeField("data SdI", null=True, blank=True)
    errors = models.JSONField("errori", default=list, blank=True)
    description = models.TextField("descrizione", blank=True)
    content = models.TextField("contenuto")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "ricevuta SdI"
        verbose_name_plural = "ricevute SdI"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"
