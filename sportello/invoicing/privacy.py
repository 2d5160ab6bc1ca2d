"""What invoicing holds about a customer, for their data export, and why erasure keeps it.

Invoices and credit notes are fiscal records: Italian law (art. 2220 c.c., DPR 600/1973
art. 22, DPR 633/1972 art. 39) requires them kept for 10 years, unchanged. An account erasure
therefore never touches them (every field of `ERASURE` is "kept"); they stay attached to the
kept order.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from sportello.core.erasure import treat
from sportello.core.export import ExportContext
from sportello.invoicing.amounts import vat_summary
from sportello.invoicing.models import FiscalDocument

RETENTION_YEARS = 10

# Model label -> where its rows appear in the export (under "invoices").
EXPORTED_MODELS = {
    "invoicing.FiscalDocument": "invoices",
    "invoicing.FiscalDocumentLine": "invoices[].lines",
    "invoicing.FiscalDocumentStatusChange": "invoices[].status_history",
}
KEPT_FISCAL = (
    "kept: fiscal document, 10 years unchanged (art. 2220 c.c., art. 39 DPR 633/1972, "
    "DPR 600/1973 art. 22)"
)
# Model label -> field -> what erasure does with it: nothing, field by field, so that a new
# field must be declared here too.
ERASURE: dict[str, dict[str, str]] = {
    "invoicing.FiscalDocument": treat(
        KEPT_FISCAL,
        "id",
        "created_at",
        "updated_at",
        "kind",
        "number",
        "year",
        "sequence_number",
        "issue_date",
        "status",
        "order",
        "refund",
        "corrects",
        "payment_method_code",
        "payment_breakdown",
        "total_net",
        "total_vat",
        "rounding",
        "total_gross",
        "stamp_duty",
        "seller",
        "buyer_kind",
        "buyer_first_name",
        "buyer_last_name",
        "buyer_company_name",
        "buyer_codice_fiscale",
        "buyer_partita_iva",
        "buyer_sdi_code",
        "buyer_pec",
        "buyer_address",
        "buyer_cap",
        "buyer_comune",
        "buyer_provincia",
        "buyer_country",
        "progressivo",
        "transmissions",
        "sdi_identifier",
        "sdi_errors",
    ),
    "invoicing.FiscalDocumentLine": treat(
        KEPT_FISCAL,
        "id",
        "document",
        "position",
        "description",
        "quantity",
        "unit_price",
        "net",
        "vat_rate",
        "natura",
    ),
    "invoicing.FiscalDocumentStatusChange": treat(
        KEPT_FISCAL, "id", "from_status", "to_status", "actor", "note", "created_at", "document"
    ),
}
# Model label -> why it holds no personal data of the customer to export.
MODELS_WITHOUT_CUSTOMER_DATA = {
    "invoicing.DocumentSequence": "invoice and credit note number counters",
    "invoicing.SdiReceipt": (
        "SdI's receipts for the shop's files; their outcome (status, SdI id, errors) is "
        "exported with each invoice"
    ),
}


def _money(value) -> str:
    return f"{value:.2f}"


def export_data(context: ExportContext) -> None:
    context.data["invoices"] = documents_for_export(context.user)


def documents_for_export(user) -> list[dict[str, Any]]:
    """The customer's invoices and credit notes, as JSON-ready dicts (one query per relation)."""
    documents = (
        FiscalDocument.objects.filter(order__customer=user)
        .select_related("order", "corrects")
        .prefetch_related("lines", "status_changes")
        .order_by("issue_date", "id")
    )
    result = []
    for document in documents:
        lines = list(document.lines.all())
        result.append(
            {
                "kind": document.kind,
                "kind_label": document.get_kind_display(),
                "number": document.number,
                "issue_date": document.issue_date.isoformat(),
                "order": document.order.number,
                "corrects": document.corrects.number if document.corrects else None,
                "file_name": document.file_name,
                "sdi_status": document.status,
                "sdi_status_label": document.get_status_display(),
                "sdi_identifier": document.sdi_identifier,
                "sdi_errors": document.sdi_errors,
                "buyer": {
                    "kind": document.buyer_kind,
                    "first_name": document.buyer_first_name,
                    "last_name": document.buyer_last_name,
                    "company_name": document.buyer_company_name,
                    "codice_fiscale": document.buyer_codice_fiscale,
                    "partita_iva": document.buyer_partita_iva,
                    "sdi_code": document.buyer_sdi_code,
                    "pec": document.buyer_pec,
                    "address": document.buyer_address,
                    "cap": document.buyer_cap,
                    "comune": document.buyer_comune,
                    "provincia": document.buyer_provincia,
                    "country": document.buyer_country,
                },
                "lines": [
                    {
                        "description": line.description,
                        "quantity": _money(line.quantity),
                        "unit_price": _money(line.unit_price),
                        "net": _money(line.net),
                        "vat_rate": _money(line.vat_rate),
                        "natura": line.natura,
                    }
                    for line in lines
                ],
                "vat_summary": [
                    {"vat_rate": _money(r.vat_rate), "net": _money(r.net), "vat": _money(r.vat)}
                    for r in vat_summary(lines)
                ],
                "total_net": _money(document.total_net),
                "total_vat": _money(document.total_vat),
                "rounding": _money(document.rounding),
                "total_gross": _money(document.total_gross),
                "stamp_duty": _money(document.stamp_duty),
                "payment_method": document.get_payment_method_code_display(),
                "payments": [
                    {"method": part.label, "amount": _money(part.amount), "date": str(part.date)}
                    for part in document.payment_parts
                ],
                "status_history": [
                    {
                        "from": change.from_status,
                        "to": change.to_status,
                        "at": timezone.localtime(change.created_at).isoformat(),
                        "note": change.note,
                    }
                    for change in document.status_changes.all()
                ],
            }
        )
    return result
