import pytest

from sportello.payments.actions import cancel_order, create_payment, mark_pending
from sportello.payments.models import PaymentStatus

pytestmark = pytest.mark.django_db


def test_cancel_also_cancels_the_open_payment_attempts(order, staff):
    transfer = create_payment(order=order, provider="bank_transfer")
    mark_pending(payment=transfer, provider_reference=order.number)

    cancel_order(order=order, actor=staff, note="Richiesta del cliente")

    transfer.refresh_from_db()
    assert transfer.status == PaymentStatus.CANCELLED
    assert transfer.status_changes.last().actor == staff
