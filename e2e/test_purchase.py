"""The seed's whole purchase path in a real browser.

Servizi → category → service → ACQUISTA → form → Aggiungi al carrello → PROCEDI ALL'ACQUISTO →
register (with the e-mail code) → billing data → card → COMPLETA L'ACQUISTO →
Autorizza pagamento → confirmation → I MIEI ORDINI shows the order.
"""

import re
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from sportello.orders.models import Order, OrderStatus

PASSWORD = "Sportello-Prova-2026!"
EMAIL = "chiara.esposito@example.com"


@pytest.fixture
def shop(settings):
    call_command("load_demo_catalogue", verbosity=0)
    call_command("load_demo_terms", verbosity=0)
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]


@contextmanager
def screenshot_on_failure(page, name: str):
    """Keep a picture of the page under DATA_DIR when a step fails, to see what went wrong."""
    try:
        yield
    except Exception:
        page.screenshot(path=str(Path(settings.DATA_DIR) / f"{name}.png"), full_page=True)
        raise


def labelled(page, label: str):
    """The field whose label is exactly `label` (required fields add a hidden "*")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def wait_for_code(to: str, timeout: float = 10.0) -> str:
    """The verification code in the newest e-mail to `to` (tests use the locmem backend)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in reversed(mail.outbox):
            if to in message.to:
                match = re.search(r"sul sito:\n\n(\S+)\n", message.body)
                assert match, message.body
                return match.group(1)
        time.sleep(0.1)
    raise AssertionError(f"No verification e-mail to {to}")


def test_whole_purchase_path(page, shop):
    with screenshot_on_failure(page, "test_whole_purchase_path"):
        walk_the_purchase_path(page)


def walk_the_purchase_path(page):
    page.goto("/")

    # Servizi → category → service → ACQUISTA
    menu = page.get_by_role("navigation", name="Menu principale")
    menu.get_by_text("Servizi", exact=True).click()
    menu.get_by_role("link", name="Informazioni commerciali e creditizie").click()
    page.get_by_role("link", name="Visura camerale").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Visura camerale")
    page.get_by_role("link", name="ACQUISTA").click()

    # The service's form → Aggiungi al carrello
    page.get_by_label("Partita IVA o codice fiscale dell'impresa").fill("00743110157")
    page.get_by_label("Storica").check()
    page.get_by_role("button", name="Aggiungi al carrello").click()
    expect(page.locator("#cart-total-gross")).to_have_text("24,40\u00a0€")

    # PROCEDI ALL'ACQUISTO → log in or register
    page.get_by_role("link", name="PROCEDI ALL'ACQUISTO").click()
    expect(page.get_by_text("Per completare l'acquisto accedi")).to_be_visible()
    page.get_by_role("link", name="Registrati").last.click()
    # Signing up is part of the checkout: its progress and the order summary stay.
    expect(page.get_by_role("complementary", name="Il tuo ordine")).to_contain_text(
        "Visura camerale"
    )
    labelled(page, "Nome").fill("Chiara")
    labelled(page, "Cognome").fill("Esposito")
    labelled(page, "E-mail").fill(EMAIL)
    labelled(page, "Password").fill(PASSWORD)
    labelled(page, "Conferma la password").fill(PASSWORD)
    page.get_by_label("Ho preso visione").check()
    page.get_by_role("button", name="Registrati").click()

    expect(page.get_by_role("heading", name="Inserisci il codice di verifica")).to_be_visible()
    expect(page.get_by_role("complementary", name="Il tuo ordine")).to_be_visible()
    labelled(page, "Codice").fill(wait_for_code(EMAIL))
    page.get_by_role("button", name="Conferma").click()

    # Back in checkout, cart intact: Dati di Fatturazione
    expect(page.get_by_role("heading", name="Dati di Fatturazione")).to_be_visible()
    expect(page.locator("#cart-count")).to_have_text("1")
    expect(labelled(page, "Nome")).to_have_value("Chiara")
    # Only the private person's group is shown until "Azienda" is chosen.
    expect(labelled(page, "Ragione sociale")).to_be_hidden()
    page.get_by_label("Azienda o professionista").check()
    expect(labelled(page, "Ragione sociale")).to_be_visible()
    expect(labelled(page, "Cognome")).to_be_hidden()
    page.get_by_label("Privato").check()
    labelled(page, "Codice fiscale").fill("SPSCHR90A41F839X")
    labelled(page, "Indirizzo").fill("Via Toledo 100")
    labelled(page, "CAP").fill("80134")
    labelled(page, "Comune").fill("Napoli")
    labelled(page, "Provincia").select_option("NA")
    page.get_by_role("button", name="Continua").click()

    # A wrong codice fiscale is explained next to the field; nothing typed is lost.
    expect(page.locator("#id_codice_fiscale_error")).to_contain_text("codice fiscale")
    expect(labelled(page, "Indirizzo")).to_have_value("Via Toledo 100")
    labelled(page, "Codice fiscale").fill(valid_codice_fiscale("SPSCHR90A41F839"))
    page.get_by_role("button", name="Continua").click()

    # Payment method: card through the test gateway
    expect(page.get_by_role("heading", name="Metodo di pagamento")).to_be_visible()
    page.get_by_label("Carta di credito (pagamento di prova)").check()
    page.get_by_role("button", name="Continua").click()

    # Review → COMPLETA L'ACQUISTO
    expect(page.get_by_role("heading", name="Riepilogo dell'ordine")).to_be_visible()
    expect(page.locator("#review-total-net")).to_have_text("20,00\u00a0€")
    expect(page.locator("#review-total-vat")).to_have_text("4,40\u00a0€")
    expect(page.locator("#review-total-gross")).to_have_text("24,40\u00a0€")
    expect(page.get_by_text("Via Toledo 100")).to_be_visible()
    # A consumer is told of the 14-day withdrawal right and its exception.
    expect(page.locator(".withdrawal-info")).to_contain_text("entro 14 giorni")
    expect(page.locator(".withdrawal-info")).to_contain_text("completamente prestati")
    early_start = page.get_by_label("Chiedo che l'esecuzione dei servizi inizi prima")
    expect(early_start).not_to_be_checked()
    early_start.check()
    # Without accepting the terms: the error is next to the checkbox and nothing is lost.
    page.get_by_role("button", name="COMPLETA L'ACQUISTO").click()
    expect(page.locator("#id_accept_terms_error")).to_have_text(
        "Per completare l'acquisto devi accettare le Condizioni generali di vendita: "
        "spunta la casella."
    )
    expect(page.get_by_label("Chiedo che l'esecuzione dei servizi inizi prima")).to_be_checked()
    expect(page.locator("#review-total-gross")).to_have_text("24,40\u00a0€")
    assert not Order.objects.filter(customer__email=EMAIL).exists()
    # The link in the label opens the text in the page.
    page.locator("a[data-open-terms]").click()
    expect(page.locator("#condizioni-generali .terms-body")).to_contain_text("Diritto di recesso")
    page.locator("#id_accept_terms").check()
    page.get_by_role("button", name="COMPLETA L'ACQUISTO").click()

    # The gateway → Autorizza pagamento
    expect(page.get_by_role("heading", name="Pagamento con carta")).to_be_visible()
    expect(page.get_by_text("24,40\u00a0€")).to_be_visible()
    page.get_by_role("button", name="Autorizza pagamento").click()

    # Confirmation
    order = Order.objects.get(customer__email=EMAIL)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Grazie! Ordine n. {order.number}")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.total_gross == Decimal("24.40")
    assert order.billing_comune == "Napoli"
    assert order.terms is not None and order.terms_accepted_at is not None
    assert order.early_start_requested is True

    # IL MIO ACCOUNT (the name at the top left) → I MIEI ORDINI
    page.get_by_role("link", name="Chiara Esposito").click()
    page.get_by_role("link", name="I MIEI ORDINI").first.click()
    row = page.get_by_role("row").filter(has_text=order.number)
    expect(row).to_contain_text("24,40\u00a0€")
    expect(row).to_contain_text("Pagato")


def valid_codice_fiscale(first_fifteen: str) -> str:
    from stdnum.it import codicefiscale

    return first_fifteen + codicefiscale.calc_check_digit(first_fifteen)
