"""The sales VAT register of a period as CSV for the accountant (Excel in Italian).

One row per invoice and credit note (credit notes negative), imponibile and IVA per rate,
total, stamp duty (imposta di bollo virtuale, paid by the seller each quarter) and payment
method. Semicolon-separated, decimal comma, UTF-8 with BOM.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from sportello.core.money import ZERO
from sportello.invoicing.amounts import rate_label, vat_summary
from sportello.invoicing.models import FiscalDocument


def italian_decimal(value: Decimal) -> str:
    """1234.5 -> "1234,50" (no thousands separator: spreadsheets read it as a number)."""
    return f"{abs(value) if value == 0 else value:.2f}".replace(".", ",")


def register_csv(documents: Iterable[FiscalDocument]) -> str:
    documents = list(documents)
    summaries = {document.pk: vat_summary(document.lines.all()) for document in documents}
    rates = sorted({row.vat_rate for rows in summaries.values() for row in rows}, reverse=True)
    header = ["Numero", "Data", "Tipo documento", "Cliente", "Codice fiscale / P.IVA"]
    header += [f"Imponibile {rate_label(rate)}" for rate in rates]
    header += [f"IVA {rate_label(rate)}" for rate in rates]
    header += ["Totale IVA", "Arrotondamento", "Totale", "Imposta di bollo", "Pagamento"]
    header += ["Stato SdI"]
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for document in documents:
        sign = Decimal(1) if document.is_invoice else Decimal(-1)
        by_rate = {row.vat_rate: row for row in summaries[document.pk]}
        nets = [by_rate[rate].net if rate in by_rate else ZERO for rate in rates]
        vats = [by_rate[rate].vat if rate in by_rate else ZERO for rate in rates]
        writer.writerow(
            [
                document.number,
                document.issue_date.strftime("%d/%m/%Y"),
                document.get_kind_display(),
                document.buyer_name,
                document.buyer_partita_iva or document.buyer_codice_fiscale,
                *(italian_decimal(sign * value) for value in nets),
                *(italian_decimal(sign * value) for value in vats),
                italian_decimal(sign * document.total_vat),
                italian_decimal(sign * document.rounding),
                italian_decimal(sign * document.total_gross),
                # Paid by the seller on both invoices and credit notes: never negative.
                italian_decimal(document.stamp_duty),
                document.payment_methods_label,
                document.get_status_display(),
            ]
        )
    return buffer.getvalue()
