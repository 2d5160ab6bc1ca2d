"""The API's docs page (in Italian, rendered by the shop) under the strict CSP, and the
TOKEN API page of IL MIO ACCOUNT in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from e2e import test_csp
from e2e.test_csp import sign_in
from sportello.accounts.tests.factories import UserFactory
from sportello.api.models import ApiToken

# The CSP test's page that collects every Content-Security-Policy report of the console.
csp_page = test_csp.watched_page


def test_the_api_docs_page_runs_under_the_csp(csp_page):
    page = csp_page
    response = page.goto("/api/docs")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Documentazione dell'API")
    # The index leads to each operation.
    page.get_by_role("link", name="Crea un ordine").click()
    expect(page.get_by_role("heading", name="Crea un ordine")).to_be_in_viewport()
    expect(page.get_by_text("lines[].answers", exact=True).first).to_be_visible()
    assert page.reports == []


@pytest.mark.django_db(transaction=True)
def test_create_and_revoke_a_token(csp_page):
    page = csp_page
    customer = UserFactory(email="paolo.conti@example.com")
    sign_in(page.context, customer)
    page.goto("/il-mio-account/token-api/")
    page.get_by_label("Nome del token").fill("Gestionale")
    page.get_by_label("Leggere ordini e stati").check()
    page.get_by_role("button", name="Crea il token").click()
    secret = page.get_by_role("textbox", name="Token", exact=True).input_value()
    assert secret.startswith("spt_")
    token = ApiToken.objects.get(user=customer)
    assert token.scopes == ["orders:read"]
    page.get_by_role("button", name="Revoca il token Gestionale").click()
    expect(page.get_by_text(re.compile("Revocato il"))).to_be_visible()
    assert page.reports == []
