"""The courtesy copy (PDF, WeasyPrint) of an invoice or credit note, from its snapshot."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string

from sportello.core.seller import share_capital_label
from sportello.invoicing.amounts import vat_summary
from sportello.invoicing.fatturapa import recipient_code
from sportello.invoicing.models import FiscalDocument, PaymentMethodCode

LEGAL_NOTICE = (
    "Copia di cortesia priva di valore fiscale. L'originale con valore legale è la fattura "
    "elettronica trasmessa tramite il Sistema di Interscambio (SdI) dell'Agenzia delle "
    "Entrate, disponibile nel tuo \u201ccassetto fiscale\u201d."
)


def _no_external_resources(url: str, *args, **kwargs):
    raise ValueError(f"External resource refused in invoice PDF: {url}")


def document_pdf_html(document: FiscalDocument) -> str:
    lines = list(document.lines.all())
    code, pec = recipient_code(document)
    return render_to_string(
        "invoicing/pdf.html",
        {
            "document": document,
            "seller": document.seller,
            # The stored FatturaPA amount ("10000.00") as people read it.
            "share_capital": share_capital_label(document.seller.get("share_capital", "")),
            "lines": lines,
            "summary": vat_summary(lines),
            "recipient_code": code,
            "recipient_pec": pec,
            "payment_method": PaymentMethodCode(document.payment_method_code).label,
            "payment_parts": document.payment_parts,
            "legal_notice": LEGAL_NOTICE,
        },
    )


def render_document_pdf(document: FiscalDocument) -> bytes:
    from weasyprint import HTML

    html = HTML(string=document_pdf_html(document), url_fetcher=_no_external_resources)
    # Tagged (headings, tables, reading order) for screen readers.
    return html.render().write_pdf(pdf_tags=True)


def document_pdf_response(document: FiscalDocument) -> HttpResponse:
    response = HttpResponse(render_document_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.pdf_file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response
