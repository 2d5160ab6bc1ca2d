from decimal import Decimal

import pytest
from django.urls import reverse

from sportello.orders.models import OrderStatus, OrderStatusChange
from sportello.payments.actions import confirm_payment, fail_payment, start_payment
from sportello.payments.models import Payment, PaymentStatus, PaymentStatusChange
from sportello.payments.providers.bank_transfer import bank_transfer_details

pytestmark = pytest.mark.django_db


def choose_bank_transfer(client, order):
    return client.post(
        reverse("payments:pay", kwargs={"number": order.number}), {"method": "bank_transfer"}
    )


def test_bank_transfer_is_pending_with_the_order_number_as_reference(customer_client, order):
    response = choose_bank_transfer(customer_client, order)

    assert response.status_code == 302
    assert response.url == reverse("orders:confirmation", kwargs={"number": order.number})
    payment = Payment.objects.get(order=order)
    assert payment.provider == "bank_transfer"
    assert payment.status == PaymentStatus.PENDING
    assert payment.provider_reference == order.number
    assert payment.amount == Decimal("122.00")
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_choosing_bank_transfer_again_reuses_the_same_instructions(customer_client, order):
    choose_bank_transfer(customer_client, order)
    choose_bank_transfer(customer_client, order)

    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.PENDING
    assert list(
        PaymentStatusChange.objects.filter(payment=payment).values_list("to_status", flat=True)
    ) == ["created", "pending"]


def test_pay_page_reminds_of_a_pending_transfer(customer_client, order):
    choose_bank_transfer(customer_client, order)

    response = customer_client.get(reverse("payments:pay", kwargs={"number": order.number}))

    assert "Se lo hai già disposto non serve pagare di nuovo" in response.content.decode()


def test_staff_confirm_the_transfer_and_the_order_is_paid(order, staff, rf_request):
    start_payment(order=order, provider_id="bank_transfer", request=rf_request)
    payment = Payment.objects.get(order=order)

    assert (
        confirm_payment(payment=payment, actor=staff, note="Bonifico accreditato").is_recorded
        is True
    )
    assert (
        confirm_payment(payment=payment, actor=staff, note="Bonifico accreditato").is_recorded
        is False
    )

    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert order.status == OrderStatus.PAID
    change = PaymentStatusChange.objects.get(payment=payment, to_status="confirmed")
    assert (change.from_status, change.actor, change.note) == (
        "pending",
        staff,
        "Bonifico accreditato",
    )
    assert OrderStatusChange.objects.filter(order=order, to_status="paid").count() == 1
    assert OrderStatusChange.objects.get(order=order, to_status="paid").note == (
        "Pagamento confermato: Bonifico bancario"
    )


def test_card_payment_after_choosing_transfer_closes_the_transfer(customer_client, order):
    choose_bank_transfer(customer_client, order)
    response = customer_client.post(
        reverse("payments:pay", kwargs={"number": order.number}), {"method": "test_gateway"}
    )
    customer_client.post(response.url, {"decision": "authorize"})

    transfer = Payment.objects.get(order=order, provider="bank_transfer")
    order.refresh_from_db()
    assert transfer.status == PaymentStatus.CANCELLED
    assert order.status == OrderStatus.PAID


def test_a_new_transfer_after_a_failed_one_gets_its_own_reference(order, staff, rf_request):
    start_payment(order=order, provider_id="bank_transfer", request=rf_request)
    first = Payment.objects.get(order=order)
    fail_payment(payment=first, reason="Bonifico respinto", actor=staff)

    start_payment(order=order, provider_id="bank_transfer", request=rf_request)

    second = Payment.objects.exclude(pk=first.pk).get(order=order)
    assert (first.provider_reference, second.provider_reference) == (
        order.number,
        f"{order.number}-2",
    )
    assert second.status == PaymentStatus.PENDING


def test_bank_transfer_details(order, settings):
    from sportello.payments.actions import transfer_deadline

    settings.BANK_TRANSFER_IBAN = "IT02L1234512345123456789012"
    settings.BANK_TRANSFER_BENEFICIARY = "Sportello Servizi S.r.l."
    settings.BANK_TRANSFER_BANK = "Banca Esempio"

    assert bank_transfer_details(order) == {
        "iban": "IT02L1234512345123456789012",
        "beneficiary": "Sportello Servizi S.r.l.",
        "bank": "Banca Esempio",
        "reference": order.number,
        "amount": Decimal("122.00"),
        "received": Decimal("0.00"),
        "deadline": transfer_deadline(order),
    }


def test_switching_to_bank_transfer_later_emails_the_instructions_once(customer_client, order):
    from sportello.notifications.models import OutgoingEmail

    choose_bank_transfer(customer_client, order)
    choose_bank_transfer(customer_client, order)

    instructions = OutgoingEmail.objects.filter(key__startswith=f"order-{order.pk}-bank-transfer")
    assert instructions.count() == 1
    message = instructions.get()
    assert message.to == order.customer_email
    assert order.number in message.text_body


def test_switching_to_bank_transfer_sends_the_order_confirmation_once(
    customer_client, order, staff
):
    """The confirmation page says the summary was e-mailed: true also when the transfer is
    chosen after a declined card (or for a quote's order), and the later confirmation of the
    transfer says "payment received" instead of confirming the order a second time."""
    from sportello.notifications.models import OutgoingEmail
    from sportello.orders.emails import confirmation_key

    choose_bank_transfer(customer_client, order)
    choose_bank_transfer(customer_client, order)

    confirmation = OutgoingEmail.objects.get(key=confirmation_key(order))
    assert confirmation.to == order.customer_email
    assert "L'ordine sarà lavorato quando avremo ricevuto il pagamento." in confirmation.text_body
    confirm_payment(payment=Payment.objects.get(order=order), actor=staff)
    assert OutgoingEmail.objects.filter(key=confirmation_key(order)).count() == 1
    assert OutgoingEmail.objects.filter(key=f"order-{order.pk}-paid").count() == 1
