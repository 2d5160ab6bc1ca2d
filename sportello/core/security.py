"""Response headers that keep personal data out of caches and unused browser features off.

- ``Permissions-Policy`` (settings.PERMISSIONS_POLICY) on every response.
- ``Cache-Control: no-store`` on every page that may show personal data: any page seen by a
  signed-in user (the header shows their name), and the account, cart, checkout, payment,
  order, quote, privacy, withdrawal and back-office pages for everyone. Browsers and shared
  proxies then keep no copy (the "back" button after logging out on a shared computer shows
  nothing).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# URL namespaces whose pages show (or take) personal data even to an anonymous visitor.
PRIVATE_NAMESPACES = frozenset(
    {
        "admin",
        "accounts",
        "cart",
        "checkout",
        "orders",
        "payments",
        "privacy",
        "quotes",
        "withdrawals",
    }
)
# allauth's and its MFA's pages have no namespace: their names start with these.
PRIVATE_URL_NAME_PREFIXES = ("account_", "mfa_")


def shows_personal_data(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    if PRIVATE_NAMESPACES.intersection(match.namespaces):
        return True
    return (match.url_name or "").startswith(PRIVATE_URL_NAME_PREFIXES)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # Whatever a view said about caching, no copy of a personal page may be kept.
        if shows_personal_data(request) and "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, no_store=True, private=True)
        return response
