"""The seed's quote path in a real browser.

Service on quote → RICHIEDI PREVENTIVO → Carrello Preventivi → PROCEDI ALLA RICHIESTA DI
PREVENTIVO → (log in) → message → RICHIEDI PREVENTIVO → staff price it in the back-office →
the e-mail's link → ACCETTA IL PREVENTIVO → billing data → card → COMPLETA L'ACQUISTO →
Autorizza pagamento → I MIEI ORDINI shows the order at the quoted price.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from e2e.staff import sign_in_to_back_office
from e2e.test_purchase import labelled, screenshot_on_failure, valid_codice_fiscale
from sportello.accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from sportello.orders.models import Order, OrderStatus
from sportello.quotes.models import QuoteRequest, QuoteStatus

EMAIL = "lucia.ferri@example.com"


@pytest.fixture
def shop(settings, live_server):
    call_command("load_demo_catalogue", verbosity=0)
    call_command("load_demo_terms", verbosity=0)
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    # Links in e-mails point at the server the browser talks to.
    settings.SITE_URL = live_server.url


def test_whole_quote_path(page, browser, live_server, shop):
    customer = UserFactory(email=EMAIL, first_name="Lucia", last_name="Ferri")
    staff = StaffFactory()
    with screenshot_on_failure(page, "test_whole_quote_path"):
        walk_the_quote_path(page, customer, staff, browser=browser, base_url=live_server.url)


def price_in_the_back_office(browser, base_url, staff, quote):
    """Log in to the back-office, open the request, set the price and send it."""
    context = browser.new_context(base_url=base_url, locale="it-IT")
    context.set_default_timeout(10_000)
    admin = context.new_page()
    try:
        sign_in_to_back_office(admin, staff, PASSWORD)
        admin.goto("/admin/quotes/quoterequest/?status__exact=sent")
        admin.get_by_role("link", name=quote.number).click()
        admin.get_by_role("link", name="Prezzi e invio").click()
        (line,) = quote.lines.all()
        admin.locator(f"#id_net_{line.pk}").fill("2.500,00")
        expect(admin.locator(f"#id_vat_{line.pk}")).to_have_value("22,00")
        valid_until = timezone.localdate() + dt.timedelta(days=30)
        expect(admin.locator("#id_valid_until")).to_have_value(valid_until.isoformat())
        admin.get_by_label("Note per il cliente").fill(
            "Comprende il sopralluogo su tutti gli immobili."
        )
        admin.get_by_role("button", name="Invia il preventivo al cliente").click()
        expect(admin.locator(".messagelist")).to_contain_text("totale 3.050,00\u00a0€")
        expect(admin.locator(".field-status")).to_contain_text("Pronto")
    finally:
        context.close()


def walk_the_quote_path(page, customer, staff, *, browser, base_url):
    page.goto("/")

    # Servizi → category → a service sold on quote → RICHIEDI PREVENTIVO
    menu = page.get_by_role("navigation", name="Menu principale")
    menu.get_by_text("Servizi", exact=True).click()
    menu.get_by_role("link", name="Due diligence").click()
    page.get_by_role("link", name="Due diligence immobiliare").first.click()
    expect(page.get_by_text("Su preventivo").first).to_be_visible()
    page.get_by_role("link", name="RICHIEDI PREVENTIVO").click()

    # The service's form → RICHIEDI PREVENTIVO → Carrello Preventivi
    page.get_by_label("Acquisto").check()
    labelled(page, "Numero di immobili").fill("3")
    labelled(page, "Comuni e province degli immobili").fill("Bologna (BO), Modena (MO)")
    page.get_by_label("Catastale").check()
    page.get_by_label("Ambientale").check()
    labelled(page, "Referente").fill("Lucia Ferri")
    labelled(page, "E-mail del referente").fill(EMAIL)
    labelled(page, "Telefono del referente").fill("051 1234567")
    page.get_by_role("button", name="RICHIEDI PREVENTIVO").click()
    expect(page.get_by_role("heading", name="Carrello Preventivi")).to_be_visible()
    expect(page.locator("#quote-cart-count")).to_have_text("1")
    expect(page.locator(".cart-line")).to_contain_text("Catastale, Ambientale")

    # PROCEDI ALLA RICHIESTA DI PREVENTIVO → log in → back to the request page
    page.get_by_role("link", name="PROCEDI ALLA RICHIESTA DI PREVENTIVO").click()
    labelled(page, "E-mail").fill(EMAIL)
    labelled(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", name="Richiesta di preventivo")).to_be_visible()
    expect(page.get_by_text("Due diligence immobiliare")).to_be_visible()

    # An optional message → RICHIEDI PREVENTIVO → confirmation
    labelled(page, "Messaggio (facoltativo)").fill("Il rogito è previsto a fine mese.")
    page.get_by_role("button", name="RICHIEDI PREVENTIVO").click()
    expect(page.get_by_role("heading", name="Richiesta di preventivo inviata")).to_be_visible()
    quote = QuoteRequest.objects.get(customer=customer)
    expect(page.get_by_text(quote.number).first).to_be_visible()
    expect(page.locator("#quote-cart-count")).to_have_text("0")
    assert quote.customer_message == "Il rogito è previsto a fine mese."
    assert any(quote.number in m.subject and EMAIL in m.to for m in mail.outbox)

    # Staff price it in the back-office, in their own browser
    price_in_the_back_office(browser, base_url, staff, quote)

    # The e-mail's link → the quote → ACCETTA IL PREVENTIVO
    ready = next(m for m in mail.outbox if "è pronto" in m.subject)
    link = re.search(r"(http\S+/il-mio-account/preventivi/\S+/)", ready.body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Preventivo n. {quote.number}")
    expect(page.locator("#quote-total-gross")).to_have_text("3.050,00\u00a0€")
    expect(page.get_by_text("Comprende il sopralluogo")).to_be_visible()
    page.get_by_role("button", name="ACCETTA IL PREVENTIVO").click()

    # Billing data → card → review with the quoted prices → COMPLETA L'ACQUISTO
    expect(page.get_by_role("heading", name="Dati di Fatturazione")).to_be_visible()
    page.get_by_label("Privato").check()
    labelled(page, "Nome").fill("Lucia")
    labelled(page, "Cognome").fill("Ferri")
    labelled(page, "Codice fiscale").fill(valid_codice_fiscale("FRRLCU85M41A944"))
    labelled(page, "Indirizzo").fill("Via Zamboni 33")
    labelled(page, "CAP").fill("40126")
    labelled(page, "Comune").fill("Bologna")
    labelled(page, "Provincia").select_option("BO")
    page.get_by_role("button", name="Continua").click()
    expect(page.get_by_role("heading", name="Metodo di pagamento")).to_be_visible()
    page.get_by_label("Carta di credito (pagamento di prova)").check()
    page.get_by_role("button", name="Continua").click()
    expect(page.get_by_role("heading", name="Riepilogo dell'ordine")).to_be_visible()
    expect(page.get_by_text(f"preventivo n. {quote.number}")).to_be_visible()
    expect(page.locator("#review-total-net")).to_have_text("2.500,00\u00a0€")
    expect(page.locator("#review-total-vat")).to_have_text("550,00\u00a0€")
    expect(page.locator("#review-total-gross")).to_have_text("3.050,00\u00a0€")
    # The terms accepted, no early start asked: work waits for the withdrawal period.
    page.locator("#id_accept_terms").check()
    page.get_by_role("button", name="COMPLETA L'ACQUISTO").click()

    # The gateway → Autorizza pagamento → confirmation
    expect(page.get_by_role("heading", name="Pagamento con carta")).to_be_visible()
    page.get_by_role("button", name="Autorizza pagamento").click()
    order = Order.objects.get(customer=customer)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Grazie! Ordine n. {order.number}")
    assert order.terms is not None and order.early_start_requested is False
    order.refresh_from_db()
    quote.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.total_gross == Decimal("3050.00")
    assert quote.status == QuoteStatus.ORDERED
    assert quote.order == order

    # IL MIO ACCOUNT → I MIEI ORDINI shows the order; I MIEI PREVENTIVI shows the quote ordered
    page.get_by_role("link", name="Lucia Ferri").click()
    page.get_by_role("link", name="I MIEI ORDINI").first.click()
    row = page.get_by_role("row").filter(has_text=order.number)
    expect(row).to_contain_text("3.050,00\u00a0€")
    expect(row).to_contain_text("Pagato")
    page.get_by_role("link", name="Lucia Ferri").click()
    page.get_by_role("link", name="I MIEI PREVENTIVI").first.click()
    expect(page.get_by_role("row").filter(has_text=quote.number)).to_contain_text("Ordinato")
