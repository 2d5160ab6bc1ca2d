"""Issue 16's browser path: "Ordine multiplo" — template, 3-row upload with a bad row,
the row corrected in place, the three lines in the cart; and the progress page polling."""

import csv
import io
import re

from django.urls import reverse
from playwright.sync_api import expect

from e2e.test_accessibility import blocking_violations
from sportello.accounts.tests.factories import PASSWORD, UserFactory
from sportello.cart import bulk_actions
from sportello.cart.models import BulkImport, BulkImportStatus
from sportello.cart.tests.bulk_helpers import GOOD_ROW, HEADER, VALID_CF, build_visura, csv_file


def labelled(page, label: str):
    """The field whose label is exactly `label` (required fields add a hidden "*")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def log_in(page, email: str):
    labelled(page, "E-mail").fill(email)
    labelled(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()


def test_three_rows_with_a_bad_one_corrected_end_in_the_cart(page, tmp_path):
    service = build_visura()
    customer = UserFactory(email="ufficio@example.com")

    page.goto(service.get_absolute_url())
    page.get_by_role("link", name="Ordine multiplo").click()
    log_in(page, customer.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ordine multiplo: Visura catastale")
    columns = page.get_by_role("table", name="Colonne del modello")
    expect(columns).to_contain_text("Attuale; Storica")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Scarica il modello CSV").click()
    template = download_info.value
    content = template.path().read_bytes().decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(content), delimiter=";")) == HEADER

    # The customer fills the template: the third row has a wrong codice fiscale and CAP.
    filled = tmp_path / "ordine.csv"
    rows = [
        GOOD_ROW,
        ["Anna Neri", VALID_CF, "00144", "RM", "Storica", "Sì"],
        ["Luigi Verdi", "RSSMRA80A01H501X", "4012", "BO", "Attuale", "No"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([HEADER, *rows])
    filled.write_text(buffer.getvalue(), encoding="utf-8-sig")

    labelled(page, "File compilato (CSV o XLSX)").set_input_files(str(filled))
    page.get_by_label("Aggiungi solo se tutte le righe sono corrette").check()
    page.get_by_role("button", name="Carica e verifica").click()

    expect(page.get_by_role("heading", name="Risultato della verifica")).to_be_visible()
    summary = page.locator("section", has=page.get_by_role("heading", name="Risultato"))
    expect(summary).to_contain_text("Righe lette: 3 · corrette: 2 · con errori: 1")
    errors = page.get_by_role("table", name="Errori per riga e colonna")
    expect(errors).to_contain_text("Il CAP deve essere composto da 5 cifre.")
    expect(errors).to_contain_text("Codice fiscale")
    expect(page.get_by_role("link", name="ordine.csv")).to_be_visible()  # the file is kept

    # All-or-nothing: nothing goes to the cart while a row is wrong.
    page.get_by_role("button", name="Aggiungi al carrello").click()
    expect(page.get_by_text("correggi le righe con errori (1)")).to_be_visible()

    page.get_by_role("link", name="Correggi la riga 4").click()
    cap = labelled(page, "CAP")
    expect(cap).to_have_value("4012")  # what the file said, with the message next to it
    expect(page.locator("#id_cap_error")).to_have_text("Il CAP deve essere composto da 5 cifre.")
    cap.fill("40122")
    labelled(page, "Codice fiscale").fill(VALID_CF)
    page.get_by_role("button", name="Salva la riga").click()

    expect(page.get_by_text("La riga 4 è stata corretta.")).to_be_visible()
    expect(summary).to_contain_text("corrette: 3 · con errori: 0")
    page.get_by_role("button", name="Aggiungi al carrello").click()

    expect(page.get_by_text("3 righe di «Visura catastale» aggiunte al carrello.")).to_be_visible()
    expect(page.locator(".cart-line")).to_have_count(3)
    expect(page.locator("#cart-count")).to_have_text("3")
    expect(page.locator(".cart-line").nth(1)).to_contain_text("Storica")
    # 2 × 122,00 + (100 + 10 + 20) + 22% = 402,60 €
    expect(page.locator("#cart-total-gross")).to_have_text("402,60\u00a0€")


def test_progress_page_updates_itself_until_the_rows_are_checked(page, live_server):
    service = build_visura()
    customer = UserFactory(email="ufficio@example.com")
    bulk_import = bulk_actions.create_bulk_import(
        owner=customer, service=service, uploaded=csv_file([GOOD_ROW]), mode="valid_only"
    )
    # As if the worker had not picked it up yet.
    BulkImport.objects.filter(pk=bulk_import.pk).update(
        status=BulkImportStatus.PENDING, rows=[], total_rows=0, processed_rows=0, valid_rows=0
    )
    page.goto(reverse("cart:bulk_detail", kwargs={"pk": bulk_import.pk}))
    log_in(page, customer.email)
    expect(page.get_by_role("status").filter(has_text="Lettura del file")).to_be_visible()

    bulk_actions.validate_bulk_import(bulk_import.pk)

    expect(page.get_by_role("heading", name="Risultato della verifica")).to_be_visible()
    expect(page.get_by_text("corrette: 1 · con errori: 0")).to_be_visible()


def test_bulk_pages_have_no_serious_accessibility_violations(
    browser, live_server, transactional_db
):
    service = build_visura()
    customer = UserFactory(email="ufficio@example.com")
    bulk_import = bulk_actions.create_bulk_import(
        owner=customer,
        service=service,
        uploaded=csv_file([GOOD_ROW, ["Luigi Verdi", VALID_CF, "4012", "XX", "Mensile", "No"]]),
        mode="valid_only",
    )
    # axe is injected by the test: the shop's CSP would refuse it (the other tests keep CSP on).
    context = browser.new_context(base_url=live_server.url, locale="it-IT", bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(reverse("cart:bulk_start", kwargs={"slug": service.slug}))
        log_in(page, customer.email)
        for url in (
            reverse("cart:bulk_start", kwargs={"slug": service.slug}),
            reverse("cart:bulk_detail", kwargs={"pk": bulk_import.pk}),
            reverse("cart:bulk_edit_row", kwargs={"pk": bulk_import.pk, "number": 3}),
        ):
            page.goto(url)
            assert blocking_violations(page) == [], url
    finally:
        context.close()
