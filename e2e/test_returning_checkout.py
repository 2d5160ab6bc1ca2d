"""Issue 15 in a real browser: a returning customer's two-click checkout (and the Riepilogo
changed in place), the service form's live price, "Ordina di nuovo" with a changed form."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from sportello.accounts.models import BillingProfile
from sportello.accounts.tests.factories import UserFactory
from sportello.cart.models import Cart, CartKind, CartLine
from sportello.catalogue.actions import bump_form_version
from sportello.catalogue.models import FieldType, Service
from sportello.catalogue.tests.factories import FormFieldFactory
from sportello.orders.models import Order
from sportello.orders.tests.factories import OrderLineFactory, PaidOrderFactory

VISURA = {"partita_iva": "00743110157", "tipo_visura": "storica"}  # 20,00 + IVA = 24,40 €


@pytest.fixture
def shop(settings):
    call_command("load_demo_catalogue", verbosity=0)
    call_command("load_demo_terms", verbosity=0)
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    settings.BANK_TRANSFER_IBAN = "IT60X0542811101000000123456"
    settings.BANK_TRANSFER_BENEFICIARY = "Sportello Servizi S.r.l."


@pytest.fixture
def visura(shop):
    return Service.objects.get(slug="visura-camerale")


@pytest.fixture
def returning_customer(visura):
    """Saved billing data, one past order paid by bank transfer, a visura in the cart."""
    customer = UserFactory(email="paolo.gallo@example.com", first_name="Paolo", last_name="Gallo")
    BillingProfile.objects.create(
        user=customer,
        kind="person",
        first_name="Paolo",
        last_name="Gallo",
        codice_fiscale="RSSMRA85T10A562S",
        address="Via Indipendenza 12",
        cap="40121",
        comune="Bologna",
        provincia="BO",
        country="IT",
    )
    order = PaidOrderFactory(customer=customer, payment_method="bank_transfer")
    OrderLineFactory(
        order=order, service=visura, answers=dict(VISURA), form_version=visura.form_version
    )
    cart = Cart.objects.create(user=customer, kind=CartKind.PURCHASE)
    CartLine.objects.create(
        cart=cart, service=visura, answers=dict(VISURA), form_version=visura.form_version
    )
    return customer


def labelled(page, label: str):
    """The field whose label is exactly `label` (required fields add a hidden "*")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def log_in(page, email: str, password: str):
    page.goto(reverse("account_login"))
    labelled(page, "E-mail").fill(email)
    labelled(page, "Password").fill(password)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("IL MIO ACCOUNT")


REVIEW_URL = re.compile(r"/riepilogo/$")


def test_returning_customer_pays_in_two_clicks(page, returning_customer, password):
    log_in(page, returning_customer.email, password)
    page.goto(reverse("cart:detail"))

    # Click 1: PROCEDI ALL'ACQUISTO → straight to the Riepilogo, data and method shown.
    page.get_by_role("link", name="PROCEDI ALL'ACQUISTO").click()
    expect(page).to_have_url(REVIEW_URL)
    expect(page.get_by_role("heading", name="Riepilogo dell'ordine")).to_be_visible()
    billing = page.locator("#review-billing-card")
    expect(billing).to_contain_text("Paolo Gallo")
    expect(billing).to_contain_text("Via Indipendenza 12")
    expect(page.locator("#review-payment-card")).to_contain_text("Bonifico bancario")
    expect(page.locator("#review-total-gross")).to_have_text("24,40\u00a0€")

    # Click 2: COMPLETA L'ACQUISTO (the terms are still accepted explicitly).
    page.locator("#id_accept_terms").check()
    page.get_by_role("button", name="COMPLETA L'ACQUISTO").click()
    order = Order.objects.exclude(payment_method="").latest("placed_at")
    expect(page.get_by_text(order.number).first).to_be_visible()
    assert order.customer == returning_customer
    assert order.payment_method == "bank_transfer"
    assert order.total_gross == Decimal("24.40")
    assert order.billing_address == "Via Indipendenza 12"


def test_billing_and_method_changed_in_place_on_the_riepilogo(page, returning_customer, password):
    log_in(page, returning_customer.email, password)
    page.goto(reverse("cart:detail"))
    page.get_by_role("link", name="PROCEDI ALL'ACQUISTO").click()
    expect(page).to_have_url(REVIEW_URL)
    # The terms box ticked before the changes stays ticked through them (htmx keeps it).
    page.locator("#id_accept_terms").check()

    # The payment method, in place (htmx: no page load).
    page.get_by_role("link", name="Modifica il metodo di pagamento").click()
    method = page.get_by_label("Carta di credito (pagamento di prova)")
    expect(method).to_be_focused()
    method.check()
    page.get_by_role("button", name="Salva il metodo di pagamento").click()
    expect(page.locator("#review-payment-card")).to_contain_text("Carta di credito")
    expect(page.locator("#review-live")).to_have_text("Metodo di pagamento aggiornato.")
    # The keyboard is back on the card just changed.
    expect(page.locator("#review-payment")).to_be_focused()
    expect(page).to_have_url(REVIEW_URL)

    # The billing data, in place: an error is shown next to the field, nothing typed is lost.
    page.get_by_role("link", name="Modifica i dati di fatturazione").click()
    card = page.locator("#review-billing-card")
    labelled(card, "Indirizzo").fill("Via Rizzoli 7")
    labelled(card, "CAP").fill("4012")
    card.get_by_role("button", name="Salva i dati di fatturazione").click()
    expect(card.locator("#id_cap_error")).to_be_visible()
    expect(labelled(card, "Indirizzo")).to_have_value("Via Rizzoli 7")
    expect(page).to_have_url(REVIEW_URL)
    labelled(card, "CAP").fill("40124")
    card.get_by_role("button", name="Salva i dati di fatturazione").click()
    expect(page.locator("#review-billing-card")).to_contain_text("Via Rizzoli 7")
    expect(page.locator("#review-live")).to_have_text("Dati di fatturazione aggiornati.")

    expect(page.locator("#id_accept_terms")).to_be_checked()
    page.get_by_role("button", name="COMPLETA L'ACQUISTO").click()
    expect(page.get_by_role("heading", name="Pagamento con carta")).to_be_visible()
    order = Order.objects.get(customer=returning_customer, payment_method="test_gateway")
    assert order.billing_address == "Via Rizzoli 7"
    assert order.billing_cap == "40124"
    # Not saved to the profile: only this purchase changed.
    assert BillingProfile.objects.get(user=returning_customer).address == "Via Indipendenza 12"


def test_annulla_puts_the_card_back_in_place(page, returning_customer, password):
    log_in(page, returning_customer.email, password)
    page.goto(reverse("cart:detail"))
    page.get_by_role("link", name="PROCEDI ALL'ACQUISTO").click()
    page.locator("#id_accept_terms").check()
    page.evaluate("() => { window.samePage = true; }")

    page.get_by_role("link", name="Modifica i dati di fatturazione").click()
    card = page.locator("#review-billing-card")
    labelled(card, "Indirizzo").fill("Via Rizzoli 7")
    card.get_by_role("link", name="Annulla").click()

    expect(card).to_contain_text("Via Indipendenza 12")
    expect(card.get_by_role("link", name="Modifica i dati di fatturazione")).to_be_visible()
    expect(page.locator("#review-billing")).to_be_focused()
    # Swapped in place: no page load, the terms box still ticked.
    assert page.evaluate("() => window.samePage === true")
    expect(page.locator("#id_accept_terms")).to_be_checked()


def test_an_unsaved_change_on_the_riepilogo_stops_the_order(page, returning_customer, password):
    """Billing data changed in place but not saved: COMPLETA L'ACQUISTO says so and goes back
    to what was typed, instead of placing the order with the old data."""
    log_in(page, returning_customer.email, password)
    page.goto(reverse("cart:detail"))
    page.get_by_role("link", name="PROCEDI ALL'ACQUISTO").click()
    page.locator("#id_accept_terms").check()
    page.get_by_role("link", name="Modifica i dati di fatturazione").click()
    card = page.locator("#review-billing-card")
    address = labelled(card, "Indirizzo")
    address.fill("Via Rizzoli 7")

    page.get_by_role("button", name="COMPLETA L'ACQUISTO").click()
    expect(page.get_by_role("alert")).to_contain_text("Hai modifiche non salvate nel riepilogo")
    expect(address).to_be_focused()
    expect(address).to_have_value("Via Rizzoli 7")
    expect(page).to_have_url(REVIEW_URL)
    orders = Order.objects.filter(customer=returning_customer)
    assert orders.count() == 1  # only the past order

    card.get_by_role("button", name="Salva i dati di fatturazione").click()
    expect(card).to_contain_text("Via Rizzoli 7")
    page.get_by_role("button", name="COMPLETA L'ACQUISTO").click()
    expect(page).not_to_have_url(REVIEW_URL)
    assert orders.count() == 2
    assert orders.latest("placed_at").billing_address == "Via Rizzoli 7"


def test_riepilogo_scripts_still_work_after_a_change_saved_in_place(
    page, returning_customer, password
):
    """Saving in place swaps the whole Riepilogo: the terms link and the guard against a
    second click on COMPLETA L'ACQUISTO must work on the new content too."""
    log_in(page, returning_customer.email, password)
    page.goto(reverse("cart:detail"))
    page.get_by_role("link", name="PROCEDI ALL'ACQUISTO").click()
    page.get_by_role("link", name="Modifica il metodo di pagamento").click()
    page.get_by_label("Carta di credito (pagamento di prova)").check()
    page.get_by_role("button", name="Salva il metodo di pagamento").click()
    expect(page.locator("#review-live")).to_have_text("Metodo di pagamento aggiornato.")

    terms = page.locator("#condizioni-generali")
    expect(terms).not_to_have_attribute("open", "")
    page.locator("a[data-open-terms]").click()
    expect(terms).to_have_attribute("open", "")

    page.locator("#id_accept_terms").check()
    button = page.get_by_role("button", name="COMPLETA L'ACQUISTO")
    # The page reports the button's state right after the page's own guard has run, as a
    # console message: Playwright cannot evaluate in a page whose navigation is under way.
    # The request is held at the network until the report is in, so the page cannot move on
    # before reporting.
    page.evaluate(
        """() => document.addEventListener("submit", (event) => setTimeout(() => console.log(
            "place-order disabled: " + event.target.querySelector("button[type=submit]").disabled
        ), 0))"""
    )
    seen = {"requests": 0}

    def release():
        if "route" in seen and "report" in seen:
            seen.pop("route").continue_()

    def hold(route):
        seen["requests"] += 1
        seen["route"] = route
        release()

    def report(message):
        if message.text.startswith("place-order"):
            seen["report"] = message.text
            release()

    page.on("console", report)
    page.route(f"**{reverse('checkout:place')}", hold)
    button.evaluate("button => button.click()")  # a click that does not wait for the page
    expect(page.get_by_role("heading", name="Pagamento con carta")).to_be_visible()
    assert seen["report"] == "place-order disabled: true"
    assert seen["requests"] == 1
    assert (
        Order.objects.filter(customer=returning_customer, payment_method="test_gateway").count()
        == 1
    )


def test_live_price_follows_the_supplements(page, visura):
    page.goto(reverse("cart:add", kwargs={"slug": visura.slug}))
    live = page.locator("#live-price")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_contain_text("14,64\u00a0€")
    url = page.url
    page.get_by_label("Storica").check()
    expect(live).to_contain_text("24,40\u00a0€")
    expect(live).to_contain_text("Tipo di visura: Storica: +8,00\u00a0€ + IVA")
    page.get_by_label("Ordinaria").check()
    expect(live).to_contain_text("14,64\u00a0€")
    expect(live).not_to_contain_text("Storica")
    assert page.url == url  # nothing was submitted
    # The form is the same form: adding prices the line exactly like the live price said.
    # An answer that cannot change the price does not ask for it again.
    asked = []
    page.on(
        "request", lambda request: asked.append(request.url) if "/prezzo/" in request.url else None
    )
    page.get_by_label("Partita IVA o codice fiscale dell'impresa").fill("00743110157")
    page.get_by_label("Partita IVA o codice fiscale dell'impresa").press("Tab")
    expect(live).to_contain_text("14,64\u00a0€")
    assert asked == []
    page.get_by_label("Storica").check()
    expect(live).to_contain_text("24,40\u00a0€")
    page.get_by_role("button", name="Aggiungi al carrello").click()
    expect(page.locator("#cart-total-gross")).to_have_text("24,40\u00a0€")


def test_ordina_di_nuovo_with_a_changed_form(page, returning_customer, password, visura):
    CartLine.objects.filter(cart__user=returning_customer).delete()
    order = Order.objects.get(customer=returning_customer)
    # Since that order the form asks one more thing.
    FormFieldFactory(
        service=visura,
        position=10,
        key="motivo",
        label="Motivo della richiesta",
        field_type=FieldType.TEXT,
    )
    bump_form_version(visura)

    log_in(page, returning_customer.email, password)
    page.goto(reverse("orders:detail", kwargs={"number": order.number}))
    page.get_by_role("button", name="Ordina di nuovo").click()

    expect(page).to_have_url(re.compile(r"/carrello/$"))
    expect(
        page.get_by_text(f"I servizi dell'ordine {order.number} sono stati aggiunti")
    ).to_be_visible()
    line = page.locator(".cart-line")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("Storica")
    expect(line).to_contain_text("completa i dati segnalati")

    line.get_by_role("link", name="Modifica").click()
    # The old answers that still hold are there; the new question is flagged next to it.
    expect(page.get_by_label("Partita IVA o codice fiscale dell'impresa")).to_have_value(
        "00743110157"
    )
    expect(page.get_by_label("Storica")).to_be_checked()
    expect(page.locator("#id_motivo_error")).to_be_visible()
    expect(labelled(page, "Motivo della richiesta")).to_have_attribute("aria-invalid", "true")
    labelled(page, "Motivo della richiesta").fill("Verifica fornitore")
    page.get_by_role("button", name="Salva le modifiche").click()

    expect(page.locator(".cart-line")).not_to_contain_text("completa i dati segnalati")
    expect(page.locator("#cart-total-gross")).to_have_text("24,40\u00a0€")
    page.get_by_role("link", name="PROCEDI ALL'ACQUISTO").click()
    expect(page).to_have_url(REVIEW_URL)
