"""The catalogue cache: catalogue reads and rendered fragments, keyed by the catalogue version.

With `CATALOGUE_CACHE_SECONDS` > 0, `remember()` keeps a query's result and the
`{% catalogue_fragment %}` tag keeps a rendered piece of a catalogue page in Django's cache
(Redis with REDIS_URL, otherwise one memory cache per process). Every key carries
`CatalogueVersion.number`, read from the database once per request, so a staff edit (any save
or delete of a category, service, form field or choice bumps it) shows at once on every web
process; old entries simply expire.

Only catalogue content goes in: the header's cart counters, the login state, the CSRF token and
messages are rendered around the cached parts on every request, and fragments that show prices
vary on the visitor's price display (consumer or company).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token

from sportello.catalogue.models import CatalogueVersion

T = TypeVar("T")
_MISSING = object()


def is_enabled() -> bool:
    return settings.CATALOGUE_CACHE_SECONDS > 0


def version(request) -> int:
    """The catalogue version for this request: one query, the first time it is asked."""
    number = getattr(request, "_catalogue_version", None)
    if number is None:
        number = CatalogueVersion.current()
        request._catalogue_version = number
    return number


def key(request, name: str, *parts: object) -> str:
    return ":".join(["catalogue", f"v{version(request)}", name, *(str(part) for part in parts)])


def remember(request, name: str, *parts: object, build: Callable[[], T]) -> T:
    """`build()`'s result, from the cache when it is on. Exceptions (a 404) are not kept."""
    if not is_enabled():
        return build()
    cache_key = key(request, name, *parts)
    value = cache.get(cache_key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(cache_key, value, settings.CATALOGUE_CACHE_SECONDS)
    return value  # type: ignore[return-value]


# --- Whole pages for first-time visitors -------------------------------------------------------

# A visitor without a session cookie has no login, no cart, no price preference and no
# messages: the page is the same for all of them but for the CSRF token, which is cut out of
# the stored copy and put back, new, for each visitor.
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{32,64})"')
CSRF_PLACEHOLDER = "\x00csrf-token\x00"


def _is_new_visitor(request) -> bool:
    return (
        request.method == "GET"
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def whole_page_for_new_visitors(view):
    """Keep the whole page of a catalogue view for visitors without a session (cache on only)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_enabled() or not _is_new_visitor(request):
            return view(request, *args, **kwargs)
        cache_key = key(request, "page", request.path)
        stored = cache.get(cache_key)
        if stored is not None:
            content, content_type = stored
            return HttpResponse(
                content.replace(CSRF_PLACEHOLDER, get_token(request)), content_type=content_type
            )
        response = view(request, *args, **kwargs)
        session = getattr(request, "session", None)
        if (
            response.status_code == 200
            and not response.streaming
            and not (session is not None and session.modified)
        ):
            content = response.content.decode(response.charset)
            token = _CSRF_INPUT.search(content)
            if token:
                content = content.replace(token.group(1), CSRF_PLACEHOLDER)
            if CSRF_PLACEHOLDER in content or "csrf" not in content.lower():
                cache.set(
                    cache_key,
                    (content, response["Content-Type"]),
                    settings.CATALOGUE_CACHE_SECONDS,
                )
        return response

    return wrapper
