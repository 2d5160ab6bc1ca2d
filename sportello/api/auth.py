"""Bearer authentication with personal tokens: scope check and per-token rate limit.

Only `Authorization: Bearer <token>` authenticates an API request; a session cookie never
does, so no unsafe request can ride on a browser's session and the API needs no CSRF token.
"""

from __future__ import annotations

from allauth.core.internal import ratelimit
from django.conf import settings
from django.utils import timezone
from ninja.security import HttpBearer

from sportello.api.actions import touch_token
from sportello.api.models import ApiToken
from sportello.api.queries import token_for_bearer

RATE_LIMIT_ACTION = "api"


class MissingScope(Exception):
    def __init__(self, scope: str):
        self.scope = scope
        super().__init__(scope)


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(retry_after)


def retry_after_seconds(action: str = RATE_LIMIT_ACTION) -> int:
    """The shortest window of the rate (a client waiting that long may try again)."""
    rates = ratelimit.parse_rates(settings.ACCOUNT_RATE_LIMITS.get(action))
    return max(1, int(min((rate.duration for rate in rates), default=60)))


class TokenAuth(HttpBearer):
    """A usable token holding `scope`; None (401) for anything else."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def authenticate(self, request, token: str) -> ApiToken | None:
        found = token_for_bearer(token)
        if found is None:
            return None
        if self.scope not in found.scopes:
            raise MissingScope(self.scope)
        # allauth's counters (the ACCOUNT_RATE_LIMITS entry "api", per token); its public
        # `consume` never counts GETs, most of an API's traffic, hence limit_get.
        usage = ratelimit.consume(
            request,
            app="allauth.account",
            action=RATE_LIMIT_ACTION,
            key=found.prefix,
            limit_get=True,
        )
        if not usage:
            raise RateLimited(retry_after_seconds())
        touch_token(token=found, now=timezone.now())
        # The views read request.user as the web pages do; the session plays no part.
        request.user = found.user
        return found
