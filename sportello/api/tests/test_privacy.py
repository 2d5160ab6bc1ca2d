"""The customer's tokens and webhooks in the data export (never the secrets) and erasure."""

import pytest

from sportello.api.models import ApiToken, WebhookDelivery, WebhookEndpoint
from sportello.privacy.erasure import erase_customer
from sportello.privacy.export import build_export
from sportello.privacy.tests import conftest as privacy_fixtures

pytestmark = pytest.mark.django_db

# A customer (MARIO) and another (GIULIA) with rows in every model holding personal data.
customer_data = privacy_fixtures.customer_data
other_data = privacy_fixtures.other_data


def test_export_has_tokens_and_webhooks_without_secrets(customer_data, other_data):
    data, _files = build_export(user=customer_data.user)
    [token] = data["api_tokens"]
    assert token["name"] == "Gestionale MARIO"
    assert token["scopes"] == ["orders:read"]
    [webhook] = data["webhooks"]
    assert webhook["url"] == "https://mario.example/hook"
    assert webhook["deliveries"][0]["payload"]["data"] == {"order": customer_data.order.number}
    text = str(data)
    assert "whsec_MARIO" not in text
    assert ApiToken.objects.get(user=customer_data.user).secret_hash not in text
    assert "GIULIA" not in str(data["api_tokens"]) + str(data["webhooks"])


def test_erasure_deletes_tokens_and_webhooks(customer_data, other_data):
    erase_customer(user=customer_data.user, actor=customer_data.user)
    assert not ApiToken.objects.filter(user=customer_data.user).exists()
    assert not WebhookEndpoint.objects.filter(user=customer_data.user).exists()
    assert not WebhookDelivery.objects.filter(endpoint__user=customer_data.user).exists()
    # The other customer keeps theirs.
    assert ApiToken.objects.filter(user=other_data.user).count() == 1
    assert WebhookDelivery.objects.filter(endpoint__user=other_data.user).count() == 1
