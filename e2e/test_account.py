"""IL MIO ACCOUNT in a real browser.

Log in → the own name at the top left → each of the five sections → DATI DI FATTURAZIONE saved
→ a consent toggled in INFORMAZIONI PRIVACY, which shows up in the history.
"""

import pytest
from playwright.sync_api import expect

from e2e.test_purchase import labelled, screenshot_on_failure, valid_codice_fiscale
from sportello.accounts.models import BillingProfile
from sportello.accounts.tests.factories import UserFactory
from sportello.privacy.actions import record_signup_consents
from sportello.privacy.models import ConsentEvent, ConsentSource
from sportello.privacy.queries import current_notice
from sportello.privacy.tests.factories import PrivacyNoticeFactory

EMAIL = "marta.galli@example.com"
CODICE_FISCALE = valid_codice_fiscale("GLLMRT85C50A944")
SECTIONS = [
    "I MIEI ORDINI",
    "I MIEI PREVENTIVI",
    "PROFILO",
    "DATI DI FATTURAZIONE",
    "INFORMAZIONI PRIVACY",
]


@pytest.fixture
def marta(transactional_db):
    # The first notice ships as a data migration, which an earlier browser test may have flushed.
    if current_notice() is None:
        PrivacyNoticeFactory(version="1.0")
    user = UserFactory(email=EMAIL, first_name="Marta", last_name="Galli")
    record_signup_consents(user=user, is_marketing_granted=False, notice=current_notice())
    return user


def test_account_sections_billing_and_consent(page, marta, password):
    with screenshot_on_failure(page, "test_account_sections_billing_and_consent"):
        walk_the_account(page, marta, password)


def walk_the_account(page, customer, password):
    page.goto("/account/login/")
    labelled(page, "E-mail").fill(EMAIL)
    labelled(page, "Password").fill(password)
    page.get_by_role("button", name="Accedi").click()

    # The own name at the top left opens IL MIO ACCOUNT.
    page.goto("/")
    page.get_by_role("link", name="Marta Galli").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("IL MIO ACCOUNT")

    for label in SECTIONS:
        page.get_by_role("link", name=label).first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(label)
        page.get_by_role("navigation", name="Percorso").get_by_role(
            "link", name="IL MIO ACCOUNT"
        ).click()

    # DATI DI FATTURAZIONE: saved, and found again on the next visit.
    page.get_by_role("link", name="DATI DI FATTURAZIONE").first.click()
    labelled(page, "Codice fiscale").fill(CODICE_FISCALE)
    labelled(page, "Indirizzo").fill("Via dell'Indipendenza 10")
    labelled(page, "CAP").fill("40121")
    labelled(page, "Comune").fill("Bologna")
    labelled(page, "Provincia").select_option("BO")
    page.get_by_role("button", name="Salva i dati di fatturazione").click()
    expect(page.get_by_text("Dati di fatturazione salvati.")).to_be_visible()
    expect(labelled(page, "Comune")).to_have_value("Bologna")
    profile = BillingProfile.objects.get(user=customer)
    assert (profile.codice_fiscale, profile.comune, profile.provincia) == (
        CODICE_FISCALE,
        "Bologna",
        "BO",
    )

    # INFORMAZIONI PRIVACY: marketing granted; the history shows the change.
    page.get_by_role("navigation", name="Sezioni di IL MIO ACCOUNT").get_by_role(
        "link", name="INFORMAZIONI PRIVACY"
    ).click()
    marketing = page.get_by_label("Comunicazioni commerciali via e-mail")
    expect(marketing).not_to_be_checked()
    marketing.check()
    page.get_by_role("button", name="Salva le scelte").click()
    expect(page.get_by_text("Scelte sul consenso salvate.")).to_be_visible()
    expect(page.get_by_label("Comunicazioni commerciali via e-mail")).to_be_checked()
    history = page.get_by_role("region", name="Storico dei consensi")
    expect(history.get_by_role("row").filter(has_text="Area IL MIO ACCOUNT")).to_have_count(1)
    latest = ConsentEvent.objects.filter(user=customer).first()
    assert (latest.purpose, latest.is_granted, latest.source, latest.notice.version) == (
        "marketing",
        True,
        ConsentSource.ACCOUNT,
        "1.0",
    )
