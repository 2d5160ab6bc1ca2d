"""Request ids in logs, and error reports to Sentry without personal data.

Imported by settings.py: nothing here touches Django settings at import time.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

REQUEST_ID_HEADER = "X-Request-ID"
# A load balancer's or proxy's id is kept when it looks like one; anything else (too long,
# odd characters that could forge log lines) is replaced by our own.
_ACCEPTED_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Gives each request an id: the caller's X-Request-ID when acceptable, else a new one.
    It is returned in the response header and added to every log line of the request."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _ACCEPTED_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


# --- Sentry ------------------------------------------------------------------------------------

FILTERED = "[filtrato]"
# Keys whose values are personal data or secrets wherever they appear in an event.
_SENSITIVE_KEY = re.compile(
    r"pass|secret|token|key|auth|cookie|session|csrf|signature|email|e_mail|mail|name|"
    r"phone|telefono|address|indirizzo|fiscal|codice|vat|iva|iban|pec|sdi|ip_address|"
    r"birth|nascita|city|citta|cap|zip|street|via",
    re.IGNORECASE,
)
# Personal data inside free text (messages, exception values, breadcrumbs).
_PERSONAL_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[e-mail]"),
    (re.compile(r"\b[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]\b", re.IGNORECASE), "[cf]"),
    (re.compile(r"\bIT\d{2}[A-Z]\d{10}[0-9A-Z]{12}\b", re.IGNORECASE), "[iban]"),
    (re.compile(r"\b\d{11}\b"), "[numero]"),
    (re.compile(r"\+?\b\d[\d ]{8,}\d\b"), "[numero]"),
]


def scrub_text(text: str) -> str:
    for pattern, replacement in _PERSONAL_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _scrub(value: Any, depth: int = 0) -> Any:
    if depth > 20:
        return FILTERED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {
            key: FILTERED
            if isinstance(key, str) and _SENSITIVE_KEY.search(key) and value[key] not in (None, "")
            else _scrub(value[key], depth + 1)
            for key in value
        }
    if isinstance(value, list | tuple):
        return [_scrub(item, depth + 1) for item in value]
    return value


# Parts of an event that describe the code, not the customer: kept as they are.
_STRUCTURAL = {"exception", "threads", "breadcrumbs", "logentry", "message", "tags", "extra"}


def scrub_event(event: Any, hint: Any = None) -> Any:
    """Sentry `before_send`: no customer's personal data leaves the shop.

    The request keeps its method and path only (no query string, body, cookies or headers),
    the user only their numeric id; e-mail addresses, codici fiscali, IBANs and phone-like
    numbers in messages, exception values and breadcrumbs are replaced, and values under keys
    that name personal data or secrets are filtered wherever they appear.
    """
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {key: request[key] for key in ("method", "url") if key in request}
        if "url" in event["request"]:
            event["request"]["url"] = scrub_text(event["request"]["url"].split("?", 1)[0])
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for key in _STRUCTURAL & event.keys():
        event[key] = _scrub_structure(event[key])
    for key in ("contexts", "extra"):
        if isinstance(event.get(key), dict):
            event[key] = _scrub(event[key])
    return event


def _scrub_structure(value: Any, depth: int = 0) -> Any:
    """Like _scrub, but only free text is scrubbed: keys such as "filename" or "module" in
    stack frames are code, not personal data."""
    if depth > 20:
        return FILTERED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {
            key: FILTERED if key == "vars" else _scrub_structure(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub_structure(item, depth + 1) for item in value]
    return value


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        # Local variables of a failing frame can hold a customer's answers: never sent.
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
