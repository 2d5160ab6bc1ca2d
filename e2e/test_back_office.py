"""The orders back-office in a real browser, as a staff member who is not a superuser.

List and filter orders → open one → mark its bank transfer received → ask the customer for
data on a line → attach the PDF outcome, which completes the order → cancel another order and
record its refund. Then the customer downloads the outcome from I MIEI ORDINI.
"""

import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.utils import timezone
from playwright.sync_api import expect

from e2e.staff import sign_in_to_back_office
from e2e.test_purchase import labelled, screenshot_on_failure
from sportello.accounts.tests.factories import UserFactory
from sportello.cart.actions import place_order
from sportello.cart.tests.factories import CartFactory, CartLineFactory
from sportello.catalogue.tests.factories import ServiceFactory
from sportello.contracts.demo import publish_demo_terms
from sportello.contracts.queries import current_terms
from sportello.contracts.rules import TermsAcceptance
from sportello.notifications.models import OutgoingEmail
from sportello.orders.models import LineStatus, Order, OrderStatus
from sportello.payments.actions import confirm_payment, start_payment
from sportello.payments.models import Payment, PaymentStatus

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
BILLING = {
    "kind": "person",
    "first_name": "Paolo",
    "last_name": "Conti",
    "codice_fiscale": "CNTPLA80A01H501Z",
    "address": "Via Po 3",
    "cap": "10123",
    "comune": "Torino",
    "provincia": "TO",
    "country": "IT",
}


@pytest.fixture
def shop(settings, transactional_db):
    publish_demo_terms()  # the flush of browser tests removes the migration's version
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    settings.BANK_TRANSFER_IBAN = "IT60X0542811101000000123456"
    settings.BANK_TRANSFER_BENEFICIARY = "Sportello Servizi S.r.l."
    service = ServiceFactory(
        name="Perizia immobiliare", net_price=Decimal("100.00"), vat_rate=Decimal("22.00")
    )
    customer = UserFactory(email="paolo.conti@example.com", first_name="Paolo", last_name="Conti")
    operator = UserFactory(
        email="operatore@sportello.example", first_name="Luca", last_name="Neri", is_staff=True
    )
    operator.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["orders", "payments"],
            # Working orders, and moving money: recording a transfer, refunding.
            codename__in=[
                "view_order",
                "change_order",
                "view_payment",
                "change_payment",
                "view_refund",
                "add_refund",
            ],
        )
    )
    request = RequestFactory().get("/")
    request.user = customer

    cart = CartFactory(user=customer)

    def buy(method):
        CartLineFactory(cart=cart, service=service, answers={})
        order = place_order(
            customer=customer,
            cart=cart,
            billing=BILLING,
            payment_method=method,
            checkout_token=uuid.uuid4(),
            # The consumer asked to start at once: staff may work within the withdrawal period.
            acceptance=TermsAcceptance(
                terms=current_terms(), accepted_at=timezone.now(), early_start_requested=True
            ),
        )
        start_payment(order=order, provider_id=method, request=request)
        return order

    by_transfer = buy("bank_transfer")
    by_card = buy("test_gateway")
    confirm_payment(payment=Payment.objects.get(order=by_card))
    return {
        "customer": customer,
        "operator": operator,
        "by_transfer": by_transfer,
        "by_card": by_card,
    }


def test_staff_run_orders_from_the_back_office(
    page, browser, live_server, shop, password, tmp_path
):
    with screenshot_on_failure(page, "test_staff_run_orders_from_the_back_office"):
        run_the_back_office(page, shop, password, tmp_path / "perizia.pdf")
    with screenshot_on_failure(page, "test_customer_downloads_the_outcome"):
        customer_downloads_the_outcome(browser, live_server, shop, password)


def run_the_back_office(page, shop, password, pdf: Path):
    by_transfer, by_card = shop["by_transfer"], shop["by_card"]
    # The shop's login, then the authenticator app's code (the back-office requires it).
    sign_in_to_back_office(page, shop["operator"], password)
    # Staff land on their workstation; the orders list is one click away in the back-office.
    expect(page.locator("h1")).to_contain_text("Scrivania")
    page.goto("/admin/")

    # List, filter by status, open the order waiting for its transfer.
    page.locator("tr.model-order").get_by_role("link", name="Ordini").click()
    expect(page.locator("#result_list")).to_contain_text(by_card.number)
    page.get_by_role("link", name="In attesa di pagamento").click()
    results = page.locator("#result_list")
    expect(results).to_contain_text(by_transfer.number)
    expect(results).not_to_contain_text(by_card.number)
    results.get_by_role("link", name=by_transfer.number).click()
    expect(page.locator("#content")).to_contain_text("Bonifico bancario")

    # Mark the bank transfer received.
    page.get_by_role("link", name="Segna bonifico ricevuto").click()
    # The whole amount is proposed; staff add the value date and the CRO/TRN.
    page.get_by_label("Data valuta").fill(timezone.localdate().isoformat())
    page.get_by_label("CRO / TRN").fill("0042")
    page.get_by_label("Nota interna").fill("Estratto conto di oggi")
    page.get_by_role("button", name="Segna bonifico ricevuto").click()
    expect(page.locator(".messagelist")).to_contain_text("pagamento completato")

    # The line: ask the customer for data, then attach the PDF and complete it.
    page.get_by_role("link", name="Stato ed esiti del servizio").click()
    page.get_by_label("Nuovo stato").select_option(label="In attesa di dati dal cliente")
    page.get_by_label("Nota", exact=True).fill("Serve la planimetria aggiornata")
    page.get_by_role("button", name="Cambia stato").click()
    expect(page.locator(".messagelist")).to_contain_text("Stato del servizio aggiornato")
    page.get_by_label("Nota per il cliente").fill("Perizia firmata")
    pdf.write_bytes(PDF_BYTES)
    page.get_by_label("File").set_input_files(str(pdf))
    page.get_by_role("button", name="Aggiungi esito").click()
    expect(page.locator(".messagelist")).to_contain_text("Esito aggiunto")
    expect(page.get_by_role("link", name="perizia.pdf")).to_be_visible()
    by_transfer.refresh_from_db()
    assert by_transfer.status == OrderStatus.COMPLETED
    assert by_transfer.lines.get().status == LineStatus.COMPLETED

    # Another order: cancel it, then record its refund.
    page.goto(f"/admin/orders/order/{by_card.pk}/change/")
    page.get_by_role("link", name="Annulla ordine").click()
    page.get_by_label("Messaggio per il cliente").fill("Servizio non erogabile")
    page.get_by_role("button", name="Annulla ordine").click()
    expect(page.locator(".messagelist")).to_contain_text("Stato attuale: «Annullato»")
    # A paid order cancelled is a refund to make: its page opens at once.
    expect(page.locator(".messagelist")).to_contain_text("Registra ora il rimborso di 122,00")
    expect(page.get_by_label(re.compile("Importo da rimborsare"))).to_have_value("122,00")
    page.get_by_label("Motivo").fill("Servizio non erogabile")
    page.get_by_role("button", name="Registra rimborso").click()
    expect(page.locator(".messagelist")).to_contain_text("Rimborso registrato")
    expect(page.locator("#content")).to_contain_text("Servizio non erogabile")

    by_card.refresh_from_db()
    assert by_card.status == OrderStatus.REFUNDED
    assert Payment.objects.get(order=by_card).status == PaymentStatus.REFUNDED
    sent = set(
        OutgoingEmail.objects.filter(to=shop["customer"].email).values_list("template", flat=True)
    )
    assert {
        "orders/email/payment_received",
        "orders/email/awaiting_customer_data",
        # The outcome completed the order: one e-mail ("completato"), not two.
        "orders/email/completed",
        "orders/email/cancelled",
        # The refund's own e-mail, with its amount, says the order is refunded.
        "payments/email/refund_recorded",
    } <= sent
    assert "orders/email/refunded" not in sent
    assert "orders/email/outcome_available" not in sent


def customer_downloads_the_outcome(browser, live_server, shop, password):
    context = browser.new_context(base_url=live_server.url, locale="it-IT", accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/account/login/")
        labelled(page, "E-mail").fill(shop["customer"].email)
        labelled(page, "Password").fill(password)
        page.get_by_role("button", name="Accedi").click()
        order = Order.objects.get(pk=shop["by_transfer"].pk)
        page.goto(order.get_absolute_url())
        expect(page.get_by_text("Perizia firmata")).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name="Scarica perizia.pdf").click()
        assert Path(download.value.path()).read_bytes() == PDF_BYTES
    finally:
        context.close()
