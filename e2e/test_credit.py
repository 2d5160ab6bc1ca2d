"""Prepaid credit in a real browser: a company administrator buys a top-up by card (test
gateway), sees the balance in CREDITO PREPAGATO, buys a service paying from the credit, and
sees the balance go down and both movements."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from e2e.test_purchase import labelled, screenshot_on_failure
from sportello.accounts.tests.factories import PASSWORD, UserFactory
from sportello.companies.models import Role
from sportello.companies.tests.factories import CompanyFactory, MembershipFactory
from sportello.credit.models import CreditMovement, MovementKind
from sportello.orders.models import Order, OrderStatus
from sportello.privacy.actions import record_signup_consents
from sportello.privacy.queries import current_notice
from sportello.privacy.tests.factories import PrivacyNoticeFactory

EMAIL = "amministrazione@rossicostruzioni.example"


@pytest.fixture
def administrator(transactional_db, settings):
    call_command("load_demo_catalogue", verbosity=0)
    call_command("load_demo_terms", verbosity=0)
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer", "prepaid_credit"]
    if current_notice() is None:
        PrivacyNoticeFactory(version="1.0")
    user = UserFactory(email=EMAIL, first_name="Elena", last_name="Rossi")
    record_signup_consents(user=user, is_marketing_granted=False, notice=current_notice())
    company = CompanyFactory(name="Rossi Costruzioni S.r.l.")
    MembershipFactory(company=company, user=user, role=Role.ADMINISTRATOR)
    return user


def test_top_up_then_pay_an_order_from_credit(page, administrator):
    with screenshot_on_failure(page, "test_top_up_then_pay_an_order_from_credit"):
        page.goto("/account/login/")
        labelled(page, "E-mail").fill(EMAIL)
        labelled(page, "Password").fill(PASSWORD)
        page.get_by_role("button", name="Accedi").click()

        # IL MIO ACCOUNT → CREDITO PREPAGATO: nothing yet.
        page.goto("/il-mio-account/")
        page.get_by_role("link", name=re.compile("^CREDITO PREPAGATO")).first.click()
        expect(page.locator("#credit-balance")).to_have_text("0,00\u00a0€")
        expect(page.get_by_text("Nessun movimento.")).to_be_visible()

        # An amount below the minimum is explained next to the field, the amount kept.
        labelled(page, "Importo della ricarica (€)").fill("20")
        page.get_by_role("button", name="Ricarica").click()
        expect(page.locator("#id_amount_error")).to_contain_text("tra 50,00")
        expect(labelled(page, "Importo della ricarica (€)")).to_have_value("20")

        # Ricarica 200,00 € by card: the checkout as for a cart.
        labelled(page, "Importo della ricarica (€)").fill("200,00")
        page.get_by_role("button", name="Ricarica").click()
        expect(page.get_by_role("heading", name="Dati di Fatturazione")).to_be_visible()
        page.get_by_role("button", name="Continua").click()
        expect(page.get_by_role("heading", name="Metodo di pagamento")).to_be_visible()
        expect(page.locator("input[value=prepaid_credit]")).to_have_count(0)
        page.get_by_label("Carta di credito (pagamento di prova)").check()
        page.get_by_role("button", name="Continua").click()
        expect(page.get_by_text("Ricarica credito prepagato")).to_be_visible()
        expect(page.locator("#review-total-gross")).to_have_text("200,00\u00a0€")
        page.locator("#id_accept_terms").check()
        page.get_by_role("button", name="COMPLETA L'ACQUISTO").click()
        expect(page.get_by_role("heading", name="Pagamento con carta")).to_be_visible()
        page.get_by_role("button", name="Autorizza pagamento").click()
        top_up = Order.objects.get(customer=administrator)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Grazie! Ordine n. {top_up.number}"
        )

        page.goto("/il-mio-account/credito/")
        expect(page.locator("#credit-balance")).to_have_text("200,00\u00a0€")
        expect(page.locator("#credit-movements")).to_contain_text("Ricarica")
        expect(page.locator("#credit-movements")).to_contain_text("+200,00\u00a0€")

        # Buy a service (24,40 €) and pay it from the credit.
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
        # A returning buyer (the top-up was paid by card with the company's data): straight
        # to the Riepilogo, where the payment method is changed in place.
        page.get_by_role("link", name="PROCEDI ALL'ACQUISTO").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Riepilogo dell'ordine")
        page.get_by_role("link", name="Modifica il metodo di pagamento").click()
        page.get_by_label("Credito prepagato").check()
        page.get_by_role("button", name="Salva il metodo di pagamento").click()
        expect(page.locator("#review-live")).to_contain_text("Metodo di pagamento aggiornato")
        expect(page.locator("#review-total-gross")).to_have_text("24,40\u00a0€")
        page.locator("#id_accept_terms").check()
        page.get_by_role("button", name="COMPLETA L'ACQUISTO").click()

        order = Order.objects.exclude(pk=top_up.pk).get(customer=administrator)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Grazie! Ordine n. {order.number}"
        )
        assert order.status == OrderStatus.PAID
        assert order.payment_method == "prepaid_credit"

        page.goto("/il-mio-account/credito/")
        expect(page.locator("#credit-balance")).to_have_text("175,60\u00a0€")
        rows = page.locator("#credit-movements tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("Pagamento ordine")
        expect(rows.first).to_contain_text(order.number)
        expect(rows.first).to_contain_text("-24,40\u00a0€")
        expect(rows.first).to_contain_text("175,60\u00a0€")
        assert [m.kind for m in CreditMovement.objects.order_by("id")] == [
            MovementKind.TOP_UP,
            MovementKind.PAYMENT,
        ]
