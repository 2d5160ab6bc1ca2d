"""Reads of tokens and webhook endpoints, owner check built in."""

from __future__ import annotations

import hmac

from django.db.models import QuerySet
from django.http import Http404

from sportello.api.actions import hash_secret, split_token
from sportello.api.models import ApiToken, WebhookEndpoint


def token_for_bearer(raw: str) -> ApiToken | None:
    """The usable token that `raw` is, with its user; None when unknown, wrong, revoked or
    expired (one query, the hash compared in constant time)."""
    parts = split_token(raw.strip())
    if parts is None:
        return None
    prefix, secret = parts
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
        return None
    if not token.is_usable() or not token.user.is_active:
        return None
    return token


def tokens_for_user(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_for_user(*, user, pk: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise Http404("Token non trovato")
    return token


def endpoints_for_user(user) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(user=user).order_by("-created_at", "-id")


def endpoint_for_user(*, user, pk: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(user=user, pk=pk).first()
    if endpoint is None:
        raise Http404("Webhook non trovato")
    return endpoint
