"""Pages fit the window: quote tables at desktop and phone width (stacked on phones), and the
pay page's summary box without an empty left column."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from e2e.staff import sign_in_to_back_office
from e2e.test_accessibility import log_in
from sportello.accounts.tests.factories import StaffFactory, UserFactory
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory
from sportello.quotes.tests.conftest import price_quote
from sportello.quotes.tests.factories import QuoteLineFactory, QuoteRequestFactory

LONG_ANSWERS = [
    {
        "label": "Comuni e province di tutti gli immobili oggetto della due diligence",
        "value": "Bologna (BO), Modena (MO), Reggio nell'Emilia (RE), Casalecchio di Reno (BO), "
        "San Giovanni in Persiceto (BO), Sasso Marconi (BO), Castel San Pietro Terme (BO)",
        "file_id": None,
    },
    {
        "label": "Documentazione",
        "value": "https://condivisione.example.com/cartelle/due-diligence-immobiliare-2026-lotto-"
        "bologna-modena-reggio-documenti-completi",
        "file_id": None,
    },
]


@pytest.fixture
def customer(password):
    return UserFactory(email="lucia.ferri@example.com", first_name="Lucia", last_name="Ferri")


@pytest.fixture
def priced_quote(customer):
    quote = QuoteRequestFactory(customer=customer)
    QuoteLineFactory(
        quote=quote, service_name="Due diligence immobiliare", answers_display=LONG_ANSWERS
    )
    QuoteLineFactory(quote=quote, service_name="Visura catastale")
    price_quote(quote, StaffFactory())
    return quote


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_quote_pages_fit_the_window(page, customer, priced_quote, password, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, customer.email, password)

    page.goto(priced_quote.get_absolute_url())
    table = page.locator("#quote-lines")
    expect(table).to_contain_text("Casalecchio di Reno")
    assert overflow(page) == 0
    fits = table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    assert fits is True
    display = table.locator("tbody tr").first.evaluate("row => getComputedStyle(row).display")
    assert display == ("table-row" if width == 1280 else "block")

    page.goto(reverse("quotes:list"))
    expect(page.get_by_role("link", name=f"Preventivo n. {priced_quote.number}")).to_be_visible()
    assert overflow(page) == 0
    display = page.locator("main table tbody tr").first.evaluate(
        "row => getComputedStyle(row).display"
    )
    assert display == ("table-row" if width == 1280 else "block")


@pytest.mark.parametrize("width", [1280, 390])
def test_pay_page_summary_starts_at_the_left_of_its_box(page, customer, password, width):
    order = OrderFactory(customer=customer)
    OrderLineFactory(order=order)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, customer.email, password)

    page.goto(reverse("payments:pay", kwargs={"number": order.number}))

    summary = page.locator("main .card").first
    box = summary.bounding_box()
    label = summary.locator("dt", has_text="Ordine").bounding_box()
    amount = summary.locator("dd", has_text="122,00\u00a0€").bounding_box()
    assert label["x"] - box["x"] < 40  # no empty column on the left
    assert amount["x"] + amount["width"] <= box["x"] + box["width"]
    assert overflow(page) == 0


def test_back_office_order_list_fits_a_1280_screen(page, password):
    """Staff read the order list without scrolling sideways: status, services bought and
    amounts in Italian ("2.989,00 €") on a 1280 px screen."""
    staff = StaffFactory(email="operatore.lista@sportello.example")
    for index in range(5):
        order = OrderFactory(
            total_net="2450.00",
            total_vat="539.00",
            total_gross="2989.00",
            billing_first_name="Maria Giovanna",
            billing_last_name=f"Bianchi Cavalcanti {index}",
        )
        OrderLineFactory(
            order=order, service_name="Perizia di stima immobiliare con sopralluogo e relazione"
        )
        OrderLineFactory(order=order, service_name="Visura catastale storica per immobile")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_to_back_office(page, staff, password, path="/admin/orders/order/")

    expect(page.locator("#result_list")).to_contain_text("2.989,00\u00a0€")
    expect(page.locator("#result_list")).to_contain_text("Visura catastale storica per immobile")
    assert overflow(page) == 0


def test_the_riepilogo_s_billing_data_stay_inside_their_card_on_a_phone(
    page, customer, password, settings
):
    """A business's billing data on the Riepilogo at 390 px: each value under its label, none
    past the card's edge (the values ran to the border, a codice fiscale beyond it)."""
    from sportello.accounts.models import BillingProfile
    from sportello.cart.models import Cart, CartKind
    from sportello.cart.tests.factories import CartLineFactory
    from sportello.checkout.tests.conftest import COMPANY_BILLING, STANDARD, build_appraisal

    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    BillingProfile.objects.create(
        user=customer, **{**COMPANY_BILLING, "codice_fiscale": "RSSMRA80A01H501U"}
    )
    cart = Cart.objects.create(user=customer, kind=CartKind.PURCHASE)
    CartLineFactory(
        cart=cart, service=build_appraisal(slug="perizia-immobiliare"), answers=STANDARD
    )
    OrderFactory(customer=customer, payment_method="bank_transfer")
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, customer.email, password)

    page.goto(reverse("checkout:start"))
    expect(page).to_have_url(reverse("checkout:review"))
    card = page.locator("#review-billing-card")
    box = card.bounding_box()
    for value in card.locator("dd").all():
        right = value.evaluate("dd => dd.getBoundingClientRect().right")
        assert right <= box["x"] + box["width"] - 8, value.inner_text()
    assert overflow(page) == 0
