"""Every button of the order back-office also writes the order's admin history ("Storico")."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape

from sportello.core.money import format_euro
from sportello.orders.models import LineStatus, OrderStatus
from sportello.orders.tests.conftest import PDF_BYTES
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory, PaidOrderFactory
from sportello.payments.models import Payment, PaymentStatus

pytestmark = pytest.mark.django_db


def action_url(order, action):
    return reverse("admin:orders_order_action", args=[order.pk, action])


def line_url(line):
    return reverse("admin:orders_order_line", args=[line.order_id, line.pk])


def history(client, order) -> list[tuple]:
    """(user, message) of each row of the order's admin history page, oldest first."""
    response = client.get(reverse("admin:orders_order_history", args=[order.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    rows = [(entry.user, entry.get_change_message()) for entry in response.context["action_list"]]
    for user, message in rows:
        assert escape(user.get_username()) in html
        assert escape(message) in html
    return rows


def test_bank_transfer_received_is_in_the_history(staff_client, staff, customer):
    order = OrderFactory(customer=customer, payment_method="bank_transfer")
    OrderLineFactory(order=order)
    Payment.objects.create(
        order=order, provider="bank_transfer", amount=order.total_gross, status="pending"
    )
    assert history(staff_client, order) == []
    staff_client.post(
        action_url(order, "bonifico-ricevuto"),
        {
            "amount": formats.number_format(order.total_gross, 2),
            "value_date": timezone.localdate().isoformat(),
            "reference": "CRO123",
            "note": "Estratto conto",
        },
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    amount = format_euro(order.total_gross)
    assert history(staff_client, order) == [
        (
            staff,
            f"Segnato bonifico ricevuto: {amount}, valuta {timezone.localdate():%d/%m/%Y}, "
            "CRO/TRN CRO123 "
            "(nota: Estratto conto)",
        )
    ]
    entry = LogEntry.objects.get()
    assert (entry.action_flag, entry.object_id) == (CHANGE, str(order.pk))
    # A refused second click writes nothing.
    staff_client.post(action_url(order, "bonifico-ricevuto"), {"note": ""})
    assert LogEntry.objects.count() == 1


def test_status_buttons_are_in_the_history(staff_client, staff, customer):
    order = PaidOrderFactory(customer=customer)
    OrderLineFactory(order=order)
    staff_client.post(action_url(order, "in-lavorazione"), {"note": ""})
    staff_client.post(action_url(order, "completato"), {"note": "Tutto consegnato"})
    assert history(staff_client, order) == [
        (staff, "Stato dell'ordine: In lavorazione"),
        (staff, "Stato dell'ordine: Completato (nota: Tutto consegnato)"),
    ]
    # Refused: a completed order cannot be cancelled, and nothing is written.
    staff_client.post(action_url(order, "annulla"), {"note": ""})
    assert LogEntry.objects.count() == 2


def test_line_status_and_outcome_are_in_the_history(staff_client, staff, customer):
    order = PaidOrderFactory(customer=customer)
    line = OrderLineFactory(order=order, service_name="Visura catastale")
    staff_client.post(line_url(line), {"form": "status", "to": LineStatus.IN_PROGRESS, "note": ""})
    staff_client.post(
        line_url(line),
        {
            "form": "outcome",
            "note": "Perizia firmata",
            "outcome_files": [SimpleUploadedFile("perizia.pdf", PDF_BYTES)],
            "complete_line": "on",
        },
    )
    line.refresh_from_db()
    assert line.status == LineStatus.COMPLETED
    assert history(staff_client, order) == [
        (staff, "Stato della riga «Visura catastale»: In lavorazione"),
        (staff, "Esito allegato alla riga «Visura catastale», riga completata"),
    ]


def test_refused_outcome_writes_nothing(staff_client, customer):
    order = OrderFactory(customer=customer)
    line = OrderLineFactory(order=order)
    staff_client.post(line_url(line), {"form": "outcome", "note": "Esito", "complete_line": ""})
    assert not order.lines.get().outcomes.exists()
    assert history(staff_client, order) == []


def test_refund_is_in_the_history(staff_client, staff, customer):
    order = PaidOrderFactory(customer=customer)
    payment = Payment.objects.create(
        order=order, provider="bank_transfer", amount=order.total_gross, status="confirmed"
    )
    staff_client.post(
        action_url(order, "rimborso"),
        {"payment": payment.pk, "amount": "50.00", "note": "Servizio non erogabile"},
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert payment.refunds.get().amount == Decimal("50.00")
    assert history(staff_client, order) == [
        (
            staff,
            f"Rimborso registrato: {format_euro(Decimal('50.00'))} (nota: Servizio non erogabile)",
        )
    ]


def test_bulk_action_writes_the_history_of_the_moved_orders_only(staff_client, staff, customer):
    paid = PaidOrderFactory(customer=customer)
    unpaid = OrderFactory(customer=customer)
    staff_client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "start_processing_action", "_selected_action": [paid.pk, unpaid.pk]},
    )
    assert history(staff_client, paid) == [(staff, "Stato dell'ordine: In lavorazione")]
    assert history(staff_client, unpaid) == []
