"""The catalogue cache: catalogue reads and rendered fragments, keyed by the catalogue version.

With `CATALOGUE_CACHE_SECONDS` > 0, `remember()` keeps a query's result and the
`{% catalogue_fragment %}` tag keeps a rendered piece of a catalogue page in Django's cache
(Redis with REDIS_URL, otherwise one memory cache per process). Every key carries
`CatalogueVersion.number`, read from the database once per request, so a staff edit (any save
or delete of a category, service, form field or choice bumps it) shows at once on every web
process; old entries simply expire. Keys also carry a fingerprint of the catalogue models'
columns, so pickled rows kept by a release with other columns are never read by the next.

Only catalogue content goes in: the header's cart counters, the login state, the CSRF token and
messages are rendered around the cached parts on every request, and fragments that show prices
vary on the visitor's price display (consumer or company).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import timezone

from sportello.catalogue.models import CatalogueVersion, Category, FieldChoice, FormField, Service

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


@functools.cache
def _columns() -> str:
    """A fingerprint of the catalogue models' columns. Entries are pickled model rows: after a
    deployment that changes those columns, what the previous release kept is never read."""
    described = [
        f"{model._meta.label}:{','.join(f.attname for f in model._meta.concrete_fields)}"
        for model in (Category, Service, FormField, FieldChoice)
    ]
    return hashlib.sha256("|".join(described).encode()).hexdigest()[:8]


def key(request, name: str, *parts: object) -> str:
    return ":".join(
        ["catalogue", f"v{version(request)}", _columns(), name, *(str(part) for part in parts)]
    )


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


def remember_each(
    request, name: str, ids: Iterable[int], *, build: Callable[[list[int]], dict[int, T]]
) -> dict[int, T]:
    """`build(ids)`'s result (a value per id), each id's value from the cache when it is on:
    one read for all of them, `build` only for those missing."""
    wanted = sorted(set(ids))
    if not is_enabled() or not wanted:
        return build(wanted)
    keys = {pk: key(request, name, pk) for pk in wanted}
    kept = cache.get_many(list(keys.values()))
    found = {pk: kept[cache_key] for pk, cache_key in keys.items() if cache_key in kept}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        built = build(missing)
        cache.set_many({keys[pk]: built[pk] for pk in missing}, settings.CATALOGUE_CACHE_SECONDS)
        found.update(built)
    return found


# --- Whole pages for first-time visitors -------------------------------------------------------

# A visitor without a session cookie has no login, no cart, no price preference and no
# messages: the page is the same for all of them but for the CSRF token, which is cut out of
# the stored copy and put back, new, for each visitor.
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{32,64})"')
CSRF_PLACEHOLDER = "\x00csrf-token\x00"
# The response attribute by which a view says its page may be kept for new visitors.
PAGE_KEY_ATTRIBUTE = "catalogue_page_key"
# The paths whose page this process has kept: the only ones the middleware looks up. Bounded
# by the catalogue (only catalogue views mark their pages); an entry whose page has expired or
# was invalidated just falls back to rendering.
_kept_paths: set[str] = set()


def is_new_visitor(request) -> bool:
    return (
        request.method == "GET"
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_HX_REQUEST" not in request.META
    )


def page_key(request) -> str:
    # Rome's day is part of it: a form's date pickers say which days it accepts from today.
    return key(request, "page", request.path, timezone.localdate().isoformat())


def whole_page_for_new_visitors(view):
    """Mark a catalogue view's page as the same for every visitor without a session (cache on
    only): `CataloguePageMiddleware` keeps it and serves it to the next ones before the
    session, authentication and the rest of the middleware run."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if not is_enabled() or not is_new_visitor(request):
            return response
        session = getattr(request, "session", None)
        if (
            response.status_code == 200
            and not response.streaming
            and not (session is not None and session.modified)
        ):
            setattr(response, PAGE_KEY_ATTRIBUTE, page_key(request))
        return response

    return wrapper


class CataloguePageMiddleware:
    """Whole catalogue pages for visitors without a session, from the catalogue cache.

    Placed before the session middleware: a page kept by `whole_page_for_new_visitors` is
    answered with one cache read and the catalogue version's query, with the headers the inner
    middleware gave it the first time (CSP, frame and permission policies, Vary, language) and
    a CSRF token and cookie of the visitor's own. Only paths this process has seen kept are
    looked up, so other pages pay nothing. The outer middleware (request id, security headers)
    runs as for any page.
    """

    # Headers that belong to the first visitor's request, not to the page.
    _NOT_KEPT = frozenset({"content-length", "set-cookie", "x-request-id"})

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if not (is_enabled() and request.path in _kept_paths and is_new_visitor(request)):
            return self._render(request)
        stored = cache.get(page_key(request))
        if stored is None:
            return self._render(request)
        content, headers = stored
        self.csrf.process_request(request)  # a csrftoken cookie the visitor already has
        response = HttpResponse(content.replace(CSRF_PLACEHOLDER, get_token(request)))
        for name, value in headers:
            response[name] = value
        return self.csrf.process_response(request, response)

    def _render(self, request):
        response = self.get_response(request)
        cache_key = getattr(response, PAGE_KEY_ATTRIBUTE, None)
        if cache_key is not None and self._keep(cache_key, response):
            _kept_paths.add(request.path)
        return response

    def _keep(self, cache_key: str, response) -> bool:
        policies = response.get("Content-Security-Policy", "") + response.get(
            "Content-Security-Policy-Report-Only", ""
        )
        # A nonce is single-use: a page whose policy carries one is never shared.
        if "'nonce-" in policies:
            return False
        content = response.content.decode(response.charset)
        token = _CSRF_INPUT.search(content)
        if token:
            content = content.replace(token.group(1), CSRF_PLACEHOLDER)
        if CSRF_PLACEHOLDER not in content and "csrf" in content.lower():
            return False  # a token that could not be cut out is never shared
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in self._NOT_KEPT
        ]
        cache.set(cache_key, (content, headers), settings.CATALOGUE_CACHE_SECONDS)
        return True
