"""Payment confirmations arriving at the same moment, with real threads on PostgreSQL.

Before the fix, `confirm_payment` locked the payment, then the order, then the sibling
attempts it cancelled: two requests took the same locks in opposite orders and PostgreSQL
killed one with DeadlockDetected (a 500), leaving a charged attempt recorded as cancelled and
staff unaware. Now every payment change locks the order row first, then its payments by id.

SQLite serialises writers (IMMEDIATE transactions) and its test database is in memory, so
these run on PostgreSQL only; the sequential behaviour is covered in test_test_gateway.py.
"""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from sportello.core.tests.racing import race
from sportello.notifications.models import OutgoingEmail
from sportello.orders.models import OrderStatus
from sportello.payments.actions import start_payment
from sportello.payments.models import Payment, PaymentStatus
from sportello.payments.providers import test_gateway
from sportello.payments.tests.fake_stripe import serve
from sportello.payments.tests.test_stripe import (
    SECRET_KEY,
    WEBHOOK_SECRET,
    event_payload,
    stripe_signature,
)
from sportello.payments.tests.test_test_gateway import notification

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: real row locks and several connections at once",
    ),
]

EXTRA_CHARGE = "payments/email/staff_payment_on_paid_order"


def callback(body: bytes):
    def post():
        return Client(raise_request_exception=False).post(
            reverse("payments:test_gateway_callback"),
            data=body,
            content_type="application/json",
            HTTP_TEST_GATEWAY_SIGNATURE=test_gateway.sign(body),
        )

    return post


def test_three_card_attempts_authorised_at_once_record_every_charge(order, rf_request, settings):
    settings.STAFF_NOTIFICATION_EMAIL = "ordini@sportello.example"
    for _ in range(3):
        start_payment(order=order, provider_id="test_gateway", request=rf_request)
    attempts = list(Payment.objects.filter(order=order).order_by("id"))
    assert len({payment.pk for payment in attempts}) == 3

    responses = race(*(callback(notification(payment)) for payment in attempts))

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert sorted(response.json()["result"] for response in responses) == ["confirmed"] * 3
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    statuses = sorted(Payment.objects.filter(order=order).values_list("status", flat=True))
    assert statuses == [PaymentStatus.CONFIRMED] * 3
    # One alert per extra charge: the two payments that came after the one that paid.
    alerts = OutgoingEmail.objects.filter(template=EXTRA_CHARGE, to="ordini@sportello.example")
    assert alerts.count() == 2
    alerted = {alert.key for alert in alerts}
    paid_by = Payment.objects.filter(order=order).order_by("confirmed_at", "id").first()
    assert alerted == {f"payment-{p.pk}-on-paid-order" for p in attempts if p.pk != paid_by.pk}
    assert all("ha pagato due volte" in alert.text_body for alert in alerts)
    # A replay of every notification afterwards changes nothing.
    replays = race(*(callback(notification(payment)) for payment in attempts))
    assert sorted(response.json()["result"] for response in replays) == ["duplicate"] * 3
    assert alerts.count() == 2


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


def webhook(session: dict):
    payload = event_payload("checkout.session.completed", session)

    def post():
        return Client(raise_request_exception=False).post(
            reverse("payments:stripe_webhook"),
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=stripe_signature(payload),
        )

    return post


def return_page(customer, payment):
    def get():
        client = Client(raise_request_exception=False)
        client.force_login(customer)
        return client.get(reverse("payments:return", kwargs={"reference": payment.reference}))

    return get


def test_webhook_and_return_page_of_two_paid_sessions_arrive_together(
    customer, order, rf_request, fake_stripe, settings
):
    """Two tabs, two Stripe sessions, both paid: the webhook of one and the customer's return
    from the other reach the shop together. Both charges are recorded, the order is paid
    once, staff are told to refund one, and neither request fails."""
    settings.STAFF_NOTIFICATION_EMAIL = "ordini@sportello.example"
    first, second = (
        Payment.objects.get(
            provider_reference=start_payment(
                order=order, provider_id="stripe", request=rf_request
            ).redirect_url.rsplit("/", 1)[1]
        )
        for _ in range(2)
    )
    fake_stripe.pay(first.provider_reference)
    session = fake_stripe.pay(second.provider_reference)

    by_webhook, by_return = race(webhook(session), return_page(customer, first))

    assert by_webhook.status_code == 200
    assert by_webhook.json()["result"] in {"confirmed", "duplicate"}
    assert by_return.status_code == 302
    confirmation = reverse("orders:confirmation", kwargs={"number": order.number})
    assert by_return.url == confirmation
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert sorted(Payment.objects.filter(order=order).values_list("status", flat=True)) == [
        PaymentStatus.CONFIRMED,
        PaymentStatus.CONFIRMED,
    ]
    assert OutgoingEmail.objects.filter(template=EXTRA_CHARGE).count() == 1


def test_webhook_and_return_page_of_the_same_session_confirm_once(
    customer, order, rf_request, fake_stripe
):
    payment = Payment.objects.get(
        provider_reference=start_payment(
            order=order, provider_id="stripe", request=rf_request
        ).redirect_url.rsplit("/", 1)[1]
    )
    session = fake_stripe.pay(payment.provider_reference)

    by_webhook, by_return = race(webhook(session), return_page(customer, payment))

    assert by_webhook.status_code == 200
    assert by_webhook.json()["result"] in {"confirmed", "duplicate"}
    assert by_return.status_code == 302
    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.status, order.status) == (PaymentStatus.CONFIRMED, OrderStatus.PAID)
    assert payment.status_changes.filter(to_status=PaymentStatus.CONFIRMED).count() == 1
    assert order.status_changes.filter(to_status=OrderStatus.PAID).count() == 1
    assert OutgoingEmail.objects.filter(template="orders/email/confirmation").count() == 1


def test_back_from_a_paid_tab_after_the_other_tab_paid_the_order(
    customer, order, rf_request, fake_stripe, settings
):
    """The race above in its worst order: the webhook of one session pays the order (and
    cancels the other attempt), then the customer comes back from the other session, which was
    paid too. The return page asks Stripe and records that second charge for staff to refund."""
    settings.STAFF_NOTIFICATION_EMAIL = "ordini@sportello.example"
    first, second = (
        Payment.objects.get(
            provider_reference=start_payment(
                order=order, provider_id="stripe", request=rf_request
            ).redirect_url.rsplit("/", 1)[1]
        )
        for _ in range(2)
    )
    fake_stripe.pay(first.provider_reference)
    session = fake_stripe.pay(second.provider_reference)

    assert webhook(session)().status_code == 200
    first.refresh_from_db()
    assert first.status == PaymentStatus.CANCELLED
    assert return_page(customer, first)().status_code == 302

    assert sorted(Payment.objects.filter(order=order).values_list("status", flat=True)) == [
        PaymentStatus.CONFIRMED,
        PaymentStatus.CONFIRMED,
    ]
    assert OutgoingEmail.objects.filter(template=EXTRA_CHARGE).count() == 1
