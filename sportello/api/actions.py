"""The only code that changes API tokens and webhook endpoints."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sportello.api.models import WRITE_SCOPES, ApiToken, Scope, WebhookEndpoint
from sportello.api.webhooks import check_url
from sportello.companies.queries import may_buy

TOKEN_PREFIX = "spt"


class TooManyTokens(Exception):
    """The user already holds API_MAX_TOKENS_PER_USER usable tokens."""


class ScopeNotAllowed(Exception):
    """A write scope asked by someone who may not buy (a company's viewer)."""


def hash_secret(secret: str) -> str:
    # A 32-byte random secret needs no slow hash: nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(raw: str) -> tuple[str, str] | None:
    """(prefix, secret) of "spt_<prefix>_<secret>", or None when it does not look like one."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    # The full token, shown once: only its hash is stored.
    plain: str


def create_token(
    *, user, name: str, scopes: list[str], expires_at: datetime | None = None
) -> NewToken:
    valid = {choice.value for choice in Scope}
    unknown = set(scopes) - valid
    if unknown:
        raise ValueError(f"Unknown scopes {sorted(unknown)}")
    if WRITE_SCOPES.intersection(scopes) and not may_buy(user):
        raise ScopeNotAllowed()
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
        if active.count() >= settings.API_MAX_TOKENS_PER_USER:
            raise TooManyTokens()
        prefix = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            name=name.strip(),
            prefix=prefix,
            secret_hash=hash_secret(secret),
            scopes=[scope for scope in Scope.values if scope in scopes],
            expires_at=expires_at,
        )
    return NewToken(token=token, plain=f"{TOKEN_PREFIX}_{prefix}_{secret}")


def revoke_token(*, token: ApiToken) -> bool:
    """Revoke now; a repeat is a no-op (False)."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return revoked == 1


def touch_token(*, token: ApiToken, now: datetime) -> None:
    """Remember the last use, at most once a minute (no write per request)."""
    last = token.last_used_at
    if last is None or (now - last).total_seconds() >= 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@dataclass(frozen=True)
class NewEndpoint:
    endpoint: WebhookEndpoint
    secret: str


def create_endpoint(*, user, url: str) -> NewEndpoint:
    """Raises webhooks.UnsafeWebhookUrl for an internal address."""
    check_url(url)
    secret = f"whsec_{secrets.token_urlsafe(32)}"
    endpoint = WebhookEndpoint.objects.create(user=user, url=url, secret=secret)
    return NewEndpoint(endpoint=endpoint, secret=secret)


def delete_endpoint(*, endpoint: WebhookEndpoint) -> None:
    """Remove the endpoint and its pending deliveries."""
    endpoint.delete()
