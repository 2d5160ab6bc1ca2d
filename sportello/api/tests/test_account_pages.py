"""IL MIO ACCOUNT → TOKEN API and WEBHOOK."""

import pytest
from django.urls import reverse

from sportello.api.actions import ScopeNotAllowed, create_token
from sportello.api.forms import READ_ONLY_HELP
from sportello.api.models import ApiToken, WebhookEndpoint
from sportello.api.tests.conftest import bearer
from sportello.companies.models import Role
from sportello.companies.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_create_a_token_shows_the_secret_once(customer_client, customer, client):
    page = customer_client.get(reverse("api_account:tokens"))
    assert page.status_code == 200
    assert "Non hai ancora creato token." in page.content.decode()

    response = customer_client.post(
        reverse("api_account:tokens"),
        {"name": "Gestionale", "scopes": ["orders:read", "files:read"]},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=customer)
    assert token.scopes == ["orders:read", "files:read"]
    plain = response.context["created"].plain
    content = response.content.decode()
    assert plain in content
    assert "non lo mostreremo più" in content
    # The secret is usable, and never shown again.
    assert client.get("/api/orders", **bearer(plain)).status_code == 200
    again = customer_client.get(reverse("api_account:tokens")).content.decode()
    assert plain not in again
    assert "Gestionale" in again
    assert "Leggere ordini e stati, Scaricare esiti e fatture" in again


def test_a_token_needs_a_name_and_a_scope(customer_client, customer):
    response = customer_client.post(reverse("api_account:tokens"), {"name": "", "scopes": []})
    content = response.content.decode()
    assert "Dai un nome al token." in content
    assert "Scegli almeno un permesso." in content
    assert 'aria-describedby="id_scopes_error"' in content or "id_name_error" in content
    assert ApiToken.objects.count() == 0


def test_a_company_viewer_creates_read_only_tokens(customer_client, customer):
    MembershipFactory(user=customer, role=Role.VIEWER)

    page = customer_client.get(reverse("api_account:tokens")).content.decode()
    assert 'value="orders:read"' in page
    assert 'value="orders:write"' not in page
    assert 'value="files:write"' not in page
    assert READ_ONLY_HELP.replace("'", "&#x27;") in page

    # A write scope posted anyway is refused next to the field, the name kept.
    response = customer_client.post(
        reverse("api_account:tokens"),
        {"name": "Gestionale", "scopes": ["orders:read", "orders:write"]},
    )
    content = response.content.decode()
    assert "id_scopes_error" in content
    # The help, the error next to the field and the summary above the form.
    assert content.count(READ_ONLY_HELP.replace("'", "&#x27;")) == 3
    assert 'value="Gestionale"' in content
    assert ApiToken.objects.count() == 0
    with pytest.raises(ScopeNotAllowed):
        create_token(user=customer, name="X", scopes=["quotes:write"])

    customer_client.post(
        reverse("api_account:tokens"), {"name": "Lettura", "scopes": ["orders:read"]}
    )
    assert ApiToken.objects.get().scopes == ["orders:read"]


def test_an_expiry_in_the_past_is_refused_with_the_name_kept(customer_client):
    response = customer_client.post(
        reverse("api_account:tokens"),
        {"name": "Vecchio", "scopes": ["orders:read"], "expires_on": "2000-01-01"},
    )
    content = response.content.decode()
    assert "La data di scadenza è già passata." in content
    assert 'value="Vecchio"' in content
    assert ApiToken.objects.count() == 0


def test_too_many_tokens(customer_client, settings):
    settings.API_MAX_TOKENS_PER_USER = 1
    data = {"name": "Uno", "scopes": ["orders:read"]}
    customer_client.post(reverse("api_account:tokens"), data)
    response = customer_client.post(reverse("api_account:tokens"), {**data, "name": "Due"})
    assert "Puoi avere al massimo 1 token attivi" in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_revoke_own_token_only(customer_client, token, other_customer, client):
    from sportello.api.actions import create_token

    others = create_token(user=other_customer, name="Altro", scopes=["orders:read"])
    response = customer_client.post(reverse("api_account:revoke", args=[others.token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=others.token.pk).revoked_at is None

    response = customer_client.post(reverse("api_account:revoke", args=[token.token.pk]))
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.token.pk).revoked_at is not None
    assert client.get("/api/orders", **bearer(token.plain)).status_code == 401
    assert "Revocato il" in customer_client.get(reverse("api_account:tokens")).content.decode()


def test_token_list_query_count(customer_client, customer, django_assert_num_queries):
    from sportello.api.actions import create_token

    create_token(user=customer, name="T", scopes=["orders:read"])
    customer_client.get(reverse("api_account:tokens"))  # warm the session
    # session, user, the site chrome's two reads, the company role (which scopes the form
    # offers), the tokens: whatever their number.
    with django_assert_num_queries(6):
        customer_client.get(reverse("api_account:tokens"))
    for n in range(5):
        create_token(user=customer, name=f"T{n}", scopes=["orders:read"])
    with django_assert_num_queries(6):
        customer_client.get(reverse("api_account:tokens"))


def test_add_and_delete_a_webhook(customer_client, customer, other_customer, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    refused = customer_client.post(
        reverse("api_account:webhooks"), {"url": "http://127.0.0.1:8000/hook"}
    )
    assert "rete interna" in refused.content.decode()
    assert WebhookEndpoint.objects.count() == 0

    created = customer_client.post(
        reverse("api_account:webhooks"), {"url": "https://93.184.215.14/hook"}
    )
    endpoint = WebhookEndpoint.objects.get(user=customer)
    assert endpoint.secret in created.content.decode()
    listed = customer_client.get(reverse("api_account:webhooks")).content.decode()
    assert "https://93.184.215.14/hook" in listed
    assert endpoint.secret not in listed

    other = WebhookEndpoint.objects.create(
        user=other_customer, url="https://x.example/", secret="s"
    )
    assert (
        customer_client.post(reverse("api_account:delete_webhook", args=[other.pk])).status_code
        == 404
    )
    customer_client.post(reverse("api_account:delete_webhook", args=[endpoint.pk]))
    assert list(WebhookEndpoint.objects.values_list("pk", flat=True)) == [other.pk]
