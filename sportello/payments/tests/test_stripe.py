"""Stripe Checkout with the real SDK against a local fake of Stripe's API, and signed webhooks."""

import hashlib
import hmac
import json
import time
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from sportello.notifications.models import OutgoingEmail
from sportello.orders.models import Order, OrderStatus, OrderStatusChange
from sportello.payments.actions import RefundFailed, refund_payment
from sportello.payments.models import Payment, PaymentStatus, PaymentStatusChange, Refund
from sportello.payments.tests.fake_stripe import serve

pytestmark = pytest.mark.django_db

SECRET_KEY = "sk_test_sportello"
WEBHOOK_SECRET = "whsec_test_sportello"
WEBHOOK = "payments:stripe_webhook"


@pytest.fixture(scope="module")
def stripe_server():
    fake, server = serve()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_stripe(settings, stripe_server):
    stripe_server.reset()
    settings.PAYMENT_METHODS = ["stripe", "bank_transfer"]
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = stripe_server.url
    return stripe_server


def pay_url(order):
    return reverse("payments:pay", kwargs={"number": order.number})


def return_url(payment):
    return reverse("payments:return", kwargs={"reference": payment.reference})


def start_stripe_payment(client, order) -> Payment:
    response = client.post(pay_url(order), {"method": "stripe"})
    payment = Payment.objects.filter(order=order).latest("created_at", "id")
    assert response.status_code == 302
    assert response.url == f"https://checkout.stripe.test/c/pay/{payment.provider_reference}"
    return payment


def event_payload(kind: str, session: dict) -> str:
    return json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex[:24]}",
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "livemode": False,
            "type": kind,
            "data": {"object": session},
        }
    )


def stripe_signature(payload: str, secret: str = WEBHOOK_SECRET, timestamp=None) -> str:
    """Stripe's scheme: t=<unix time>,v1=<HMAC-SHA256 of "t.payload" with the secret>."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def post_webhook(client, payload: str, signature: str | None):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return client.post(reverse(WEBHOOK), data=payload, content_type="application/json", **headers)


def history(payment):
    return list(
        PaymentStatusChange.objects.filter(payment=payment)
        .order_by("id")
        .values_list("from_status", "to_status")
    )


def test_start_creates_a_checkout_session_for_the_order_total(customer_client, order, fake_stripe):
    payment = start_stripe_payment(customer_client, order)

    (request,) = fake_stripe.requests
    assert (request.method, request.path) == ("POST", "/v1/checkout/sessions")
    assert request.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert request.headers["Idempotency-Key"] == f"sportello-checkout-{payment.reference}"
    success_url = f"http://testserver{return_url(payment)}"
    assert request.params == {
        "mode": "payment",
        "locale": "it",
        "client_reference_id": str(payment.pk),
        "customer_email": order.customer_email,
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "12200",
        "line_items[0][price_data][product_data][name]": f"Ordine {order.number}",
        "metadata[order_number]": order.number,
        "metadata[payment_id]": str(payment.pk),
        "metadata[payment_reference]": str(payment.reference),
        "payment_intent_data[metadata][order_number]": order.number,
        "payment_intent_data[metadata][payment_id]": str(payment.pk),
        "payment_intent_data[metadata][payment_reference]": str(payment.reference),
        "success_url": success_url,
        "cancel_url": f"{success_url}?annullato=1",
    }
    assert payment.provider_reference in fake_stripe.sessions
    assert payment.status == PaymentStatus.CREATED
    assert payment.amount == Decimal("122.00")


def test_signed_webhook_confirms_once(client, customer_client, order, fake_stripe):
    payment = start_stripe_payment(customer_client, order)
    session = fake_stripe.pay(payment.provider_reference)
    payload = event_payload("checkout.session.completed", session)

    first = post_webhook(client, payload, stripe_signature(payload))
    emails_after_first = OutgoingEmail.objects.count()
    second = post_webhook(client, payload, stripe_signature(payload))

    assert (first.status_code, first.json()) == (200, {"result": "confirmed"})
    assert (second.status_code, second.json()) == (200, {"result": "duplicate"})
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert payment.data["payment_intent"] == session["payment_intent"]
    assert order.status == OrderStatus.PAID
    assert history(payment) == [("", "created"), ("created", "confirmed")]
    assert OrderStatusChange.objects.filter(order=order, to_status="paid").count() == 1
    assert OutgoingEmail.objects.count() == emails_after_first


@pytest.mark.parametrize(
    "how",
    ["wrong-secret", "missing-header", "other-payload", "stale", "no-secret-configured"],
)
def test_forged_webhook_is_refused_and_changes_nothing(
    settings, client, customer_client, order, fake_stripe, how
):
    payment = start_stripe_payment(customer_client, order)
    session = fake_stripe.pay(payment.provider_reference)
    payload = event_payload("checkout.session.completed", session)
    signature = {
        "wrong-secret": stripe_signature(payload, secret="whsec_guessed"),
        "missing-header": None,
        "other-payload": stripe_signature(event_payload("checkout.session.expired", session)),
        "stale": stripe_signature(payload, timestamp=int(time.time()) - 3600),
        "no-secret-configured": stripe_signature(payload, secret=""),
    }[how]
    if how == "no-secret-configured":
        settings.STRIPE_WEBHOOK_SECRET = ""

    response = post_webhook(client, payload, signature)

    assert response.status_code == 400
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert history(payment) == [("", "created")]


def test_unknown_event_types_and_sessions_are_acknowledged(
    client, customer_client, order, fake_stripe
):
    payment = start_stripe_payment(customer_client, order)
    session = fake_stripe.pay(payment.provider_reference)
    other_kind = event_payload(
        "payment_intent.succeeded", {"id": "pi_123", "object": "payment_intent"}
    )
    not_ours = event_payload("checkout.session.completed", {**session, "id": "cs_test_other"})

    first = post_webhook(client, other_kind, stripe_signature(other_kind))
    second = post_webhook(client, not_ours, stripe_signature(not_ours))

    assert (first.status_code, first.json()) == (200, {"result": "ignored"})
    assert (second.status_code, second.json()) == (200, {"result": "unknown_session"})
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED


@pytest.mark.parametrize(
    "event",
    [
        {"id": "evt_no_type", "object": "event", "data": {"object": {"id": "cs_test_x"}}},
        {"id": "evt_no_data", "object": "event", "type": "checkout.session.completed"},
    ],
    ids=["without type", "without data"],
)
def test_a_signed_event_we_cannot_read_answers_400(
    client, customer_client, order, fake_stripe, event
):
    """Correctly signed, but not an event (no type, no object): refused, not a server error."""
    payment = start_stripe_payment(customer_client, order)
    payload = json.dumps(event)

    response = post_webhook(client, payload, stripe_signature(payload))

    assert (response.status_code, response.json()) == (400, {"error": "invalid event"})
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED


def test_webhook_accepts_only_post(client, fake_stripe):
    assert client.get(reverse(WEBHOOK)).status_code == 405


def test_session_amount_different_from_the_payment_does_not_confirm(
    client, customer_client, order, fake_stripe
):
    payment = start_stripe_payment(customer_client, order)
    session = {**fake_stripe.pay(payment.provider_reference), "amount_total": 100}
    payload = event_payload("checkout.session.completed", session)

    response = post_webhook(client, payload, stripe_signature(payload))

    assert response.json() == {"result": "amount_mismatch"}
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED
    assert order.status == OrderStatus.AWAITING_PAYMENT


@pytest.mark.parametrize(
    "kind", ["checkout.session.expired", "checkout.session.async_payment_failed"]
)
def test_expired_or_failed_session_fails_the_attempt_only(
    client, customer_client, customer, order, fake_stripe, kind
):
    payment = start_stripe_payment(customer_client, order)
    session = fake_stripe.expire(payment.provider_reference)
    payload = event_payload(kind, session)

    response = post_webhook(client, payload, stripe_signature(payload))

    assert response.json() == {"result": "failed"}
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert order.status == OrderStatus.AWAITING_PAYMENT
    back = customer_client.get(return_url(payment), follow=True)
    assert back.redirect_chain[-1][0] == pay_url(order)
    assert "non è andato a buon fine" in back.content.decode()
    assert Order.objects.filter(customer=customer).count() == 1


def test_delayed_payment_is_pending_then_confirmed(client, customer_client, order, fake_stripe):
    payment = start_stripe_payment(customer_client, order)
    processing = fake_stripe.pay(payment.provider_reference, payment_status="unpaid")
    completed = event_payload("checkout.session.completed", processing)
    succeeded = event_payload(
        "checkout.session.async_payment_succeeded", {**processing, "payment_status": "paid"}
    )

    assert post_webhook(client, completed, stripe_signature(completed)).json() == {
        "result": "pending"
    }
    assert post_webhook(client, succeeded, stripe_signature(succeeded)).json() == {
        "result": "confirmed"
    }
    # Stripe does not promise the order of deliveries: a late "completed" changes nothing.
    assert post_webhook(client, completed, stripe_signature(completed)).json() == {
        "result": "duplicate"
    }

    assert history(payment) == [("", "created"), ("created", "pending"), ("pending", "confirmed")]
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_return_page_asks_stripe_when_the_webhook_is_late(
    client, customer_client, order, fake_stripe
):
    payment = start_stripe_payment(customer_client, order)
    session = fake_stripe.pay(payment.provider_reference)

    back = customer_client.get(return_url(payment))

    assert back.status_code == 302
    assert back.url == reverse("orders:confirmation", kwargs={"number": order.number})
    assert [(r.method, r.path) for r in fake_stripe.requests][-1] == (
        "GET",
        f"/v1/checkout/sessions/{payment.provider_reference}",
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED

    payload = event_payload("checkout.session.completed", session)
    late = post_webhook(client, payload, stripe_signature(payload))

    assert late.json() == {"result": "duplicate"}
    assert history(payment) == [("", "created"), ("created", "confirmed")]
    assert OrderStatusChange.objects.filter(order=order, to_status="paid").count() == 1


def test_cancelled_on_stripe_leaves_the_order_payable(customer_client, order, fake_stripe):
    payment = start_stripe_payment(customer_client, order)

    back = customer_client.get(return_url(payment) + "?annullato=1", follow=True)

    assert back.redirect_chain[-1][0] == pay_url(order)
    assert "Hai interrotto il pagamento" in back.content.decode()
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_stripe_refusing_the_session_keeps_the_order_payable(
    customer_client, customer, order, fake_stripe
):
    fake_stripe.failing_with = 400

    response = customer_client.post(pay_url(order), {"method": "stripe"}, follow=True)

    assert response.redirect_chain[-1][0] == pay_url(order)
    assert "non è raggiungibile" in response.content.decode()
    payment = Payment.objects.get(order=order)
    order.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert payment.provider_reference is None
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert Order.objects.filter(customer=customer).count() == 1


def test_refund_goes_to_stripe(client, customer_client, order, staff, fake_stripe):
    payment = start_stripe_payment(customer_client, order)
    session = fake_stripe.pay(payment.provider_reference)
    payload = event_payload("checkout.session.completed", session)
    post_webhook(client, payload, stripe_signature(payload))
    payment.refresh_from_db()

    refund = refund_payment(payment=payment, amount="122.00", actor=staff, note="Annullato")

    (stripe_refund,) = fake_stripe.refunds
    assert (stripe_refund["amount"], stripe_refund["payment_intent"]) == (
        12200,
        session["payment_intent"],
    )
    assert refund.provider_reference == stripe_refund["id"]
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert order.status == OrderStatus.REFUNDED


def test_refund_refused_by_stripe_records_nothing(
    client, customer_client, order, staff, fake_stripe
):
    payment = start_stripe_payment(customer_client, order)
    session = fake_stripe.pay(payment.provider_reference)
    payload = event_payload("checkout.session.completed", session)
    post_webhook(client, payload, stripe_signature(payload))
    payment.refresh_from_db()
    fake_stripe.failing_with = 400

    with pytest.raises(RefundFailed):
        refund_payment(payment=payment, amount="122.00", actor=staff, note="")

    payment.refresh_from_db()
    order.refresh_from_db()
    assert not Refund.objects.exists()
    assert payment.status == PaymentStatus.CONFIRMED
    assert order.status == OrderStatus.PAID


def test_attempts_given_up_are_expired_on_stripe(
    client, customer_client, order, fake_stripe, django_capture_on_commit_callbacks
):
    """Once another attempt paid the order, a Stripe session still open is expired on Stripe,
    so the customer cannot pay the order a second time from a stale tab."""
    stale = start_stripe_payment(customer_client, order)
    paying = start_stripe_payment(customer_client, order)
    session = fake_stripe.pay(paying.provider_reference)
    payload = event_payload("checkout.session.completed", session)

    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, payload, stripe_signature(payload))

    stale.refresh_from_db()
    assert stale.status == PaymentStatus.CANCELLED
    assert fake_stripe.sessions[stale.provider_reference]["status"] == "expired"
    assert fake_stripe.sessions[paying.provider_reference]["status"] == "complete"
    expired = [r.path for r in fake_stripe.requests if r.path.endswith("/expire")]
    assert expired == [f"/v1/checkout/sessions/{stale.provider_reference}/expire"]
    # Stripe's own "expired" webhook for it then changes nothing.
    expired_payload = event_payload(
        "checkout.session.expired", fake_stripe.sessions[stale.provider_reference]
    )
    response = post_webhook(client, expired_payload, stripe_signature(expired_payload))
    assert response.json() == {"result": "duplicate"}
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_cancelling_the_order_expires_its_open_stripe_session(
    customer_client, order, staff, fake_stripe, django_capture_on_commit_callbacks
):
    from sportello.payments.actions import cancel_order

    payment = start_stripe_payment(customer_client, order)

    with django_capture_on_commit_callbacks(execute=True):
        cancel_order(order=order, actor=staff, note="Richiesta del cliente")

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    assert fake_stripe.sessions[payment.provider_reference]["status"] == "expired"


def test_stripe_refusing_to_expire_a_session_changes_nothing_here(
    customer_client, order, staff, fake_stripe, django_capture_on_commit_callbacks
):
    from sportello.payments.actions import cancel_order

    payment = start_stripe_payment(customer_client, order)
    fake_stripe.failing_with = 500

    with django_capture_on_commit_callbacks(execute=True):
        cancel_order(order=order, actor=staff, note="")

    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    assert order.status == OrderStatus.CANCELLED
