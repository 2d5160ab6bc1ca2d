"""The header's search box in a real browser: search, filter by category, no results, phones."""

import json

import pytest
from django.core.management import call_command
from playwright.sync_api import expect


@pytest.fixture
def shop(transactional_db):
    call_command("load_demo_catalogue", verbosity=0)


def result_names(page) -> list[str]:
    return page.locator(".service-card h3").all_inner_texts()


def test_search_from_the_header_filter_and_open_a_service(page, shop):
    page.goto("/")
    box = page.get_by_role("search").get_by_label("Cerca un servizio")
    box.fill("certificato")
    box.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Risultati per «certificato»")
    names = result_names(page)
    # Names that contain the word come first.
    assert names[0].startswith("Certificato")
    assert len(names) >= 2
    # The query stays in both boxes.
    expect(box).to_have_value("certificato")
    expect(page.get_by_label("Cosa cerchi?")).to_have_value("certificato")

    # "perito certificato" in a summary: found by both backends (PostgreSQL's Italian stemmer
    # and SQLite's substring match), unlike "certificatore", which only SQLite's matches.
    page.get_by_label("Categoria").select_option(label="Perizie e valutazioni immobiliari")
    page.get_by_role("button", name="Cerca", exact=True).last.click()
    expect(page.get_by_role("status")).to_contain_text("in «Perizie e valutazioni immobiliari»")
    filtered = result_names(page)
    assert filtered and set(filtered) < set(names)
    assert "categoria=perizie-e-valutazioni-immobiliari" in page.url

    page.get_by_role("link", name=filtered[0]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(filtered[0])
    # The service page describes itself to search engines.
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "Service" and data["name"] == filtered[0]


def test_no_results_leads_to_the_categories(page, shop):
    page.goto("/")
    box = page.get_by_role("search").get_by_label("Cerca un servizio")
    box.fill("elicottero")
    page.get_by_role("search").get_by_role("button", name="Cerca").click()

    expect(
        page.get_by_role("heading", name="Nessun servizio trovato per «elicottero»")
    ).to_be_visible()
    page.get_by_role("region", name="Categorie").get_by_role("link", name="Due diligence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Due diligence")


def test_search_works_by_keyboard_on_a_phone(browser, live_server, shop):
    context = browser.new_context(
        base_url=live_server.url, locale="it-IT", viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    try:
        page.goto("/")
        # On phones the nav says "Carrello Preventivi" in full, on screen.
        expect(
            page.locator(".main-nav").get_by_role("link", name="Carrello Preventivi")
        ).to_be_visible()
        assert "Carrello Preventivi" in page.locator(".main-nav").inner_text()
        box = page.get_by_role("search").get_by_label("Cerca un servizio")
        expect(box).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375
        box.focus()
        page.keyboard.type("visura")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Risultati per «visura»")
        assert any("Visura" in name for name in result_names(page))
    finally:
        context.close()
