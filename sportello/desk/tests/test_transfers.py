"""Bank transfers: amount, value date and CRO recorded; partial amounts; reminders and
automatic cancellation on a fixed clock (time travel, no sleeps)."""

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sportello.checkout.settlement import settle_bank_transfer
from sportello.desk.reminders import run_reminders
from sportello.invoicing.models import FiscalDocument
from sportello.notifications.models import OutgoingEmail
from sportello.orders.models import Order, OrderStatus
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory
from sportello.payments.actions import (
    TransferAlreadyRecorded,
    create_payment,
    mark_pending,
    transfers_received,
)
from sportello.payments.models import Payment, PaymentStatus

VALUE_DATE = dt.date(2026, 12, 1)


def _today() -> str:
    # The back-office form asks to confirm a value date before the order (placed today here).
    return timezone.localdate().isoformat()


@pytest.fixture
def transfer_order(customer):
    order = OrderFactory(
        customer=customer,
        payment_method="bank_transfer",
        total_net=Decimal("2450.00"),
        total_vat=Decimal("539.00"),
        total_gross=Decimal("2989.00"),
    )
    OrderLineFactory(order=order, base_net=Decimal("2450.00"))
    payment = create_payment(order=order, provider="bank_transfer")
    mark_pending(payment=payment, provider_reference=order.number)
    return order


def test_full_transfer_pays_the_order(transfer_order, staff):
    result = settle_bank_transfer(
        order=transfer_order,
        amount="2989.00",
        value_date=VALUE_DATE,
        reference="CRO123",
        actor=staff,
    )
    transfer_order.refresh_from_db()
    assert transfer_order.status == OrderStatus.PAID
    assert result.order_became_paid
    # Through checkout.settlement: the invoice is issued with the payment.
    assert FiscalDocument.objects.filter(order=transfer_order).count() == 1
    payment = Payment.objects.get(order=transfer_order)
    assert payment.status == PaymentStatus.CONFIRMED
    assert payment.amount == Decimal("2989.00")
    assert payment.data["cro"] == "CRO123"
    assert payment.data["value_date"] == "2026-12-01"
    change = payment.status_changes.order_by("-id").first()
    assert "CRO/TRN CRO123" in change.note and "2.989,00" in change.note


def test_partial_transfer_leaves_the_order_awaiting_the_rest(transfer_order, staff):
    first = settle_bank_transfer(
        order=transfer_order, amount="1000.00", value_date=VALUE_DATE, reference="CRO1", actor=staff
    )
    transfer_order.refresh_from_db()
    assert transfer_order.status == OrderStatus.AWAITING_PAYMENT
    assert not first.order_became_paid
    assert transfers_received(transfer_order) == Decimal("1000.00")
    # No invoice until the order is fully paid.
    assert not FiscalDocument.objects.filter(order=transfer_order).exists()
    with pytest.raises(TransferAlreadyRecorded):
        settle_bank_transfer(
            order=transfer_order,
            amount="1989.00",
            value_date=VALUE_DATE,
            reference="CRO1",
            actor=staff,
        )
    transfer_order.refresh_from_db()
    assert transfer_order.status == OrderStatus.AWAITING_PAYMENT
    second = settle_bank_transfer(
        order=transfer_order, amount="1989.00", value_date=VALUE_DATE, reference="CRO2", actor=staff
    )
    transfer_order.refresh_from_db()
    assert second.order_became_paid
    assert FiscalDocument.objects.filter(order=transfer_order).count() == 1
    assert transfer_order.status == OrderStatus.PAID
    statuses = sorted(Payment.objects.filter(order=transfer_order).values_list("status", flat=True))
    # The first receipt is its own payment; the instructions' attempt, which then awaited the
    # rest (1.989,00), is the second receipt.
    assert statuses == ["confirmed", "confirmed"]
    assert sorted(
        Payment.objects.filter(order=transfer_order).values_list("amount", flat=True)
    ) == [
        Decimal("1000.00"),
        Decimal("1989.00"),
    ]


def test_back_office_form_records_a_partial_transfer(staff_client, transfer_order):
    client = staff_client
    url = reverse("admin:orders_order_action", args=[transfer_order.pk, "bonifico-ricevuto"])
    page = client.get(url).content.decode()
    assert "2.989,00" in page
    response = client.post(url, {"amount": "1.000,00", "value_date": _today(), "reference": "TRN9"})
    assert response.status_code == 302
    transfer_order.refresh_from_db()
    assert transfer_order.status == OrderStatus.AWAITING_PAYMENT
    page = client.get(url).content.decode()
    assert "1.989,00" in page
    # The order's page: the instructions' attempt awaits the rest, not the whole amount.
    change = client.get(reverse("admin:orders_order_change", args=[transfer_order.pk])).text
    assert "In attesa del resto: ricevuti 1.000,00\u00a0€, restano 1.989,00\u00a0€" in change
    # The desk's "Bonifici in attesa" says so too.
    desk = client.get(reverse("desk:home")).text
    assert "ricevuti 1.000,00\u00a0€ di 2.989,00\u00a0€, restano 1.989,00\u00a0€" in desk
    response = client.post(url, {"amount": "1989", "value_date": _today(), "reference": "TRN9"})
    assert response.status_code == 200  # the form again, with the error on the CRO/TRN
    assert "già stato registrato" in response.content.decode()


def test_back_office_form_asks_to_confirm_figures_that_look_mistyped(staff_client, transfer_order):
    url = reverse("admin:orders_order_action", args=[transfer_order.pk, "bonifico-ricevuto"])
    placed = timezone.localdate(transfer_order.placed_at)
    typed = {
        "amount": "29.890,00",  # a zero too many
        "value_date": (placed - dt.timedelta(days=3)).isoformat(),
        "reference": "TRN77",
    }

    response = staff_client.post(url, typed)

    text = html.unescape(response.text)
    assert response.status_code == 200
    assert "L'importo supera quanto dovuto (2.989,00\u00a0€)" in text
    assert f"precedente all'ordine, effettuato il {placed:%d/%m/%Y}" in text
    assert 'type="checkbox" name="confirm_unusual"' in text
    assert 'value="TRN77"' in text  # nothing typed is lost
    assert not Payment.objects.filter(order=transfer_order, status="confirmed").exists()

    # Figures as typed, confirmed: recorded (the excess is then refunded as usual).
    response = staff_client.post(url, {**typed, "confirm_unusual": "on"})
    assert response.status_code == 302
    transfer_order.refresh_from_db()
    assert transfer_order.status == OrderStatus.PAID
    assert Payment.objects.get(order=transfer_order, status="confirmed").amount == Decimal(
        "29890.00"
    )


def test_back_office_form_records_usual_figures_without_asking(staff_client, transfer_order):
    url = reverse("admin:orders_order_action", args=[transfer_order.pk, "bonifico-ricevuto"])
    page = staff_client.get(url).text
    # The confirmation is not offered until something looks wrong.
    assert 'type="hidden" name="confirm_unusual"' in page
    assert "Confermo: importo e data valuta" not in page
    # The CRO/TRN help is read with its input (aria-describedby points at an element).
    assert 'aria-describedby="id_reference_helptext"' in page
    assert 'id="id_reference_helptext"' in page

    response = staff_client.post(
        url, {"amount": "2.989,00", "value_date": _today(), "reference": "TRN78"}
    )

    assert response.status_code == 302
    transfer_order.refresh_from_db()
    assert transfer_order.status == OrderStatus.PAID


def _emails(order, template):
    return OutgoingEmail.objects.filter(related_object_id=str(order.pk), template=template)


def test_unpaid_transfer_is_reminded_then_cancelled(transfer_order, settings):
    settings.TRANSFER_REMINDER_DAYS = 5
    settings.TRANSFER_CANCEL_DAYS = 15
    placed = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))
    Order.objects.filter(pk=transfer_order.pk).update(placed_at=placed)

    assert run_reminders(now=placed + dt.timedelta(days=4))["transfers_reminded"] == 0
    assert run_reminders(now=placed + dt.timedelta(days=5))["transfers_reminded"] == 1
    assert run_reminders(now=placed + dt.timedelta(days=6))["transfers_reminded"] == 0
    reminder = _emails(transfer_order, "payments/email/transfer_reminder").get()
    assert "martedì 17 novembre 2026" in reminder.text_body
    assert "IT60X0542811101000000123456" in reminder.text_body.replace(" ", "")

    assert run_reminders(now=placed + dt.timedelta(days=14))["transfers_cancelled"] == 0
    assert run_reminders(now=placed + dt.timedelta(days=15))["transfers_cancelled"] == 1
    transfer_order.refresh_from_db()
    assert transfer_order.status == OrderStatus.CANCELLED
    assert _emails(transfer_order, "orders/email/cancelled").count() == 1
    assert Payment.objects.get(order=transfer_order).status == PaymentStatus.CANCELLED


def test_partially_paid_order_is_not_cancelled_automatically(transfer_order, settings):
    placed = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))
    Order.objects.filter(pk=transfer_order.pk).update(placed_at=placed)
    settle_bank_transfer(
        order=transfer_order, amount="100.00", value_date=VALUE_DATE, reference="CRO7", actor=None
    )
    result = run_reminders(now=placed + dt.timedelta(days=settings.TRANSFER_CANCEL_DAYS + 1))
    assert result["transfers_cancelled"] == 0
    transfer_order.refresh_from_db()
    assert transfer_order.status == OrderStatus.AWAITING_PAYMENT


def test_the_customer_is_told_what_arrived_and_what_is_left(transfer_order, staff, settings):
    # The order's summary went out when it was placed.
    Order.objects.filter(pk=transfer_order.pk).update(confirmation_sent_at=timezone.now())
    settle_bank_transfer(
        order=transfer_order, amount="1000.00", value_date=VALUE_DATE, reference="CRO8", actor=staff
    )

    [email] = _emails(transfer_order, "payments/email/transfer_part_received")
    assert email.to == transfer_order.customer_email
    text = email.text_body
    assert "abbiamo ricevuto un bonifico di 1.000,00\u00a0€" in text
    assert "restano da pagare 1.989,00\u00a0€" in text
    # The details to send the rest: same causale, the amount left.
    assert f"Causale: {transfer_order.number}" in text
    assert "Importo ancora da pagare: 1.989,00\u00a0€ (già ricevuti 1.000,00\u00a0€)" in text
    assert reverse("payments:pay", kwargs={"number": transfer_order.number}) in text
    assert "1.989,00" in email.html_body

    # The reminder, should it go out afterwards, speaks of the rest and threatens nothing.
    placed = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))
    Order.objects.filter(pk=transfer_order.pk).update(placed_at=placed)
    run_reminders(now=placed + dt.timedelta(days=settings.TRANSFER_REMINDER_DAYS))
    reminder = _emails(transfer_order, "payments/email/transfer_reminder").get().text_body
    assert "abbiamo ricevuto 1.000,00\u00a0€: restano da pagare 1.989,00\u00a0€" in reminder
    assert "annullato" not in reminder

    # The rest arrives: "pagamento ricevuto", and no second "part received".
    settle_bank_transfer(
        order=transfer_order, amount="1989.00", value_date=VALUE_DATE, reference="CRO9", actor=staff
    )
    assert _emails(transfer_order, "payments/email/transfer_part_received").count() == 1
    assert _emails(transfer_order, "orders/email/payment_received").count() == 1


def test_reminder_command_runs(transfer_order):
    from django.core.management import call_command

    call_command("desk_reminders")


def test_customer_sees_deadline_grouped_iban_copy_button_and_remaining(
    client, customer, transfer_order, settings
):
    settings.BANK_TRANSFER_IBAN = "IT60X0542811101000000123456"
    settings.TRANSFER_CANCEL_DAYS = 15
    placed = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))
    Order.objects.filter(pk=transfer_order.pk).update(placed_at=placed)
    settle_bank_transfer(
        order=transfer_order, amount="1000.00", value_date=VALUE_DATE, reference="CRO8", actor=None
    )
    client.force_login(customer)
    page = client.get(reverse("orders:detail", args=[transfer_order.number])).content.decode()
    assert "IT60 X054 2811 1010 0000 0123 456" in page
    assert 'data-copy="IT60X0542811101000000123456"' in page
    assert "Da pagare entro" in page and "martedì 17 novembre 2026" in page
    assert "entro il martedì" not in page
    assert "1.989,00" in page and "già ricevuti" in page
    # The card payment is offered as an alternative, not as the way to pay the transfer.
    assert "button-accent" not in page
    assert "Paga invece con un altro metodo" in page
    assert "<script>" not in page  # the copy button's behaviour lives in site.js (CSP)


def test_an_order_withdrawn_from_entirely_is_not_chased_for_its_transfer(transfer_order, settings):
    """The consumer's statement of withdrawal names every service: no "Bonifici in attesa"
    item, no reminder to pay, no cancellation "bonifico non ricevuto" (staff settle the
    withdrawal, in "Recessi da gestire")."""
    from sportello.desk.queues import Filters, transfers_awaiting

    placed = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))
    Order.objects.filter(pk=transfer_order.pk).update(placed_at=placed)
    assert list(transfers_awaiting(Filters())) == [transfer_order]

    transfer_order.lines.update(withdrawal_received_at=placed + dt.timedelta(days=1))

    assert list(transfers_awaiting(Filters())) == []
    for day in (settings.TRANSFER_REMINDER_DAYS, settings.TRANSFER_CANCEL_DAYS + 1):
        result = run_reminders(now=placed + dt.timedelta(days=day))
        assert (result["transfers_reminded"], result["transfers_cancelled"]) == (0, 0)
    assert not _emails(transfer_order, "payments/email/transfer_reminder").exists()
    transfer_order.refresh_from_db()
    assert transfer_order.status == OrderStatus.AWAITING_PAYMENT


def test_the_withdrawal_of_an_unpaid_order_waits_without_a_refund_deadline(
    client, customer, staff, transfer_order
):
    from sportello.withdrawals.actions import withdraw_from_account

    transfer_order.terms_accepted_at = transfer_order.placed_at
    transfer_order.save()
    withdraw_from_account(
        order=transfer_order,
        line_ids=transfer_order.lines.values_list("pk", flat=True),
        customer=customer,
    )
    client.force_login(staff)

    desk = client.get(reverse("desk:home")).content.decode()

    assert "ordine non pagato · da gestire entro il" in desk
    assert "rimborso entro" not in desk


def test_a_partly_withdrawn_order_is_still_awaited(transfer_order):
    from sportello.desk.queues import Filters, transfers_awaiting

    OrderLineFactory(order=transfer_order, position=1)
    transfer_order.lines.filter(position=0).update(withdrawal_received_at=timezone.now())

    assert list(transfers_awaiting(Filters())) == [transfer_order]


def test_a_transfer_larger_than_due_pays_the_order_and_staff_refund_the_difference(
    transfer_order, staff
):
    settle_bank_transfer(
        order=transfer_order, amount="3000.00", value_date=VALUE_DATE, reference="CRO9", actor=staff
    )

    transfer_order.refresh_from_db()
    assert transfer_order.status == OrderStatus.PAID
    [alert] = _emails(transfer_order, "payments/email/staff_overpayment")
    assert "rimborsa 11,00 €" in alert.subject
    assert "ricevuti 3.000,00\u00a0€ per un totale di 2.989,00\u00a0€" in alert.text_body


def test_the_exact_amount_raises_no_alert(transfer_order, staff):
    settle_bank_transfer(
        order=transfer_order,
        amount="2989.00",
        value_date=VALUE_DATE,
        reference="CRO10",
        actor=staff,
    )

    assert not _emails(transfer_order, "payments/email/staff_overpayment")


def test_after_part_of_a_transfer_another_method_asks_only_the_rest(
    transfer_order, customer_client, customer, staff
):
    from django.test import RequestFactory

    from sportello.checkout.settlement import settle_confirmed_payment
    from sportello.payments.actions import start_payment

    # A transfer order's summary went out when it was placed.
    Order.objects.filter(pk=transfer_order.pk).update(confirmation_sent_at=timezone.now())
    settle_bank_transfer(
        order=transfer_order,
        amount="1000.00",
        value_date=VALUE_DATE,
        reference="CRO11",
        actor=staff,
    )
    pay_page = customer_client.get(
        reverse("payments:pay", kwargs={"number": transfer_order.number})
    )
    home = customer_client.get(reverse("accounts:home")).text

    assert "Ancora da pagare" in pay_page.text and "1.989,00" in pay_page.text
    detail = customer_client.get(transfer_order.get_absolute_url()).text
    # The instructions' attempt awaits the rest, beside the part received.
    assert (
        '<td data-label="Stato">In attesa</td><td data-label="Importo" class="num">'
        "1.989,00\u00a0€</td>" in detail
    )
    assert "ricevuti 1.000,00\u00a0€ di 2.989,00\u00a0€" in home
    request = RequestFactory().get("/")
    request.user = customer
    start_payment(order=transfer_order, provider_id="test_gateway", request=request)
    card = Payment.objects.get(order=transfer_order, provider="test_gateway")
    assert card.amount == Decimal("1989.00")

    settle_confirmed_payment(payment=card, provider_reference="tx-rest")

    transfer_order.refresh_from_db()
    assert transfer_order.status == OrderStatus.PAID
    assert not _emails(transfer_order, "payments/email/staff_overpayment")
    # The customer is told the order is paid, not that the card took the whole total.
    [paid] = _emails(transfer_order, "orders/email/payment_received")
    assert "il totale di 2.989,00\u00a0€ è saldato" in paid.text_body


def test_a_transfer_for_an_order_withdrawn_from_entirely_is_recorded_and_explained(
    staff_client, transfer_order
):
    transfer_order.lines.update(withdrawal_received_at=timezone.now())
    url = reverse("admin:orders_order_action", args=[transfer_order.pk, "bonifico-ricevuto"])

    page = staff_client.get(url).text
    done = staff_client.post(
        url, {"amount": "2.989,00", "value_date": _today(), "reference": "TRN10"}, follow=True
    ).text

    assert "Il cliente ha receduto da tutti i servizi dell'ordine" in page
    assert "da cui il cliente ha receduto: l'ordine non diventa pagato" in html.unescape(done)
    assert "Bonifico parziale registrato" not in done
    transfer_order.refresh_from_db()
    assert transfer_order.status == OrderStatus.AWAITING_PAYMENT


def test_every_transfer_recorded_is_in_the_orders_activity_log(transfer_order, staff):
    from sportello.audit.models import AuditEvent, EventType

    settle_bank_transfer(
        order=transfer_order,
        amount="1000.00",
        value_date=VALUE_DATE,
        reference="CRO12",
        actor=staff,
    )

    [event] = AuditEvent.objects.filter(
        order_number=transfer_order.number, event_type=EventType.PAYMENT_TRANSFER
    )
    assert "1.000,00" in event.message and "CRO/TRN CRO12" in event.message
    assert event.actor == staff
