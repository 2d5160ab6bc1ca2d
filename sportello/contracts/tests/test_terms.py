"""Terms of sale: public pages, versions, the back-office rule, the PDF, the seller's data."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sportello.contracts.models import TermsOfSale
from sportello.contracts.pdf import render_terms_pdf, terms_pdf_html
from sportello.contracts.queries import current_terms
from sportello.core.tests.pdf import is_tagged
from sportello.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

TERMS = reverse("contracts:terms")


def test_the_demo_terms_are_published_with_every_required_section():
    terms = current_terms()
    assert terms is not None and terms.version == "1.0"
    for heading in (
        "1. Chi siamo",
        "4. Prezzi",
        "5. Pagamento",
        "6. Tempi di esecuzione e consegna",
        "7. Diritto di recesso del consumatore",
        "8. Esecuzione prima della fine del periodo di recesso ed eccezioni",
        "12. Reclami",
        "14. Legge applicabile e foro competente",
    ):
        assert heading in terms.body
    assert "prezzo finale comprensivo di IVA" in terms.body


def test_the_terms_page_shows_the_current_version_and_the_model_withdrawal_form(client):
    TermsOfSale.objects.create(version="2.0", body="Nuovo testo.")
    TermsOfSale.objects.create(
        version="3.0", body="Bozza futura.", published_at=timezone.now() + dt.timedelta(days=3)
    )

    page = client.get(TERMS).text

    assert "Versione 2.0 in vigore" in page
    assert "Bozza futura" not in page
    assert "Modulo di recesso tipo" in page
    assert "Con la presente io/noi (*) notifichiamo il recesso" in page
    assert f'href="{reverse("withdrawals:start")}"' in page


def test_an_older_version_stays_readable_at_its_own_address(client):
    TermsOfSale.objects.create(version="2.0", body="Nuovo testo.")
    old = client.get(reverse("contracts:terms_version", kwargs={"version": "1.0"})).text
    assert "Versione 1.0" in old
    assert "non è la versione in vigore oggi" in old
    draft = TermsOfSale.objects.create(
        version="9.0", body="Bozza", published_at=timezone.now() + dt.timedelta(days=1)
    )
    url = reverse("contracts:terms_version", kwargs={"version": draft.version})
    assert client.get(url).status_code == 404


def test_an_accepted_version_is_read_only_in_the_back_office(staff_client):
    terms = current_terms()
    url = reverse("admin:contracts_termsofsale_change", args=[terms.pk])
    assert 'name="body"' in staff_client.get(url).text

    OrderFactory(terms=terms, terms_accepted_at=timezone.now())

    page = staff_client.get(url).text
    assert 'name="body"' not in page
    assert staff_client.post(
        reverse("admin:contracts_termsofsale_delete", args=[terms.pk]), {"post": "yes"}
    ).status_code in (302, 403)
    assert TermsOfSale.objects.filter(pk=terms.pk).exists()


def test_the_pdf_has_the_text_the_seller_and_the_model_form(settings):
    settings.INVOICE_SELLER = {
        **settings.INVOICE_SELLER,
        "rea_office": "BO",
        "rea_number": "987654",
    }
    terms = current_terms()
    html = terms_pdf_html(terms)
    assert "REA BO-987654" in html
    assert "Capitale sociale" in html and "PEC" in html
    assert "Modulo di recesso tipo" in html
    pdf = render_terms_pdf(terms)
    assert pdf.startswith(b"%PDF")
    assert is_tagged(pdf)  # headings and lists for screen readers


def test_the_footer_shows_the_sellers_legal_data(client, settings):
    settings.INVOICE_SELLER = {
        **settings.INVOICE_SELLER,
        "name": "Esempio Servizi S.r.l.",
        "rea_office": "MI",
        "rea_number": "1234567",
        "share_capital": "20000.00",
        "pec": "esempio@pec.example.it",
    }

    page = client.get(reverse("pages:home")).text

    assert "<strong>Esempio Servizi S.r.l.</strong>" in page
    assert "REA MI-1234567" in page
    assert "Capitale sociale 20.000,00 euro i.v." in page
    assert "PEC esempio@pec.example.it" in page
    assert f'<a href="{TERMS}">Condizioni generali di vendita</a>' in page
