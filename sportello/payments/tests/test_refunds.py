from decimal import Decimal

import pytest

from sportello.orders.models import OrderStatus
from sportello.payments.actions import (
    RefundNotAllowed,
    confirm_payment,
    refund_payment,
    start_payment,
)
from sportello.payments.models import Payment, PaymentStatus, Refund
from sportello.payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_by_card(order, rf_request):
    start_payment(order=order, provider_id="test_gateway", request=rf_request)
    payment = Payment.objects.get(order=order)
    confirm_payment(payment=payment)
    payment.refresh_from_db()
    return payment


def test_partial_then_full_refund(paid_by_card, order, staff):
    partial = refund_payment(payment=paid_by_card, amount="22.00", actor=staff, note="Sconto")

    paid_by_card.refresh_from_db()
    order.refresh_from_db()
    assert partial.amount == Decimal("22.00")
    assert partial.provider_reference.startswith("tgr_")
    assert (partial.created_by, partial.note) == (staff, "Sconto")
    assert paid_by_card.status == PaymentStatus.CONFIRMED
    assert order.status == OrderStatus.PAID

    rest = refund_payment(payment=paid_by_card, amount=Decimal("100.00"), actor=staff, note="")

    paid_by_card.refresh_from_db()
    order.refresh_from_db()
    assert rest.amount == Decimal("100.00")
    assert paid_by_card.status == PaymentStatus.REFUNDED
    assert order.status == OrderStatus.REFUNDED
    assert order.status_changes.filter(to_status=OrderStatus.REFUNDED).count() == 1


def test_every_refund_is_e_mailed_to_the_customer_with_its_amount(paid_by_card, order, staff):
    """A partial refund (or the refund of a second payment), and the one that refunds the
    whole order: the customer is told each amount."""
    from sportello.notifications.models import OutgoingEmail

    partial = refund_payment(payment=paid_by_card, amount="22.00", actor=staff, note="Sconto")

    message = OutgoingEmail.objects.get(template="payments/email/refund_recorded")
    assert message.to == order.customer_email
    assert message.key == f"refund-{partial.pk}"
    assert f"un rimborso di 22,00\u00a0€ per l'ordine n. {order.number}" in message.text_body
    assert "Nota: Sconto" in message.text_body
    refund_payment(payment=paid_by_card, amount="100.00", actor=staff, note="")
    # The rest closes the order: one e-mail with its amount says so (not a status e-mail
    # without the amount beside it).
    last = OutgoingEmail.objects.filter(template="payments/email/refund_recorded").latest("pk")
    assert OutgoingEmail.objects.filter(template="payments/email/refund_recorded").count() == 2
    assert not OutgoingEmail.objects.filter(template="orders/email/refunded").exists()
    assert last.subject == f"Rimborso dell'ordine n. {order.number}: 100,00 €"
    assert "un rimborso di 100,00\u00a0€" in last.text_body
    assert "con questo l'ordine è interamente rimborsato" in last.text_body


@pytest.mark.parametrize("amount", ["122.01", "0", "-5.00"])
def test_refund_outside_the_refundable_amount_is_refused(paid_by_card, order, staff, amount):
    with pytest.raises(RefundNotAllowed):
        refund_payment(payment=paid_by_card, amount=amount, actor=staff, note="")

    paid_by_card.refresh_from_db()
    order.refresh_from_db()
    assert not Refund.objects.exists()
    assert paid_by_card.status == PaymentStatus.CONFIRMED
    assert order.status == OrderStatus.PAID


def test_refunds_never_exceed_what_was_paid(paid_by_card, staff):
    refund_payment(payment=paid_by_card, amount="100.00", actor=staff, note="")

    with pytest.raises(RefundNotAllowed, match="22,00\u00a0€"):
        refund_payment(payment=paid_by_card, amount="22.01", actor=staff, note="")

    assert list(Refund.objects.values_list("amount", flat=True)) == [Decimal("100.00")]


def test_only_confirmed_payments_are_refunded(order, staff):
    payment = PaymentFactory(order=order)

    with pytest.raises(RefundNotAllowed):
        refund_payment(payment=payment, amount="10.00", actor=staff, note="")

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED
    assert not Refund.objects.exists()


def test_bank_transfer_refund_is_recorded_for_staff_to_wire(order, staff, rf_request):
    start_payment(order=order, provider_id="bank_transfer", request=rf_request)
    payment = Payment.objects.get(order=order)
    confirm_payment(payment=payment, actor=staff)

    refund = refund_payment(payment=payment, amount="122.00", actor=staff, note="Bonifico reso")

    payment.refresh_from_db()
    order.refresh_from_db()
    assert (refund.amount, refund.provider_reference) == (Decimal("122.00"), "")
    assert payment.status == PaymentStatus.REFUNDED
    assert order.status == OrderStatus.REFUNDED


def test_late_payment_on_a_paid_order_is_refunded_without_touching_the_order(
    paid_by_card, order, staff
):
    late = PaymentFactory(order=order)
    confirm_payment(payment=late)

    refund_payment(payment=late, amount="122.00", actor=staff, note="Pagato due volte")

    late.refresh_from_db()
    order.refresh_from_db()
    assert late.status == PaymentStatus.REFUNDED
    assert order.status == OrderStatus.PAID


def test_repeated_confirmation_of_refunded_money_changes_nothing(paid_by_card, staff):
    refund_payment(payment=paid_by_card, amount="122.00", actor=staff, note="")

    assert confirm_payment(payment=paid_by_card).is_recorded is False

    paid_by_card.refresh_from_db()
    assert paid_by_card.status == PaymentStatus.REFUNDED


def test_the_customer_s_order_page_lists_refunds_beside_payments(
    customer_client, paid_by_card, order, staff
):
    refund_payment(payment=paid_by_card, amount="22.00", actor=staff, note="Sconto")

    page = customer_client.get(order.get_absolute_url()).content.decode()

    assert (
        '<td data-label="Stato">Confermato</td><td data-label="Importo" class="num">122,00' in page
    )
    assert '<td data-label="Stato">Rimborso</td><td data-label="Importo" class="num">-22,00' in page
