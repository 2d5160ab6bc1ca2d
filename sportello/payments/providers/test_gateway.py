"""A card gateway for the embedded default and tests, built like a real one.

The customer is sent to a page of the app that plays the gateway. Whatever they choose there,
the gateway never touches the payment itself: it signs a notification (HMAC-SHA256 over
"timestamp.body", the scheme Stripe uses) and delivers it to our callback URL, the same path
a real provider's server-to-server call takes. Only the callback confirms or fails payments.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import resolve, reverse

from sportello.audit.context import Source, acting
from sportello.payments import actions
from sportello.payments.models import Payment, PaymentStatus
from sportello.payments.providers.base import (
    InvalidSignature,
    MalformedNotification,
    NewsKind,
    PaymentNews,
    PaymentProvider,
    RefundResult,
    StartResult,
    amount_in_cents,
)

SIGNATURE_HEADER = "Test-Gateway-Signature"
TOLERANCE_SECONDS = 300
CURRENCY = "EUR"
AUTHORIZED = "payment.authorized"
DECLINED = "payment.declined"


class TestGatewayProvider(PaymentProvider):
    identifier = "test_gateway"
    verbose_name = "Carta di credito (pagamento di prova)"
    description = "Ambiente dimostrativo: nessun addebito reale sulla carta."

    def start(self, payment, request) -> StartResult:
        actions.attach_provider_reference(
            payment=payment, provider_reference=f"tg_{uuid.uuid4().hex}"
        )
        return StartResult(
            redirect_url=reverse("payments:test_gateway", kwargs={"reference": payment.reference})
        )

    def refund(self, payment, amount) -> RefundResult:
        return RefundResult(provider_reference=f"tgr_{uuid.uuid4().hex}")


def gateway_secret() -> bytes:
    if settings.TEST_GATEWAY_SECRET:
        return settings.TEST_GATEWAY_SECRET.encode()
    return (
        hmac.new(settings.SECRET_KEY.encode(), b"sportello.payments.test_gateway", hashlib.sha256)
        .hexdigest()
        .encode()
    )


def sign(payload: bytes, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    signature = hmac.new(gateway_secret(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def verify(payload: bytes, header: str | None) -> None:
    """Raise InvalidSignature unless `header` signs `payload` with our secret, recently."""
    if not header:
        raise InvalidSignature("missing signature")
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
        signature = parts["v1"]
    except (KeyError, ValueError):
        raise InvalidSignature("unreadable signature header") from None
    expected = sign(payload, timestamp=timestamp).partition("v1=")[2]
    if not hmac.compare_digest(expected, signature):
        raise InvalidSignature("signature mismatch")
    if abs(time.time() - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature("timestamp outside the tolerance")


# --- The gateway's side ------------------------------------------------------------------------


def can_be_paid(payment: Payment) -> bool:
    """The gateway only charges a transaction that is still waiting for the card holder."""
    return (
        payment.status == PaymentStatus.CREATED
        and bool(payment.provider_reference)
        and payment.order.is_awaiting_payment
    )


def decide(*, payment: Payment, approve: bool) -> None:
    """The card holder's choice on the gateway page, reported to the shop's callback.

    The amount is the one stored for the transaction; nothing the browser sends is used.
    The notification travels on the "payments" queue (in-process, at once, without a broker),
    so the return page may find the payment still being verified, as with a real gateway.
    """
    # Inside the payments app: tasks.py imports this module for the task body.
    from sportello.payments.tasks import deliver_test_gateway_notification

    body = notification_body(payment=payment, approve=approve)
    deliver_test_gateway_notification.delay(body.decode(), sign(body))


def notification_body(*, payment: Payment, approve: bool) -> bytes:
    return json.dumps(
        {
            "id": f"ntf_{uuid.uuid4().hex}",
            "type": AUTHORIZED if approve else DECLINED,
            "transaction": payment.provider_reference,
            "payment": str(payment.reference),
            "amount": amount_in_cents(payment.amount),
            "currency": CURRENCY,
        }
    ).encode()


def deliver(body: bytes, signature_header: str) -> HttpResponse:
    """POST the notification to the callback URL, in-process: resolved and handled exactly as a
    request from the gateway's server would be, without a network round trip."""
    path = reverse("payments:test_gateway_callback")
    request = HttpRequest()
    request.method = "POST"
    request.path = request.path_info = path
    request.META = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_"): signature_header,
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
    }
    request._body = body
    match = resolve(path)
    # No middleware runs here: the audit trail is told, as the middleware would, that the
    # gateway's server is calling (not the customer, not the task that carries the call).
    with acting(source=getattr(match.func, "audit_source", Source.WEBHOOK)):
        return match.func(request, *match.args, **match.kwargs)


# --- The shop's side: the callback -------------------------------------------------------------


def read_notification(payload: bytes, signature_header: str | None) -> PaymentNews:
    """Verify one notification and say what it reports; `checkout.settlement` records it.

    Raises InvalidSignature (forged or stale) or MalformedNotification (unknown transaction,
    amount or currency different from ours): the caller answers 400 and nothing changes.
    """
    verify(payload, signature_header)
    try:
        data = json.loads(payload)
        kind, transaction = data["type"], data["transaction"]
        reference, amount, currency = data["payment"], data["amount"], data["currency"]
    except (ValueError, KeyError, TypeError):
        raise MalformedNotification("unreadable notification") from None
    payment = (
        Payment.objects.select_related("order")
        .filter(provider=TestGatewayProvider.identifier, provider_reference=transaction)
        .first()
    )
    if payment is None or str(payment.reference) != reference:
        raise MalformedNotification(f"unknown transaction {transaction!r}")
    if amount != amount_in_cents(payment.amount) or currency != CURRENCY:
        raise MalformedNotification(
            f"transaction {transaction}: {amount} {currency} does not match {payment.amount}"
        )
    if kind == AUTHORIZED:
        return PaymentNews(
            kind=NewsKind.CONFIRMED,
            payment=payment,
            provider_reference=transaction,
            note="Autorizzato dal pagamento di prova",
        )
    if kind == DECLINED:
        return PaymentNews(
            kind=NewsKind.FAILED, payment=payment, note="Pagamento rifiutato dalla banca"
        )
    return PaymentNews(kind=NewsKind.NOTHING, payment=payment, result="ignored")
