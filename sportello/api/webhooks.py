"""Webhooks: an outbox row per event and endpoint, signed POSTs, retries with backoff.

`order_status_changed` and `order_outcome_added` are registered with `orders.listeners`, and
`quote_status_changed` with `quotes.listeners`, at start-up (apps.py): each runs in the
transaction of the change and writes one `WebhookDelivery` per active endpoint of the users who
may see the order (quote): its customer and the company's members who see every order. Sending
is scheduled after commit (a rolled-back change sends nothing). `deliver` claims a due row with
a compare-and-set, POSTs it, and records the answer: a 2xx is delivered; anything else waits
`retry_delay` and is tried again, up to WEBHOOK_MAX_ATTEMPTS.

Every request carries `Sportello-Signature: t=<unix time>,v1=<hex>` where v1 is
HMAC-SHA256(endpoint secret, "<t>.<body>"), and `Sportello-Event-Id` (the same on every retry:
the receiver's idempotency key).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sportello.api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from sportello.companies.queries import users_who_see
from sportello.core.state import status_label
from sportello.notifications.rendering import absolute_url
from sportello.orders.models import Order, OrderStatus, Outcome
from sportello.quotes.models import QuoteRequest, QuoteStatus

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Sportello-Signature"
EVENT_ID_HEADER = "Sportello-Event-Id"
EVENT_TYPE_HEADER = "Sportello-Event"
ORDER_CREATED = "order.created"
ORDER_STATUS_CHANGED = "order.status_changed"
ORDER_OUTCOME_ADDED = "order.outcome_added"
QUOTE_SENT = "quote.sent"
QUOTE_STATUS_CHANGED = "quote.status_changed"
MAX_RETRY_DELAY = timedelta(hours=6)
# While one worker sends a row, no other claims it (longer than the request's timeout).
SEND_LEASE = timedelta(minutes=2)


class UnsafeWebhookUrl(ValueError):
    """The address resolves to a private, loopback or otherwise internal network."""


# --- Signing ---------------------------------------------------------------------------------


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(*, secret: str, header: str, body: bytes) -> bool:
    """What a receiver does (our tests too): recompute v1 for t and compare in constant time."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = sign(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, header)


# --- Addresses (SSRF) ----------------------------------------------------------------------------


def check_url(url: str) -> None:
    """Refuse addresses that are not public http(s) hosts, unless
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES (development and tests) says otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeWebhookUrl("L'indirizzo deve iniziare con https:// (o http://).")
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeWebhookUrl("L'indirizzo non corrisponde a nessun server.") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise UnsafeWebhookUrl(
                "L'indirizzo porta a una rete interna: indica un server raggiungibile da Internet."
            )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect could lead to an internal address: it counts as a failed delivery."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect())


# --- Writing events ----------------------------------------------------------------------------


def order_status_changed(order: Order, from_status: str, to_status: str) -> None:
    """The orders listener: one delivery per active endpoint of the customer, sent on commit."""
    _write_event(
        seers=users_who_see(customer_id=order.customer_id, company_id=order.company_id),
        event_type=ORDER_CREATED if not from_status else ORDER_STATUS_CHANGED,
        data={
            "order": order.number,
            "from_status": from_status or None,
            "status": to_status,
            "status_label": status_label(OrderStatus, to_status),
        },
    )


def order_outcome_added(outcome: Outcome) -> None:
    """The outcomes listener: the service's result is ready, with the addresses of its files
    (downloaded with the same token as the rest of the API)."""
    line = outcome.line
    order = line.order
    _write_event(
        seers=users_who_see(customer_id=order.customer_id, company_id=order.company_id),
        event_type=ORDER_OUTCOME_ADDED,
        data={
            "order": order.number,
            "line": line.position + 1,
            "service": line.service_name,
            "note": outcome.note,
            "files": [
                {
                    "id": item.pk,
                    "name": item.original_name,
                    "size": item.size,
                    "download_url": absolute_url(
                        "api:outcome_file", number=order.number, file_id=item.pk
                    ),
                }
                for item in outcome.files.order_by("pk")
            ],
        },
    )


def quote_status_changed(quote: QuoteRequest, from_status: str, to_status: str) -> None:
    """The quotes listener: a request sent, priced ("ready", with its total), accepted,
    ordered, declined, expired or cancelled."""
    data = {
        "quote": quote.number,
        "from_status": from_status or None,
        "status": to_status,
        "status_label": status_label(QuoteStatus, to_status),
    }
    if to_status == QuoteStatus.READY:
        data["valid_until"] = quote.valid_until.isoformat() if quote.valid_until else None
    _write_event(
        seers=users_who_see(customer_id=quote.customer_id, company_id=quote.company_id),
        event_type=QUOTE_SENT if not from_status else QUOTE_STATUS_CHANGED,
        data=data,
    )


def _write_event(*, seers: set[int], event_type: str, data: dict) -> None:
    """One delivery per active endpoint of the users who may see the order or quote request
    (a company's administrator hears of colleagues' orders, as the API lets them read them),
    in the caller's transaction; sending is scheduled on commit (a rolled-back change sends
    nothing)."""
    endpoints = list(WebhookEndpoint.objects.filter(user_id__in=seers, is_active=True).only("pk"))
    if not endpoints:
        return
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                event_type=event_type,
                payload={"type": event_type, "created_at": now.isoformat(), "data": data},
                next_attempt_at=now,
            )
            for endpoint in endpoints
        ]
    )
    # bulk_create does not return primary keys on every backend: read them back by event id.
    event_ids = [delivery.event_id for delivery in deliveries]
    transaction.on_commit(lambda: _schedule(event_ids), robust=True)


def _schedule(event_ids) -> None:
    # Imported here: tasks imports this module.
    from sportello.api.tasks import deliver_webhook_task

    for pk in WebhookDelivery.objects.filter(event_id__in=event_ids).values_list("pk", flat=True):
        deliver_webhook_task.delay(pk)


# --- Sending ---------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """Wait before attempt attempts + 1: base, 2×base, 4×base… capped at six hours."""
    base = timedelta(seconds=settings.WEBHOOK_RETRY_BACKOFF_SECONDS)
    return min(base * (2 ** max(attempts - 1, 0)), MAX_RETRY_DELAY)


def body_of(delivery: WebhookDelivery) -> bytes:
    envelope = {"id": str(delivery.event_id), **delivery.payload}
    return json.dumps(envelope, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def _claim(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        return (
            WebhookDelivery.objects.filter(
                pk=pk, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
            ).update(attempts=F("attempts") + 1, next_attempt_at=now + SEND_LEASE)
            == 1
        )


def _post(delivery: WebhookDelivery, now: datetime) -> tuple[int | None, str]:
    """(HTTP status or None, error) of one attempt."""
    endpoint = delivery.endpoint
    try:
        check_url(endpoint.url)
    except UnsafeWebhookUrl as exc:
        return None, str(exc)
    body = body_of(delivery)
    request = urllib.request.Request(  # noqa: S310 (scheme checked by check_url)
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Sportello-Webhooks/1",
            SIGNATURE_HEADER: sign(
                secret=endpoint.secret, timestamp=int(now.timestamp()), body=body
            ),
            EVENT_ID_HEADER: str(delivery.event_id),
            EVENT_TYPE_HEADER: delivery.event_type,
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(getattr(exc, "reason", exc))[:300]


def deliver(pk: int, *, now: datetime | None = None) -> str:
    """Send one due delivery; returns its status afterwards ("" when it was not due)."""
    now = now or timezone.now()
    if not _claim(pk, now):
        return ""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=pk)
    if not delivery.endpoint.is_active:
        code, error = None, "Webhook disattivato"
        give_up = True
    else:
        code, error = _post(delivery, now)
        give_up = delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    fields: dict[str, object]
    if code is not None and 200 <= code < 300:
        status = DeliveryStatus.DELIVERED
        fields = {
            "status": status,
            "delivered_at": now,
            "next_attempt_at": None,
            "last_error": "",
        }
    elif give_up:
        status = DeliveryStatus.FAILED
        fields = {"status": status, "next_attempt_at": None, "last_error": error}
        logger.warning("Webhook %s given up after %s attempts", delivery.pk, delivery.attempts)
    else:
        status = DeliveryStatus.PENDING
        fields = {
            "next_attempt_at": now + retry_delay(delivery.attempts),
            "last_error": error or f"HTTP {code}",
        }
    WebhookDelivery.objects.filter(pk=pk).update(last_response_status=code, **fields)
    return status


def due_delivery_ids(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
