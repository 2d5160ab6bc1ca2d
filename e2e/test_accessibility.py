"""Accessibility in a real browser (European Accessibility Act: WCAG 2.1 AA).

axe-core (vendored in e2e/vendor, test-only) checks the main pages at desktop and phone width;
the keyboard tests cover what axe cannot judge: the "Servizi" menu opened and followed with the
keyboard only, a visible focus, and a failed form that leads focus to its errors and ties each
error to its field.
"""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from sportello.accounts.tests.factories import UserFactory
from sportello.orders.tests.factories import OrderLineFactory, PaidOrderFactory

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
REQUIRED = "Questo campo è obbligatorio."


@pytest.fixture
def page(browser, live_server, transactional_db):
    """The shared page fixture, except that the injected axe-core may run: the shop's
    Content-Security-Policy refuses inline scripts, and axe is the test's tool, not the page's
    (e2e/test_csp.py checks the policy itself)."""
    context = browser.new_context(base_url=live_server.url, locale="it-IT", bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shop():
    call_command("load_demo_catalogue", verbosity=0)
    call_command("load_demo_terms", verbosity=0)


@pytest.fixture
def customer_with_order(shop, password):
    customer = UserFactory(email="lucia.ferri@example.com", first_name="Lucia", last_name="Ferri")
    order = PaidOrderFactory(customer=customer)
    OrderLineFactory(order=order)
    return customer, order


def labelled(page, label: str):
    """The field whose label is exactly `label` (required fields add a hidden "*")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def blocking_violations(page) -> list[dict]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the current page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]
        })""",
        WCAG_21_AA,
    )
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "elements": [node["html"][:160] for node in violation["nodes"][:5]],
        }
        for violation in result["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def log_in(page, email: str, password: str):
    page.goto(reverse("account_login"))
    labelled(page, "E-mail").fill(email)
    labelled(page, "Password").fill(password)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("IL MIO ACCOUNT")


def focused(page) -> dict:
    """What has the keyboard focus, and whether it is drawn (an outline of at least 2px)."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            return {
                tag: element.tagName.toLowerCase(),
                id: element.id,
                text: element.textContent.trim(),
                outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
            };
        }"""
    )


def tab_to(page, predicate, limit: int = 30) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = focused(page)
        if predicate(current):
            return current
    raise AssertionError(f"Tab never reached the element; focus ended on {current}")


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_main_pages_have_no_serious_wcag_violations(page, customer_with_order, password, width):
    customer, order = customer_with_order
    page.set_viewport_size({"width": width, "height": 900})
    found = {}

    def check(name: str):
        violations = blocking_violations(page)
        if violations:
            found[name] = violations

    page.goto("/")
    check("home")
    page.get_by_role("navigation", name="Menu principale").get_by_text(
        "Servizi", exact=True
    ).click()
    check("home, Servizi menu open")
    page.goto(reverse("catalogue:category", args=["visure-e-certificati-catastali"]))
    check("category")
    page.goto(reverse("catalogue:service", args=["visura-catastale"]))
    check("service")
    page.get_by_role("link", name="ACQUISTA").click()
    page.get_by_role("button", name="Aggiungi al carrello").click()
    expect(page.locator("#form-errors")).to_be_visible()
    check("service form with errors")

    page.goto(reverse("catalogue:service", args=["visura-camerale"]))
    page.get_by_role("link", name="ACQUISTA").click()
    labelled(page, "Partita IVA o codice fiscale dell'impresa").fill("00743110157")
    page.get_by_label("Storica").check()
    page.get_by_role("button", name="Aggiungi al carrello").click()
    expect(page.locator(".cart-line")).to_have_count(1)
    check("cart with a line")
    page.goto(reverse("cart:quote_detail"))
    check("empty quote cart")

    page.goto("/api/docs")
    check("API docs")
    page.goto(reverse("account_login"))
    check("login")
    page.goto(reverse("cart:detail"))
    page.get_by_role("link", name="PROCEDI ALL'ACQUISTO").click()
    expect(page.get_by_role("complementary", name="Il tuo ordine")).to_be_visible()
    check("checkout: Accesso with the order summary")
    page.get_by_role("link", name="Registrati").last.click()
    expect(page.get_by_role("complementary", name="Il tuo ordine")).to_be_visible()
    check("checkout: sign-up with the order summary")
    page.goto(reverse("account_signup"))
    check("signup")
    page.get_by_role("button", name="Registrati").click()
    expect(page.locator("#form-errors")).to_be_visible()
    check("signup with errors")

    log_in(page, customer.email, password)
    check("IL MIO ACCOUNT")
    page.goto(reverse("orders:list"))
    expect(page.get_by_role("link", name=f"Ordine n. {order.number}")).to_be_visible()
    check("I MIEI ORDINI")
    page.goto(reverse("orders:detail", args=[order.number]))
    check("order detail")
    # Its tables keep their columns on a phone and scroll sideways: they must take focus then.
    page.goto(reverse("accounts:privacy"))
    check("INFORMAZIONI PRIVACY")
    page.goto(reverse("api_account:tokens"))
    page.get_by_role("button", name="Crea il token").click()
    expect(page.locator("#form-errors")).to_be_visible()
    check("TOKEN API with errors")
    page.get_by_label("Nome del token").fill("Gestionale")
    page.get_by_label("Leggere ordini e stati").check()
    page.get_by_role("button", name="Crea il token").click()
    check("TOKEN API, new token shown")
    page.goto(reverse("api_account:webhooks"))
    check("WEBHOOK")

    assert found == {}


def test_servizi_menu_works_with_the_keyboard_only(page, shop):
    page.goto("/")

    summary = tab_to(page, lambda element: element["tag"] == "summary")
    assert summary["text"] == "Servizi"
    assert summary["outline"], "the focused Servizi menu has no visible focus indicator"
    menu = page.locator("details.dropdown")
    expect(menu).not_to_have_attribute("open", "")

    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    first_category = page.locator(".dropdown-list a").first
    expect(first_category).to_be_visible()
    category_name = first_category.inner_text()

    # Escape closes the menu and gives focus back to "Servizi"; Enter opens it again.
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    assert focused(page)["tag"] == "summary"
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")

    link = tab_to(page, lambda element: element["tag"] == "a", limit=1)
    assert link["text"] == category_name
    assert link["outline"], "the focused category link has no visible focus indicator"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(category_name)
    expect(page.get_by_role("heading", name="Servizi disponibili")).to_be_visible()


def test_menu_closes_when_focus_moves_past_it(page, shop):
    page.goto("/")
    tab_to(page, lambda element: element["tag"] == "summary")
    page.keyboard.press("Enter")
    menu = page.locator("details.dropdown")
    expect(menu).to_have_attribute("open", "")
    links = page.locator(".dropdown-list a").count()

    tab_to(page, lambda element: "cart-link" in page.evaluate("document.activeElement.className"))

    assert links > 1
    expect(menu).not_to_have_attribute("open", "")


def test_a_failed_service_form_leads_focus_to_errors_tied_to_their_fields(page, shop):
    page.goto(reverse("catalogue:service", args=["visura-catastale"]))
    page.get_by_role("link", name="ACQUISTA").focus()
    page.keyboard.press("Enter")
    labelled(page, "Foglio").fill("12")
    page.get_by_role("button", name="Aggiungi al carrello").focus()
    page.keyboard.press("Enter")

    # Focus lands on the error summary, which lists the fields to correct.
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Il modulo contiene errori.")
    expect(summary.get_by_role("link", name=f"Comune: {REQUIRED}")).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile("^Foglio"))).to_have_count(0)

    # Each input with an error says so, and its error is its accessible description.
    comune = labelled(page, "Comune")
    expect(comune).to_have_attribute("aria-invalid", "true")
    expect(comune).to_have_accessible_description(REQUIRED)
    comune_error_id = f"{comune.get_attribute('id')}_error"
    assert comune_error_id in comune.get_attribute("aria-describedby").split()
    expect(page.locator(f"#{comune_error_id}")).to_have_text(REQUIRED)
    # A field that was filled in keeps its value and is not marked invalid.
    foglio = labelled(page, "Foglio")
    expect(foglio).to_have_value("12")
    expect(foglio).not_to_have_attribute("aria-invalid", "true")
    # A radio group's error describes the whole group.
    catasto = page.get_by_role("group", name=re.compile("^Catasto"))
    expect(catasto).to_have_accessible_description(REQUIRED)
    expect(catasto.get_by_role("radio").first).to_have_attribute("aria-invalid", "true")

    # From the summary, the keyboard reaches the field in error and can correct it.
    tab_to(page, lambda element: element["text"] == f"Comune: {REQUIRED}", limit=5)
    page.keyboard.press("Enter")
    expect(comune).to_be_focused()
    page.keyboard.type("Bologna")
    expect(comune).to_have_value("Bologna")
