"""Tokens: who gets in, with which scopes, how often; ownership as on the web pages."""

import datetime as dt

import pytest
from django.utils import timezone

from sportello.api.actions import create_token, revoke_token
from sportello.api.errors import italian_message
from sportello.api.models import ApiToken, Scope
from sportello.api.tests.conftest import bearer
from sportello.orders.models import Order
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def test_only_a_hash_of_the_secret_is_stored(token):
    stored = ApiToken.objects.get()
    secret = token.plain.split("_", 2)[2]
    assert token.plain.startswith(f"spt_{stored.prefix}_")
    assert secret not in stored.secret_hash
    assert len(stored.secret_hash) == 64


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer spt_nope_nope", "Token abc", "Bearer " + "x" * 300],
)
def test_missing_or_unknown_token_is_401(client, header, appraisal):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/services", **extra)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_wrong_secret_with_a_real_prefix_is_401(client, token):
    prefix = token.token.prefix
    response = client.get("/api/services", **bearer(f"spt_{prefix}_wrong"))
    assert response.status_code == 401


def test_revoked_token_is_401(client, token, auth):
    assert client.get("/api/services", **auth).status_code == 200
    assert revoke_token(token=token.token) is True
    assert revoke_token(token=token.token) is False
    assert client.get("/api/services", **auth).status_code == 401


def test_expired_token_is_401(client, customer):
    expired = create_token(
        user=customer,
        name="Vecchio",
        scopes=[Scope.CATALOGUE_READ],
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    assert client.get("/api/services", **bearer(expired.plain)).status_code == 401


def test_token_of_a_deactivated_user_is_401(client, customer, auth):
    customer.is_active = False
    customer.save(update_fields=["is_active"])
    assert client.get("/api/services", **auth).status_code == 401


def test_missing_scope_is_403_and_changes_nothing(client, customer, appraisal):
    reader = bearer(create_token(user=customer, name="Lettura", scopes=["orders:read"]).plain)
    assert client.get("/api/orders", **reader).status_code == 200
    response = client.post(
        "/api/orders",
        {"lines": [{"service": appraisal.slug, "answers": {}}], "accept_terms": True},
        content_type="application/json",
        **reader,
    )
    assert response.status_code == 403
    assert response.json()["code"] == "missing_scope"
    assert client.get("/api/services", **reader).status_code == 403
    assert Order.objects.count() == 0


def test_a_session_is_not_an_api_login(customer_client, appraisal):
    """Only the bearer token authenticates: a browser's session cookie never does, so no
    cross-site request can use it (the API needs no CSRF token)."""
    assert customer_client.get("/api/orders").status_code == 401
    response = customer_client.post(
        "/api/orders",
        {"lines": [{"service": appraisal.slug, "answers": {}}], "accept_terms": True},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_other_customers_objects_are_404(client, customer, other_auth, auth):
    order = OrderFactory(customer=customer)
    OrderLineFactory(order=order)
    assert client.get(f"/api/orders/{order.number}", **auth).status_code == 200
    for url in (
        f"/api/orders/{order.number}",
        f"/api/orders/{order.number}/invoice.pdf",
        f"/api/orders/{order.number}/outcomes/1",
    ):
        response = client.get(url, **other_auth)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    assert client.get("/api/orders", **other_auth).json() == []


def test_rate_limit_answers_429_with_retry_after(client, settings, auth, token):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "api": "3/m/key"}
    for _ in range(3):
        assert client.get("/api/orders", **auth).status_code == 200
    limited = client.get("/api/orders", **auth)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert limited.json()["code"] == "rate_limited"


def test_last_use_is_remembered(client, auth, token):
    assert token.token.last_used_at is None
    client.get("/api/orders", **auth)
    assert ApiToken.objects.get().last_used_at is not None


def test_the_schema_and_the_docs_are_public(client):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/orders" in paths
    assert "/api/orders/{number}/outcomes/{file_id}" in paths
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    content = docs.content.decode()
    # The shop's own page (Swagger UI speaks English), no script from anywhere.
    assert "swagger" not in content.lower() and "cdn" not in content.lower()
    assert "Documentazione dell&#x27;API" in content or "Documentazione dell'API" in content
    assert 'href="/api/openapi.json"' in content


def test_unknown_service_is_404_in_italian(client, auth):
    response = client.get("/api/services/non-esiste", **auth)
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Servizio non trovato",
        "errors": None,
    }


def test_invalid_path_values_are_422_not_500(client, auth, customer):
    response = client.get(f"/api/orders/2026-000001/outcomes/{2**70}", **auth)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert "file_id" in str(response.json()["errors"])


def test_a_body_that_is_not_json_is_refused_in_italian(client, auth, customer):
    response = client.post(
        "/api/orders", data='{"lines": [', content_type="application/json", **auth
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_json",
        "message": "Il corpo della richiesta non è un JSON valido.",
        "errors": None,
    }


def test_invalid_fields_are_explained_in_italian(client, auth, customer):
    response = client.post(
        "/api/orders",
        data={"lines": "tre", "accept_terms": "forse", "payment_method": "contanti"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["body.payload.lines"] == ["Deve essere una lista."]
    assert errors["body.payload.accept_terms"] == ["Deve essere true o false."]
    assert errors["body.payload.payment_method"] == [
        "Valore non ammesso: sono ammessi 'bank_transfer' o 'prepaid_credit'."
    ]
    assert client.post("/api/orders", data={}, content_type="application/json", **auth).json()[
        "errors"
    ]["body.payload.lines"] == ["Campo obbligatorio."]


def test_an_unknown_error_type_is_generic_italian_not_english():
    assert italian_message({"type": "some_new_pydantic_type", "msg": "Oops"}) == (
        "Valore non valido."
    )
    assert italian_message({"type": "value_error", "msg": "Value error, CAP non valido."}) == (
        "CAP non valido."
    )
    assert italian_message({"type": "less_than_equal", "ctx": {"le": 100}}) == (
        "Deve essere al massimo 100."
    )
