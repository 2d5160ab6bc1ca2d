"""Issue 2's browser path: browse → form → Aggiungi al carrello → Modifica a line."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect


@pytest.fixture
def shop():
    call_command("load_demo_catalogue", verbosity=0)
    call_command("load_demo_terms", verbosity=0)


def test_browse_add_and_correct_a_line(page, shop):
    page.goto("/")
    menu = page.get_by_role("navigation", name="Menu principale")
    menu.get_by_text("Servizi", exact=True).click()
    menu.get_by_role("link", name="Informazioni commerciali e creditizie").click()
    page.get_by_role("link", name="Visura camerale").first.click()
    page.get_by_role("link", name="ACQUISTA").click()

    page.get_by_label("Partita IVA o codice fiscale dell'impresa").fill("00743110157")
    page.get_by_label("Ordinaria").check()
    page.get_by_role("button", name="Aggiungi al carrello").click()

    expect(page.get_by_text("«Visura camerale» è stato aggiunto al carrello.")).to_be_visible()
    expect(page.locator("#cart-count")).to_have_text("1")
    line = page.locator(".cart-line")
    expect(line).to_contain_text("Ordinaria")
    expect(page.locator("#cart-total-gross")).to_have_text("14,64\u00a0€")

    line.get_by_role("link", name="Modifica").click()
    expect(page.get_by_label("Partita IVA o codice fiscale dell'impresa")).to_have_value(
        "00743110157"
    )
    expect(page.get_by_label("Ordinaria")).to_be_checked()
    page.get_by_label("Storica").check()
    page.get_by_role("button", name="Salva le modifiche").click()

    expect(page.get_by_text("I dati di «Visura camerale» sono stati aggiornati.")).to_be_visible()
    expect(page.locator(".cart-line")).to_have_count(1)
    expect(page.locator(".cart-line")).to_contain_text("Storica")
    expect(page.locator("#cart-total-net")).to_have_text("20,00\u00a0€")
    expect(page.locator("#cart-total-gross")).to_have_text("24,40\u00a0€")
