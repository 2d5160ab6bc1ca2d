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

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

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
