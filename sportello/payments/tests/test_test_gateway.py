import hashlib
import hmac
import json
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from sportello.notifications.models import OutgoingEmail
from sportello.orders.models import Order, OrderStatus, OrderStatusChange
from sportello.payments.models import Payment, PaymentStatus, PaymentStatusChange
from sportello.payments.providers import test_gateway

pytestmark = pytest.mark.django_db

CALLBACK = "payments:test_gateway_callback"


def pay_url(order):
    return reverse("payments:pay", kwargs={"number": order.number})


def gateway_url(payment):
    return reverse("payments:test_gateway", kwargs={"reference": payment.reference})


def return_url(payment):
    return reverse("payments:return", kwargs={"reference": payment.reference})


def start_card_payment(client, order) -> Payment:
    response = client.post(pay_url(order), {"method": "test_gateway"})
    payment = Payment.objects.filter(order=order).latest("created_at", "id")
    assert response.status_code == 302
    assert response.url == gateway_url(payment)
    return payment


def notification(payment, *, kind=test_gateway.AUTHORIZED, amount=None) -> bytes:
    return json.dumps(
        {
            "id": "ntf_test",
            "type": kind,
            "transaction": payment.provider_reference,
            "payment": str(payment.reference),
            "amount": 12200 if amount is None else amount,
            "currency": "EUR",
        }
    ).encode()


def post_callback(client, body: bytes, signature: str | None):
    headers = {"HTTP_TEST_GATEWAY_SIGNATURE": signature} if signature is not None else {}
    return client.post(reverse(CALLBACK), data=body, content_type="application/json", **headers)


def history(payment):
    return list(
        PaymentStatusChange.objects.filter(payment=payment)
        .order_by("id")
        .values_list("from_status", "to_status")
    )


def paid_rows(order):
    return OrderStatusChange.objects.filter(order=order, to_status=OrderStatus.PAID).count()


def test_card_approved_through_the_gateway(customer_client, order):
    payment = start_card_payment(customer_client, order)

    page = customer_client.get(gateway_url(payment))
    assert page.status_code == 200
    content = page.content.decode()
    for text in (order.number, "122,00\u00a0€", "Autorizza pagamento", "Rifiuta pagamento"):
        assert text in content

    response = customer_client.post(gateway_url(payment), {"decision": "authorize"})
    assert response.status_code == 302
    assert response.url == return_url(payment)

    back = customer_client.get(response.url)
    assert back.status_code == 302
    assert back.url == reverse("orders:confirmation", kwargs={"number": order.number})

    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert payment.amount == Decimal("122.00")
    assert payment.confirmed_at is not None
    assert payment.provider_reference.startswith("tg_")
    assert order.status == OrderStatus.PAID
    assert order.paid_at is not None
    assert history(payment) == [("", "created"), ("created", "confirmed")]
    assert paid_rows(order) == 1


def test_card_declined_then_paid_on_retry(customer_client, customer, order):
    first = start_card_payment(customer_client, order)
    response = customer_client.post(gateway_url(first), {"decision": "decline"})
    back = customer_client.get(response.url, follow=True)

    assert back.redirect_chain[-1][0] == pay_url(order)
    content = back.content.decode()
    assert "non è andato a buon fine" in content
    assert "Paga ora" in content
    order.refresh_from_db()
    first.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert first.status == PaymentStatus.FAILED
    assert first.failure_reason == "Pagamento rifiutato dalla banca"

    second = start_card_payment(customer_client, order)
    assert second.pk != first.pk
    response = customer_client.post(gateway_url(second), {"decision": "authorize"})
    back = customer_client.get(response.url)
    assert back.url == reverse("orders:confirmation", kwargs={"number": order.number})

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert list(Payment.objects.filter(order=order).order_by("id").values_list("status")) == [
        ("failed",),
        ("confirmed",),
    ]
    assert Order.objects.filter(customer=customer).count() == 1
    assert paid_rows(order) == 1


def test_paying_with_another_attempt_cancels_the_abandoned_one(customer_client, order):
    abandoned = start_card_payment(customer_client, order)
    retry = start_card_payment(customer_client, order)
    customer_client.post(gateway_url(retry), {"decision": "authorize"})

    abandoned.refresh_from_db()
    assert abandoned.status == PaymentStatus.CANCELLED
    assert history(abandoned)[-1] == ("created", "cancelled")
    # The gateway no longer charges the abandoned transaction.
    page = customer_client.get(gateway_url(abandoned))
    assert "non è più attiva" in page.content.decode()
    customer_client.post(gateway_url(abandoned), {"decision": "authorize"})
    abandoned.refresh_from_db()
    assert abandoned.status == PaymentStatus.CANCELLED


def test_late_money_on_a_cancelled_attempt_is_recorded_not_lost(client, customer_client, order):
    abandoned = start_card_payment(customer_client, order)
    retry = start_card_payment(customer_client, order)
    customer_client.post(gateway_url(retry), {"decision": "authorize"})
    body = notification(abandoned)

    response = post_callback(client, body, test_gateway.sign(body))

    assert response.status_code == 200
    abandoned.refresh_from_db()
    order.refresh_from_db()
    assert abandoned.status == PaymentStatus.CONFIRMED
    assert order.status == OrderStatus.PAID
    assert paid_rows(order) == 1


def test_late_money_on_a_paid_order_tells_staff_once(client, customer_client, order, settings):
    """The customer paid twice (two open attempts both charged): the order stays paid and the
    back-office is told to refund the second payment; a repeated notification adds nothing."""
    settings.STAFF_NOTIFICATION_EMAIL = "ordini@sportello.example"
    abandoned = start_card_payment(customer_client, order)
    retry = start_card_payment(customer_client, order)
    customer_client.post(gateway_url(retry), {"decision": "authorize"})
    template = "payments/email/staff_payment_on_paid_order"
    assert not OutgoingEmail.objects.filter(template=template).exists()
    body = notification(abandoned)

    post_callback(client, body, test_gateway.sign(body))
    post_callback(client, body, test_gateway.sign(body))

    staff_email = OutgoingEmail.objects.get(template=template)
    assert staff_email.to == "ordini@sportello.example"
    assert f"ordine n. {order.number}" in staff_email.subject
    assert "122,00\u00a0€" in staff_email.text_body
    assert abandoned.provider_reference in staff_email.text_body
    assert "registra il rimborso" in staff_email.text_body
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert paid_rows(order) == 1


def test_duplicate_callback_confirms_once(client, customer_client, order):
    payment = start_card_payment(customer_client, order)
    body = notification(payment)

    first = post_callback(client, body, test_gateway.sign(body))
    emails_after_first = OutgoingEmail.objects.count()
    second = post_callback(client, body, test_gateway.sign(body))

    assert (first.status_code, first.json()) == (200, {"result": "confirmed"})
    assert (second.status_code, second.json()) == (200, {"result": "duplicate"})
    assert history(payment) == [("", "created"), ("created", "confirmed")]
    assert paid_rows(order) == 1
    assert OutgoingEmail.objects.count() == emails_after_first


def test_duplicate_decline_fails_once(client, customer_client, order):
    payment = start_card_payment(customer_client, order)
    body = notification(payment, kind=test_gateway.DECLINED)

    assert post_callback(client, body, test_gateway.sign(body)).json() == {"result": "failed"}
    assert post_callback(client, body, test_gateway.sign(body)).json() == {"result": "duplicate"}
    assert history(payment) == [("", "created"), ("created", "failed")]


def forged_signature(body: bytes) -> str:
    timestamp = int(time.time())
    mac = hmac.new(b"not-our-secret", f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(None, id="missing"),
        pytest.param("garbage", id="unreadable"),
        pytest.param("forged", id="wrong-secret"),
        pytest.param("stale", id="too-old"),
    ],
)
def test_forged_callback_is_refused_and_changes_nothing(client, customer_client, order, signature):
    payment = start_card_payment(customer_client, order)
    body = notification(payment)
    if signature == "forged":
        signature = forged_signature(body)
    elif signature == "stale":
        signature = test_gateway.sign(body, timestamp=int(time.time()) - 3600)

    response = post_callback(client, body, signature)

    assert response.status_code == 400
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert history(payment) == [("", "created")]


def test_a_signature_does_not_cover_another_body(client, customer_client, order):
    payment = start_card_payment(customer_client, order)
    declined = notification(payment, kind=test_gateway.DECLINED)
    approved = notification(payment)

    response = post_callback(client, approved, test_gateway.sign(declined))

    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED


def test_amount_posted_to_the_pages_is_ignored(customer_client, order):
    response = customer_client.post(
        pay_url(order), {"method": "test_gateway", "amount": "1.00", "total_gross": "1.00"}
    )
    payment = Payment.objects.get(order=order)
    assert payment.amount == Decimal("122.00")

    customer_client.post(response.url, {"decision": "authorize", "amount": "1.00"})

    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.amount == Decimal("122.00")
    assert payment.status == PaymentStatus.CONFIRMED
    assert order.total_gross == Decimal("122.00")
    assert order.status == OrderStatus.PAID


def test_signed_notification_with_another_amount_is_refused(client, customer_client, order):
    payment = start_card_payment(customer_client, order)
    body = notification(payment, amount=100)

    response = post_callback(client, body, test_gateway.sign(body))

    assert response.status_code == 400
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_callback_for_an_unknown_transaction_is_refused(client, customer_client, order):
    payment = start_card_payment(customer_client, order)
    payment.provider_reference = "tg_someone_else"
    body = notification(payment)

    response = post_callback(client, body, test_gateway.sign(body))

    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED


def test_callback_accepts_only_post(client):
    assert client.get(reverse(CALLBACK)).status_code == 405


def test_gateway_switched_off_answers_404(settings, client, customer_client, order):
    payment = start_card_payment(customer_client, order)
    body = notification(payment)
    settings.PAYMENT_METHODS = ["bank_transfer"]

    assert customer_client.get(gateway_url(payment)).status_code == 404
    assert post_callback(client, body, test_gateway.sign(body)).status_code == 404
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED


def test_secret_comes_from_settings_or_from_secret_key(settings):
    settings.TEST_GATEWAY_SECRET = "configured"
    assert test_gateway.gateway_secret() == b"configured"
    settings.TEST_GATEWAY_SECRET = ""
    derived = test_gateway.gateway_secret()
    assert derived not in (b"", settings.SECRET_KEY.encode())
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert test_gateway.gateway_secret() != derived
