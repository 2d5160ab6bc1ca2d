"""The API's reference page (/api/docs): in Italian, complete, built from the OpenAPI schema."""

import re
from html import unescape

import pytest

from sportello.api.docs import STATUSES, TAGS
from sportello.api.endpoints import api

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return api.get_openapi_schema(path_params={})


@pytest.fixture
def page(client) -> str:
    response = client.get("/api/docs")
    assert response.status_code == 200
    return unescape(response.content.decode())


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            yield method.upper(), path, spec


def test_every_operation_is_on_the_page_with_its_italian_summary_and_scope(schema, page):
    operations = list(_operations(schema))
    assert len(operations) == 14
    for method, path, spec in operations:
        anchor = f'id="{spec["operationId"]}"'
        assert anchor in page, (method, path)
        section = page[page.index(anchor) :]
        assert spec["summary"] in section
        assert f"<code>{method} {path}</code>" in section
        assert "Permesso del token: <code>" in section


def test_every_operation_has_its_own_summary_and_a_known_tag(schema):
    """django-ninja would make an English summary from the function's name ("List Services")
    and the page has an Italian title for each tag and each status only."""
    for method, path, spec in _operations(schema):
        generated = spec["operationId"].rsplit("_", 1)[-1]
        assert spec["summary"].lower() != generated.replace("_", " "), (method, path)
        assert spec.get("description"), (method, path)
        assert spec["tags"][0] in TAGS, (method, path)
        assert {str(status) for status in spec["responses"]} <= set(STATUSES), (method, path)


def test_the_page_shows_bodies_parameters_and_responses_in_italian(page):
    create = page[page.index('id="sportello_api_endpoints_create_order"') :]
    create = create[: create.index("</article>")]
    # The request body's fields, nested ones with dotted names, constraints as a sentence.
    assert "<code>lines[].service</code>" in create
    assert "Lunghezza massima 220." in create
    assert "Valori: bank_transfer, prepaid_credit; predefinito: bank_transfer." in create
    # The header parameter and its type.
    assert "Idempotency-Key (intestazione)" in create and "testo o null" in create
    # Response tables say what is always there; each table is named after its operation.
    assert 'aria-label="Risposta 200: Crea un ordine"' in create
    assert "Sempre presente" in create
    # The 201 is not a second copy of the 200's table.
    assert "Creato, con gli stessi campi della risposta 200" in create
    assert create.count("<code>lines[].outcomes[].files[].download_url</code>") == 1
    # Error statuses explained in Italian, not Django's English reason phrases.
    assert "Troppe richieste: riprova dopo i secondi indicati in Retry-After" in create
    for english in ("Unprocessable Entity", "Too Many Requests", "Unauthorized", "Not Found"):
        assert english not in page


def test_no_english_from_the_schema_reaches_the_page(page):
    text = re.sub(r"<code>.*?</code>|<[^>]+>", " ", page, flags=re.S)
    for word in (" the ", " your ", " of ", "Created", "Successful", "Try it out", "Execute"):
        assert word not in text, word


def test_the_schema_describes_responses_in_italian(client):
    schema = client.get("/api/openapi.json").json()
    descriptions = {
        answer["description"]
        for methods in schema["paths"].values()
        for operation in methods.values()
        for answer in operation["responses"].values()
    }
    assert descriptions <= set(STATUSES.values())


def test_the_webhooks_are_documented(page):
    webhooks = page[page.index('id="webhook"') :]
    for word in (
        "order.created",
        "order.status_changed",
        "order.outcome_added",
        "quote.sent",
        "quote.status_changed",
        "Sportello-Signature",
        "HMAC-SHA256",
    ):
        assert word in webhooks


def test_the_page_typed_with_a_trailing_slash_redirects_to_it(client):
    response = client.get("/api/docs/")
    assert response.status_code == 301
    assert response["Location"] == "/api/docs"
