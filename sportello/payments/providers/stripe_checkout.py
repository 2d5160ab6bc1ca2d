"""Card payments through Stripe Checkout (the hosted payment page), with the official SDK.

One Checkout Session per attempt; its id is the attempt's provider reference. Stripe tells us
the outcome through signed webhooks; the return page also asks the API, so the customer sees
the confirmation even when the webhook is late. Either path confirms once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import stripe
from django.conf import settings
from django.urls import reverse

from sportello.payments import actions
from sportello.payments.models import Payment
from sportello.payments.providers.base import (
    InvalidSignature,
    MalformedNotification,
    NewsKind,
    PaymentNews,
    PaymentProvider,
    ProviderError,
    RefundResult,
    StartResult,
    amount_in_cents,
)

if TYPE_CHECKING:
    from stripe._base_address import BaseAddresses

logger = logging.getLogger(__name__)

CURRENCY = "eur"
PAID_STATUSES = frozenset({"paid", "no_payment_required"})


def stripe_client() -> stripe.StripeClient:
    base_addresses: BaseAddresses = {}
    if settings.STRIPE_API_BASE:
        base_addresses["api"] = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base_addresses,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
        max_network_retries=2,
    )


class StripeCheckoutProvider(PaymentProvider):
    identifier = "stripe"
    verbose_name = "Carta di credito (Stripe)"
    description = "Paghi con carta sulla pagina sicura di Stripe."

    @classmethod
    def is_configured(cls) -> bool:
        return bool(settings.STRIPE_SECRET_KEY)

    def start(self, payment, request) -> StartResult:
        order = payment.order
        return_url = request.build_absolute_uri(
            reverse("payments:return", kwargs={"reference": payment.reference})
        )
        metadata = {
            "order_number": order.number,
            "payment_id": str(payment.pk),
            "payment_reference": str(payment.reference),
        }
        try:
            session = stripe_client().v1.checkout.sessions.create(
                params={
                    "mode": "payment",
                    "locale": "it",
                    "client_reference_id": str(payment.pk),
                    "customer_email": order.customer_email,
                    "line_items": [
                        {
                            "quantity": 1,
                            "price_data": {
                                "currency": CURRENCY,
                                "unit_amount": amount_in_cents(payment.amount),
                                "product_data": {"name": f"Ordine {order.number}"},
                            },
                        }
                    ],
                    "metadata": metadata,
                    "payment_intent_data": {"metadata": metadata},
                    "success_url": return_url,
                    "cancel_url": f"{return_url}?annullato=1",
                },
                # A retried request (network hiccup) must not open a second session.
                options={"idempotency_key": f"sportello-checkout-{payment.reference}"},
            )
        except stripe.StripeError as exc:
            logger.warning("Stripe refused a Checkout Session for payment %s: %s", payment.pk, exc)
            raise ProviderError(
                "Il servizio di pagamento con carta non è raggiungibile in questo momento."
            ) from exc
        if not session.url:
            raise ProviderError("Stripe non ha indicato la pagina di pagamento.")
        actions.attach_provider_reference(payment=payment, provider_reference=session.id)
        return StartResult(redirect_url=session.url)

    def refresh(self, payment) -> PaymentNews | None:
        if not payment.provider_reference:
            return None
        try:
            session = stripe_client().v1.checkout.sessions.retrieve(payment.provider_reference)
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return session_news(payment, session.to_dict(), source="verifica al ritorno")

    def cancel(self, payment) -> None:
        """Expire the Checkout Session, so a stale tab cannot pay the order a second time."""
        if not payment.provider_reference:
            return
        try:
            stripe_client().v1.checkout.sessions.expire(payment.provider_reference)
        except stripe.StripeError as exc:
            # Already complete or expired, or Stripe unreachable: a payment that still
            # arrives is recorded and staff are told to refund it.
            raise ProviderError(str(exc)) from exc

    def refund(self, payment, amount) -> RefundResult:
        client = stripe_client()
        try:
            intent = payment.data.get("payment_intent")
            if not intent:
                session = client.v1.checkout.sessions.retrieve(payment.provider_reference)
                intent = session.to_dict().get("payment_intent")
            if not intent:
                raise ProviderError("Stripe non indica l'incasso da rimborsare.")
            refund = client.v1.refunds.create(
                params={
                    "payment_intent": intent,
                    "amount": amount_in_cents(amount),
                    "metadata": {"order_number": payment.order.number},
                },
                options={
                    "idempotency_key": (
                        f"sportello-refund-{payment.reference}-{payment.refunds.count() + 1}"
                    )
                },
            )
        except stripe.StripeError as exc:
            raise ProviderError(f"Stripe non ha eseguito il rimborso: {exc}") from exc
        return RefundResult(provider_reference=refund.id)


# --- Sessions and webhooks -----------------------------------------------------------------


def _session_matches(payment: Payment, session: dict) -> bool:
    if session.get("currency") != CURRENCY or session.get("amount_total") != amount_in_cents(
        payment.amount
    ):
        logger.error(
            "Stripe session %s: %s %s does not match payment %s of %s",
            session.get("id"),
            session.get("amount_total"),
            session.get("currency"),
            payment.pk,
            payment.amount,
        )
        return False
    return True


def _confirmed(payment: Payment, session: dict, source: str) -> PaymentNews:
    if not _session_matches(payment, session):
        return PaymentNews(kind=NewsKind.NOTHING, payment=payment, result="amount_mismatch")
    data = {"payment_intent": session["payment_intent"]} if session.get("payment_intent") else {}
    return PaymentNews(
        kind=NewsKind.CONFIRMED,
        payment=payment,
        provider_reference=session["id"],
        note=f"Stripe: {source}",
        data=data,
    )


def _failed(payment: Payment, reason: str) -> PaymentNews:
    return PaymentNews(kind=NewsKind.FAILED, payment=payment, note=reason)


def session_news(payment: Payment, session: dict, *, source: str) -> PaymentNews:
    """What a Checkout Session says about the attempt (asked by the return page)."""
    if session.get("status") == "complete" and session.get("payment_status") in PAID_STATUSES:
        return _confirmed(payment, session, source)
    if session.get("status") == "expired":
        return _failed(payment, "Sessione di pagamento Stripe scaduta")
    return PaymentNews(kind=NewsKind.NOTHING, payment=payment, result="open")


def _on_completed(payment: Payment, session: dict) -> PaymentNews:
    if session.get("payment_status") in PAID_STATUSES:
        return _confirmed(payment, session, "checkout.session.completed")
    # Delayed methods: the customer finished, the money follows (async_payment_succeeded).
    return PaymentNews(
        kind=NewsKind.PENDING, payment=payment, note="Stripe: pagamento in lavorazione"
    )


EVENT_HANDLERS: dict[str, Callable[[Payment, dict], PaymentNews]] = {
    "checkout.session.completed": _on_completed,
    "checkout.session.async_payment_succeeded": lambda payment, session: _confirmed(
        payment, session, "checkout.session.async_payment_succeeded"
    ),
    "checkout.session.async_payment_failed": lambda payment, _session: _failed(
        payment, "Pagamento non riuscito (Stripe)"
    ),
    "checkout.session.expired": lambda payment, _session: _failed(
        payment, "Sessione di pagamento Stripe scaduta"
    ),
}


def read_webhook(payload: bytes, signature_header: str | None) -> PaymentNews:
    """Verify a webhook with STRIPE_WEBHOOK_SECRET and say what it reports.

    Raises InvalidSignature when the signature (or the secret) is missing or wrong, and
    MalformedNotification for a correctly signed event that is not an event we can read (no
    type, no object). Event types we do not handle and sessions that are not ours are news of
    nothing: acknowledged, so Stripe stops retrying them. `checkout.settlement` records the rest.
    """
    try:
        event = stripe.Webhook.construct_event(
            payload,
            signature_header,
            settings.STRIPE_WEBHOOK_SECRET,
            api_key=settings.STRIPE_SECRET_KEY or None,
        )
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise InvalidSignature(str(exc)) from exc
    try:
        # StripeObject refuses dict methods such as .get().
        event_id = event["id"] if "id" in event else ""  # noqa: SIM401
        event_type = event["type"]
        handler = EVENT_HANDLERS.get(event_type)
        if handler is None:
            return PaymentNews(kind=NewsKind.NOTHING, result="ignored")
        # Plain dicts from here on: the same code reads webhook payloads and API answers.
        session = event["data"]["object"].to_dict()
    except (KeyError, AttributeError, TypeError) as exc:
        raise MalformedNotification(f"unreadable Stripe event: {exc!r}") from None
    payment = (
        Payment.objects.select_related("order")
        .filter(provider=StripeCheckoutProvider.identifier, provider_reference=session.get("id"))
        .first()
    )
    if payment is None:
        logger.info("Stripe event %s for session %s: not ours", event_id, session.get("id"))
        return PaymentNews(kind=NewsKind.NOTHING, result="unknown_session")
    return handler(payment, session)
