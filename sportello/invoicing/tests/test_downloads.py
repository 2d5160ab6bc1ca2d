"""I MIEI ORDINI: the order shows its invoice; PDF for everyone, XML for companies; owners only."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from sportello.checkout.settlement import record_refund
from sportello.core.dates import long_date
from sportello.core.tests.pdf import is_tagged
from sportello.invoicing.models import FiscalDocument
from sportello.invoicing.pdf import LEGAL_NOTICE, document_pdf_html
from sportello.invoicing.tests.conftest import COMPANY, make_order, pay
from sportello.notifications.models import OutgoingEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_invoice(customer):
    order = make_order(customer, [{"base_net": "100.00"}])
    pay(order)
    return FiscalDocument.objects.get(order=order)


@pytest.fixture
def company_invoice(customer):
    order = make_order(customer, [{"base_net": "100.00"}], **COMPANY, billing_sdi_code="M5UXCR1")
    pay(order)
    return FiscalDocument.objects.get(order=order)


def test_order_page_shows_the_invoice_with_its_downloads(customer_client, company_invoice):
    response = customer_client.get(company_invoice.order.get_absolute_url())

    page = response.content.decode()
    assert '<h2 id="fattura">Fattura</h2>' in page
    issued = long_date(company_invoice.issue_date)  # "giovedì 3 dicembre 2026"
    assert f"Fattura n. {company_invoice.number} di {issued}" in page
    assert reverse("invoicing:pdf", args=[company_invoice.pk]) in page
    assert reverse("invoicing:xml", args=[company_invoice.pk]) in page
    assert "cassetto fiscale" in page


def test_private_person_gets_the_pdf_but_no_xml_link(customer_client, private_invoice):
    page = customer_client.get(private_invoice.order.get_absolute_url()).content.decode()

    assert reverse("invoicing:pdf", args=[private_invoice.pk]) in page
    assert reverse("invoicing:xml", args=[private_invoice.pk]) not in page
    assert (
        customer_client.get(reverse("invoicing:xml", args=[private_invoice.pk])).status_code == 404
    )


def test_pdf_download(customer_client, private_invoice):
    response = customer_client.get(reverse("invoicing:pdf", args=[private_invoice.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="{private_invoice.pdf_file_name}"' in response["Content-Disposition"]
    assert is_tagged(response.content)  # headings and tables for screen readers


def test_pdf_carries_both_parties_lines_vat_and_the_legal_notice(private_invoice):
    html = document_pdf_html(private_invoice)

    assert "Sportello Servizi S.r.l." in html
    assert "Mario Rossi" in html
    assert "Riepilogo IVA" in html
    assert "122,00" in html and "22,00" in html
    assert escape(LEGAL_NOTICE) in html
    assert "cassetto fiscale" in LEGAL_NOTICE and "SdI" in LEGAL_NOTICE


def test_pdf_writes_the_share_capital_as_people_read_it(private_invoice):
    private_invoice.seller = {
        **private_invoice.seller,
        "rea_office": "MI",
        "rea_number": "1234567",
        "share_capital": "10000.00",  # as the FatturaPA stores it
    }
    html = document_pdf_html(private_invoice)
    assert "Capitale sociale 10.000,00 euro i.v." in html
    assert "10000.00" not in html


def test_pdf_writes_the_buyer_s_partita_iva_like_the_seller_s(company_invoice):
    assert "P.IVA IT07654320014" in document_pdf_html(company_invoice)


def test_xml_download_for_a_company(customer_client, company_invoice):
    response = customer_client.get(reverse("invoicing:xml", args=[company_invoice.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert company_invoice.file_name in response["Content-Disposition"]


def test_another_customer_gets_404(client, other_customer, company_invoice):
    client.force_login(other_customer)
    urls = [
        reverse("invoicing:pdf", args=[company_invoice.pk]),
        reverse("invoicing:xml", args=[company_invoice.pk]),
        reverse("invoicing:order_invoice_pdf", args=[company_invoice.order.number]),
    ]
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]


def test_anonymous_visitor_is_sent_to_login(client, company_invoice):
    response = client.get(reverse("invoicing:pdf", args=[company_invoice.pk]))
    assert response.status_code == 302


def test_confirmation_e_mail_says_the_invoice_is_ready_and_links_to_it(customer_client, customer):
    order = make_order(customer, [{"base_net": "100.00"}])
    pay(order)

    message = OutgoingEmail.objects.get(template="orders/email/confirmation")
    link = f"/il-mio-account/fatture/ordine/{order.number}/fattura.pdf"
    assert "La fattura è pronta" in message.text_body
    assert link in message.text_body and link in message.html_body
    response = customer_client.get(link)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_payment_received_e_mail_links_the_invoice(customer, staff):
    order = make_order(customer, [{"base_net": "100.00"}], payment_method="bank_transfer")
    from sportello.orders import emails

    emails.send_order_confirmation(order)  # placed with bank transfer: confirmation at once
    pay(order, provider="bank_transfer", actor=staff)

    message = OutgoingEmail.objects.get(template="orders/email/payment_received")
    assert f"/il-mio-account/fatture/ordine/{order.number}/fattura.pdf" in message.text_body


def test_credit_notes_are_listed_too(customer_client, private_invoice, staff):
    record_refund(
        payment=private_invoice.order.payments.get(), amount="12.20", actor=staff, note=""
    )
    note = FiscalDocument.objects.get(corrects=private_invoice)

    page = customer_client.get(private_invoice.order.get_absolute_url()).content.decode()
    assert f"Nota di credito n. {note.number}" in page
    assert customer_client.get(reverse("invoicing:pdf", args=[note.pk])).status_code == 200


@pytest.mark.parametrize("documents", [1, 4])
def test_order_page_query_count_does_not_grow_with_documents(
    customer_client, private_invoice, staff, django_assert_num_queries, documents
):
    payment = private_invoice.order.payments.get()
    for _ in range(documents - 1):
        record_refund(payment=payment, amount="1.00", actor=staff, note="")
    assert private_invoice.order.fiscal_documents.count() == documents
    # + the lines' history, their data requests and the conversation (desk); whether the
    # viewer may buy ("Ordina di nuovo"); the refunds beside the payments (money received).
    with django_assert_num_queries(15):
        customer_client.get(private_invoice.order.get_absolute_url())
