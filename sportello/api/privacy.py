"""The customer's API tokens and webhooks: exported (never the secrets) and deleted with the
account."""

from __future__ import annotations

from typing import Any

from sportello.api.models import ApiToken, WebhookDelivery, WebhookEndpoint
from sportello.core.erasure import ErasureContext, treat
from sportello.core.export import ExportContext, iso

EXPORTED_MODELS: dict[str, str] = {
    "api.ApiToken": "api_tokens",
    "api.WebhookEndpoint": "webhooks",
    "api.WebhookDelivery": "webhooks",
}
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {}

DELETED = "deleted with the account"
ERASURE: dict[str, dict[str, str]] = {
    "api.ApiToken": treat(
        DELETED,
        "id",
        "created_at",
        "updated_at",
        "user",
        "name",
        "prefix",
        "secret_hash",
        "scopes",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ),
    "api.WebhookEndpoint": treat(
        DELETED, "id", "created_at", "updated_at", "user", "url", "secret", "is_active"
    ),
    "api.WebhookDelivery": treat(
        DELETED + " (with its webhook)",
        "id",
        "created_at",
        "updated_at",
        "endpoint",
        "event_id",
        "event_type",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_error",
        "last_response_status",
    ),
}


def _tokens(user) -> list[dict[str, Any]]:
    return [
        {
            "name": token.name,
            "prefix": token.prefix,
            "scopes": token.scopes,
            "created_at": iso(token.created_at),
            "last_used_at": iso(token.last_used_at),
            "expires_at": iso(token.expires_at),
            "revoked_at": iso(token.revoked_at),
        }
        for token in ApiToken.objects.filter(user=user).order_by("created_at", "id")
    ]


def _webhooks(user) -> list[dict[str, Any]]:
    endpoints = WebhookEndpoint.objects.filter(user=user).order_by("created_at", "id")
    deliveries: dict[int, list[WebhookDelivery]] = {}
    for delivery in WebhookDelivery.objects.filter(endpoint__user=user).order_by(
        "created_at", "id"
    ):
        deliveries.setdefault(delivery.endpoint_id, []).append(delivery)
    return [
        {
            "url": endpoint.url,
            "is_active": endpoint.is_active,
            "created_at": iso(endpoint.created_at),
            "deliveries": [
                {
                    "event_id": str(delivery.event_id),
                    "event_type": delivery.event_type,
                    "payload": delivery.payload,
                    "status": delivery.status,
                    "attempts": delivery.attempts,
                    "delivered_at": iso(delivery.delivered_at),
                }
                for delivery in deliveries.get(endpoint.pk, [])
            ],
        }
        for endpoint in endpoints
    ]


def export_data(context: ExportContext) -> None:
    context.data["api_tokens"] = _tokens(context.user)
    context.data["webhooks"] = _webhooks(context.user)


def erase_data(context: ErasureContext) -> None:
    ApiToken.objects.filter(user=context.user).delete()
    WebhookEndpoint.objects.filter(user=context.user).delete()
