"""The customer's data rights in a real browser.

Log in → own name top left → INFORMAZIONI PRIVACY → Scarica i miei dati (a ZIP with the JSON)
→ Cancella il mio account with the password → logged out, and the login is refused.
"""

import io
import json
import zipfile

from playwright.sync_api import expect

from e2e.test_purchase import labelled, screenshot_on_failure
from sportello.accounts.models import BillingProfile
from sportello.accounts.tests.factories import PASSWORD, UserFactory
from sportello.privacy.models import AccountErasure

EMAIL = "sara.galli@example.com"


def test_download_data_then_delete_the_account(page):
    customer = UserFactory(email=EMAIL, first_name="Sara", last_name="Galli", phone="333 1234567")
    BillingProfile.objects.create(
        user=customer,
        kind="person",
        first_name="Sara",
        last_name="Galli",
        codice_fiscale="GLLSRA85M41A944X",
        address="Via Indipendenza 5",
        cap="40121",
        comune="Bologna",
        provincia="BO",
    )
    with screenshot_on_failure(page, "test_download_data_then_delete_the_account"):
        walk_the_data_rights(page, customer)


def log_in(page):
    page.goto("/account/login/")
    labelled(page, "E-mail").fill(EMAIL)
    labelled(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()


def walk_the_data_rights(page, customer):
    log_in(page)
    page.locator("a.account-name").click()
    page.get_by_role("link", name="INFORMAZIONI PRIVACY").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("INFORMAZIONI PRIVACY")

    # Scarica i miei dati: a ZIP whose JSON holds the profile and the billing data.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Scarica i miei dati").click()
    download = download_info.value
    assert download.suggested_filename.startswith("sportello-i-miei-dati-")
    with open(download.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    data = json.loads(archive.read("dati.json"))
    assert data["profile"]["email"] == EMAIL
    assert (data["profile"]["first_name"], data["profile"]["last_name"]) == ("Sara", "Galli")
    assert data["profile"]["phone"] == "333 1234567"
    assert data["billing_profile"]["codice_fiscale"] == "GLLSRA85M41A944X"

    # Cancella il mio account: a wrong password first, then the right one.
    page.get_by_role("link", name="Cancella il mio account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancella l'account")
    labelled(page, "Password attuale").fill("non-e-questa")
    page.get_by_label("Ho capito che la cancellazione è definitiva").check()
    page.get_by_role("button", name="Cancella definitivamente l'account").click()
    expect(page.locator(".field-error")).to_have_text("La password non è corretta.")
    assert not AccountErasure.objects.exists()

    labelled(page, "Password attuale").fill(PASSWORD)
    page.get_by_label("Ho capito che la cancellazione è definitiva").check()
    page.get_by_role("button", name="Cancella definitivamente l'account").click()
    expect(page.get_by_role("heading", name="Account cancellato")).to_be_visible()
    expect(page.locator("a.account-name")).to_have_count(0)
    assert AccountErasure.objects.get().user_id == customer.pk

    # The old address and password no longer open the account.
    log_in(page)
    expect(page.locator("a.account-name")).to_have_count(0)
    page.goto("/il-mio-account/")
    expect(page.get_by_role("heading", name="Accedi")).to_be_visible()
