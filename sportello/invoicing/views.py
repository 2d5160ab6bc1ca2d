"""The customer's downloads of their invoices and credit notes (I MIEI ORDINI)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from sportello.invoicing.fatturapa import build_xml
from sportello.invoicing.pdf import document_pdf_response
from sportello.invoicing.queries import document_for_customer, invoice_of_order_for_customer


@require_GET
@login_required
def document_pdf(request, pk):
    return document_pdf_response(document_for_customer(customer=request.user, pk=pk))


@require_GET
@login_required
def order_invoice_pdf(request, number):
    """The link of the payment confirmation e-mail: the invoice of order `number`."""
    return document_pdf_response(
        invoice_of_order_for_customer(customer=request.user, order_number=number)
    )


@require_GET
@login_required
def document_xml(request, pk):
    """The FatturaPA file, for a company or professional to book (private persons have the
    PDF; their original is in their cassetto fiscale)."""
    document = document_for_customer(customer=request.user, pk=pk)
    if not document.is_company:
        raise Http404("Documento non trovato")
    response = HttpResponse(build_xml(document), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{document.file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response
