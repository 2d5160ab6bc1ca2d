"""The customer's downloads of their invoices and credit notes (I MIEI ORDINI)."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from sportello.invoicing.fatturapa import document_xml_response
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
    return document_xml_response(document_for_customer(customer=request.user, pk=pk))
