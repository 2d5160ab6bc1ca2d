"""Purchase → paid → I MIEI ORDINI shows "Fattura" → the PDF (and the XML) download."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from e2e.test_purchase import labelled, screenshot_on_failure
from sportello.accounts.models import BillingProfile
from sportello.accounts.tests.factories import PASSWORD, UserFactory
from sportello.invoicing.models import FiscalDocument
from sportello.invoicing.tests.schema import assert_valid
from sportello.orders.models import Order, OrderStatus
from sportello.privacy.actions import record_signup_consents
from sportello.privacy.queries import current_notice
from sportello.privacy.tests.factories import PrivacyNoticeFactory

EMAIL = "luca.ferri@example.com"


@pytest.fixture
def buyer(transactional_db, settings):
    from django.core.management import call_command

    call_command("load_demo_catalogue", verbosity=0)
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    if current_notice() is None:
        PrivacyNoticeFactory(version="1.0")
    user = UserFactory(email=EMAIL, first_name="Luca", last_name="Ferri")
    record_signup_consents(user=user, is_marketing_granted=False, notice=current_notice())
    BillingProfile.objects.create(
        user=user,
        kind=BillingProfile.Kind.COMPANY,
        company_name="Ferri Costruzioni S.r.l.",
        partita_iva="07654320014",
        codice_fiscale="07654320014",
        sdi_code="M5UXCR1",
        address="Via Emilia 10",
        cap="40121",
        comune="Bologna",
        provincia="BO",
    )
    return user


def test_purchase_then_download_the_invoice(page, buyer, tmp_path):
    with screenshot_on_failure(page, "test_purchase_then_download_the_invoice"):
        page.goto("/account/login/")
        labelled(page, "E-mail").fill(EMAIL)
        labelled(page, "Password").fill(PASSWORD)
        page.get_by_role("button", name="Accedi").click()

        page.goto("/")
        menu = page.get_by_role("navigation", name="Menu principale")
        menu.get_by_text("Servizi", exact=True).click()
        menu.get_by_role("link", name="Informazioni commerciali e creditizie").click()
        page.get_by_role("link", name="Visura camerale").first.click()
        page.get_by_role("link", name="ACQUISTA").click()
        page.get_by_label("Partita IVA o codice fiscale dell'impresa").fill("00743110157")
        page.get_by_label("Storica").check()
        page.get_by_role("button", name="Aggiungi al carrello").click()
        expect(page.locator("#cart-total-gross")).to_have_text("24,40\u00a0€")
        page.get_by_role("link", name="PROCEDI ALL'ACQUISTO").click()

        # Billing data prefilled from DATI DI FATTURAZIONE
        expect(page.get_by_role("heading", name="Dati di Fatturazione")).to_be_visible()
        expect(labelled(page, "Ragione sociale")).to_have_value("Ferri Costruzioni S.r.l.")
        page.get_by_role("button", name="Continua").click()
        expect(page.get_by_role("heading", name="Metodo di pagamento")).to_be_visible()
        page.get_by_label("Carta di credito (pagamento di prova)").check()
        page.get_by_role("button", name="Continua").click()
        page.locator("#id_accept_terms").check()  # the terms of sale, required at the Riepilogo
        page.get_by_role("button", name="COMPLETA L'ACQUISTO").click()
        expect(page.get_by_role("heading", name="Pagamento con carta")).to_be_visible()
        page.get_by_role("button", name="Autorizza pagamento").click()

        order = Order.objects.get(customer=buyer)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Grazie! Ordine n. {order.number}"
        )
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
        invoice = FiscalDocument.objects.get(order=order)
        assert invoice.total_gross == Decimal("24.40")

        # I MIEI ORDINI → the order → Fattura
        page.get_by_role("link", name="Luca Ferri").click()
        page.get_by_role("link", name="I MIEI ORDINI").first.click()
        page.get_by_role("link", name=f"Ordine n. {order.number}").click()
        section = page.get_by_role("region", name="Fattura", exact=True)
        expect(section).to_contain_text(f"Fattura n. {invoice.number}")

        with page.expect_download() as pdf_download:
            section.get_by_role("link", name="Scarica il PDF").click()
        pdf = tmp_path / "fattura.pdf"
        pdf_download.value.save_as(pdf)
        assert pdf_download.value.suggested_filename == invoice.pdf_file_name
        assert pdf.read_bytes().startswith(b"%PDF")

        with page.expect_download() as xml_download:
            section.get_by_role("link", name="Scarica l'XML").click()
        xml = tmp_path / invoice.file_name
        xml_download.value.save_as(xml)
        assert_valid(xml.read_bytes())
