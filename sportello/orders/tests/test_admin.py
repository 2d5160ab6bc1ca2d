import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import formats, timezone

from sportello.accounts.tests.factories import StaffFactory
from sportello.notifications.models import OutgoingEmail
from sportello.orders.models import (
    LineStatus,
    Order,
    OrderLineStatusChange,
    OrderStatus,
    OrderStatusChange,
    Outcome,
)
from sportello.orders.tests.conftest import PDF_BYTES
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory, PaidOrderFactory
from sportello.payments.models import Payment, PaymentStatus


def action_url(order, action):
    return reverse("admin:orders_order_action", args=[order.pk, action])


def line_url(line):
    return reverse("admin:orders_order_line", args=[line.order_id, line.pk])


@pytest.fixture
def order(customer):
    order = OrderFactory(customer=customer, payment_method="bank_transfer")
    OrderLineFactory(order=order)
    return order


def test_changelist_filters_and_search(staff_client, order, other_customer):
    OrderFactory(customer=other_customer, billing_last_name="Bianchi", status=OrderStatus.PAID)
    url = reverse("admin:orders_order_changelist")
    response = staff_client.get(url, {"q": "RSSMRA80A01H501U"})
    assert response.status_code == 200
    assert {o.pk for o in response.context["cl"].result_list} == {o.pk for o in Order.objects.all()}
    response = staff_client.get(url, {"q": "giulia.bianchi"})
    assert [o.customer for o in response.context["cl"].result_list] == [other_customer]
    response = staff_client.get(url, {"status__exact": "awaiting_payment"})
    assert [o.pk for o in response.context["cl"].result_list] == [order.pk]
    response = staff_client.get(url, {"payment_method__exact": "bank_transfer"})
    assert [o.pk for o in response.context["cl"].result_list] == [order.pk]


def test_order_page_shows_everything_read_only(staff_client, order):
    Payment.objects.create(order=order, provider="bank_transfer", amount=Decimal("122.00"))
    response = staff_client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert order.number in content
    assert "Via Roma 1" in content
    assert "RSSMRA80A01H501U" in content
    assert "Segna bonifico ricevuto" in content
    assert "Annulla ordine" in content
    assert 'name="_save"' not in content
    assert response.context["adminform"].form.fields == {}


def test_admin_post_cannot_change_the_status(staff_client, order):
    url = reverse("admin:orders_order_change", args=[order.pk])
    response = staff_client.post(url, {"status": "paid", "total_gross": "1.00"})
    assert response.status_code == 403
    order.refresh_from_db()
    assert (order.status, order.total_gross) == (OrderStatus.AWAITING_PAYMENT, Decimal("122.00"))


def transfer_form(order, *, reference="CRO1", note="") -> dict:
    """The "Segna bonifico ricevuto" form for the whole amount (Italian decimals)."""
    return {
        "amount": formats.number_format(order.total_gross, 2),
        "value_date": timezone.localdate().isoformat(),
        "reference": reference,
        "note": note,
    }


def test_mark_bank_transfer_received(staff_client, staff, order):
    payment = Payment.objects.create(
        order=order,
        provider="bank_transfer",
        amount=order.total_gross,
        status=PaymentStatus.PENDING,
        provider_reference=order.number,
    )
    response = staff_client.get(action_url(order, "bonifico-ricevuto"))
    assert response.status_code == 200
    response = staff_client.post(
        action_url(order, "bonifico-ricevuto"), transfer_form(order, reference="CRO123")
    )
    assert response.status_code == 302
    order.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert order.status == OrderStatus.PAID
    change = OrderStatusChange.objects.get(order=order, to_status=OrderStatus.PAID)
    assert change.actor == staff
    assert OutgoingEmail.objects.filter(to=order.customer_email).count() == 1
    # A second click changes nothing.
    staff_client.post(action_url(order, "bonifico-ricevuto"), {"note": ""})
    assert OrderStatusChange.objects.filter(order=order, to_status=OrderStatus.PAID).count() == 1


def test_bank_transfer_received_without_an_open_attempt_records_one(staff_client, order):
    staff_client.post(action_url(order, "bonifico-ricevuto"), transfer_form(order))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    payment = Payment.objects.get(order=order)
    assert (payment.provider, payment.status) == ("bank_transfer", PaymentStatus.CONFIRMED)


def test_a_transfer_arriving_after_the_order_was_cancelled_is_recorded_then_refunded(
    staff_client, staff, order, settings
):
    """The customer wired the money anyway: staff record it (the order is not reopened, the
    back-office is told) and can then give it back with "Registra rimborso"."""
    from sportello.payments.actions import cancel_order

    settings.STAFF_NOTIFICATION_EMAIL = "ordini@sportello.example"
    transfer = Payment.objects.create(
        order=order,
        provider="bank_transfer",
        amount=order.total_gross,
        status=PaymentStatus.PENDING,
        provider_reference=order.number,
    )
    cancel_order(order=order, actor=staff, note="Richiesta del cliente")
    transfer.refresh_from_db()
    assert transfer.status == PaymentStatus.CANCELLED
    page = staff_client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert action_url(order, "bonifico-ricevuto") in page.content.decode()
    assert action_url(order, "rimborso") not in page.content.decode()

    # The form asks what the statement says, as for a transfer on time.
    incomplete = staff_client.post(action_url(order, "bonifico-ricevuto"), {"note": "CRO 456"})
    assert incomplete.status_code == 200
    assert "CRO / TRN" in incomplete.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == PaymentStatus.CANCELLED
    response = staff_client.post(
        action_url(order, "bonifico-ricevuto"),
        transfer_form(order, reference="CRO456"),
        follow=True,
    )

    transfer.refresh_from_db()
    order.refresh_from_db()
    assert transfer.status == PaymentStatus.CONFIRMED
    assert transfer.data["cro"] == "CRO456"
    assert order.status == OrderStatus.CANCELLED
    assert "registra il rimborso" in response.content.decode()
    assert OutgoingEmail.objects.filter(
        to="ordini@sportello.example", template="payments/email/staff_payment_on_closed_order"
    ).exists()
    assert action_url(order, "rimborso") in response.content.decode()
    staff_client.post(
        action_url(order, "rimborso"),
        {"payment": transfer.pk, "amount": "122.00", "note": "Ordine annullato"},
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED


def test_no_late_transfer_on_an_order_paid_by_transfers_in_parts(staff_client, order):
    """Two parts paid the order and cancelled the instructions' attempt: nothing more is
    expected, so no "Registra bonifico arrivato" (one click recorded the whole amount again)."""
    Payment.objects.create(
        order=order,
        provider="bank_transfer",
        amount=order.total_gross,
        status=PaymentStatus.PENDING,
        provider_reference=order.number,
    )
    half = order.total_gross / 2
    for reference in ("CRO1", "CRO2"):
        staff_client.post(
            action_url(order, "bonifico-ricevuto"),
            {**transfer_form(order, reference=reference), "amount": formats.number_format(half, 2)},
        )
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID

    page = staff_client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert action_url(order, "bonifico-ricevuto") not in page.content.decode()
    response = staff_client.post(
        action_url(order, "bonifico-ricevuto"), transfer_form(order, reference="CRO3"), follow=True
    )
    assert "Operazione non consentita" in response.content.decode()
    confirmed = Payment.objects.filter(order=order, status=PaymentStatus.CONFIRMED)
    assert sum(p.amount for p in confirmed) == order.total_gross


def test_no_transfer_button_on_a_paid_order_without_transfer_instructions(staff_client, customer):
    order = PaidOrderFactory(customer=customer)
    page = staff_client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert action_url(order, "bonifico-ricevuto") not in page.content.decode()
    response = staff_client.post(action_url(order, "bonifico-ricevuto"), {"note": ""}, follow=True)
    assert "Operazione non consentita" in response.content.decode()
    assert not Payment.objects.filter(order=order).exists()


@pytest.mark.parametrize(
    "action, status",
    [("in-lavorazione", OrderStatus.IN_PROGRESS), ("completato", OrderStatus.COMPLETED)],
)
def test_move_a_paid_order(staff_client, staff, customer, action, status):
    order = PaidOrderFactory(customer=customer)
    OrderLineFactory(order=order)
    response = staff_client.post(action_url(order, action), {"note": "Fatto"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == status
    change = OrderStatusChange.objects.filter(order=order).latest("id")
    assert (change.to_status, change.actor, change.note) == (status, staff, "Fatto")


def test_cancel(staff_client, order):
    staff_client.post(action_url(order, "annulla"), {"note": "Doppione"})
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_refused_transition_shows_an_error_and_changes_nothing(staff_client, order):
    response = staff_client.post(action_url(order, "completato"), {"note": ""}, follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert "Operazione non consentita" in response.content.decode()
    assert OrderStatusChange.objects.filter(order=order).count() == 1


def test_line_status_and_outcome_from_the_line_page(staff_client, staff, customer):
    order = PaidOrderFactory(customer=customer)
    line = OrderLineFactory(order=order)
    response = staff_client.get(line_url(line))
    assert response.status_code == 200
    staff_client.post(line_url(line), {"form": "status", "to": LineStatus.IN_PROGRESS, "note": ""})
    line.refresh_from_db()
    assert line.status == LineStatus.IN_PROGRESS
    response = staff_client.post(
        line_url(line),
        {
            "form": "outcome",
            "note": "Perizia firmata",
            "outcome_files": [
                SimpleUploadedFile("perizia.pdf", PDF_BYTES),
                SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n"),
            ],
            "complete_line": "on",
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(line=line)
    assert outcome.created_by == staff
    assert sorted(outcome.files.values_list("original_name", flat=True)) == [
        "foto.png",
        "perizia.pdf",
    ]
    line.refresh_from_db()
    order.refresh_from_db()
    assert line.status == LineStatus.COMPLETED
    assert order.status == OrderStatus.COMPLETED


def test_line_page_shows_supplements_as_italian_euro(staff_client, customer):
    order = PaidOrderFactory(customer=customer)
    line = OrderLineFactory(order=order, supplements=[{"label": "Urgenza", "net": "1234.50"}])

    content = staff_client.get(line_url(line)).content.decode()

    assert "<dt><b>Supplemento Urgenza</b></dt><dd>1.234,50\u00a0€ + IVA</dd>" in content


def test_line_page_ties_each_label_to_its_own_field(staff_client, customer):
    """The status form and the outcome form both have a note: "Nota per il cliente" must
    lead to the outcome's note, not to the status change's."""
    order = PaidOrderFactory(customer=customer)
    line = OrderLineFactory(order=order)

    content = staff_client.get(line_url(line)).content.decode()

    ids = re.findall(r'\sid="([^"]+)"', content)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert '<label for="id_outcome_note">Nota per il cliente</label>' in content
    assert '<textarea name="note" cols="40" rows="4" id="id_outcome_note">' in content
    assert '<label for="id_status_note">Nota</label>' in content


def test_outcome_with_a_forbidden_file_shows_the_error(staff_client, customer):
    order = PaidOrderFactory(customer=customer)
    line = OrderLineFactory(order=order)
    response = staff_client.post(
        line_url(line),
        {"form": "outcome", "note": "", "outcome_files": [SimpleUploadedFile("x.exe", b"MZ")]},
    )
    assert response.status_code == 200
    assert "Tipo di file non ammesso: x.exe" in response.content.decode()
    assert Outcome.objects.count() == 0


def test_record_refund(staff_client, staff, customer):
    order = PaidOrderFactory(customer=customer)
    payment = Payment.objects.create(
        order=order, provider="bank_transfer", amount=order.total_gross, status="confirmed"
    )
    response = staff_client.get(action_url(order, "rimborso"))
    assert response.status_code == 200
    response = staff_client.post(
        action_url(order, "rimborso"),
        {"payment": payment.pk, "amount": "122.00", "note": "Servizio non erogabile"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert order.status == OrderStatus.REFUNDED
    assert payment.refunds.get().amount == Decimal("122.00")


def test_refund_larger_than_the_payment_is_refused(staff_client, customer):
    order = PaidOrderFactory(customer=customer)
    payment = Payment.objects.create(
        order=order, provider="bank_transfer", amount=order.total_gross, status="confirmed"
    )
    response = staff_client.post(
        action_url(order, "rimborso"),
        {"payment": payment.pk, "amount": "500.00", "note": "Troppo"},
    )
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert payment.refunds.count() == 0


def test_after_a_partial_refund_the_form_offers_what_is_left(staff_client, staff, customer):
    from sportello.payments.actions import refund_payment

    order = PaidOrderFactory(customer=customer)
    payment = Payment.objects.create(
        order=order, provider="bank_transfer", amount=order.total_gross, status="confirmed"
    )
    refund_payment(payment=payment, amount="100.00", actor=staff, note="Servizio annullato")

    response = staff_client.get(action_url(order, "rimborso"))

    form = response.context["form"]
    assert form["amount"].value() == Decimal("22.00")
    assert (
        "Bonifico bancario · 122,00\u00a0€ · rimborsabili 22,00\u00a0€" in response.content.decode()
    )
    refused = staff_client.post(
        action_url(order, "rimborso"),
        {"payment": payment.pk, "amount": "22.01", "note": "Troppo"},
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["amount"] == [
        "L'importo supera quanto ancora rimborsabile per questo pagamento (22,00\u00a0€)."
    ]
    assert payment.refunds.count() == 1
    # Typed the Italian way, as every amount in the back office.
    staff_client.post(
        action_url(order, "rimborso"),
        {"payment": payment.pk, "amount": "22,00", "note": "Saldo"},
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert sorted(payment.refunds.values_list("amount", flat=True)) == [
        Decimal("22.00"),
        Decimal("100.00"),
    ]


def test_refund_page_without_a_confirmed_payment_goes_back_to_the_order(staff_client, order):
    response = staff_client.get(action_url(order, "rimborso"), follow=True)

    assert response.redirect_chain == [(reverse("admin:orders_order_change", args=[order.pk]), 302)]
    assert "non ha pagamenti confermati da rimborsare" in response.content.decode()
    assert staff_client.post(action_url(order, "rimborso"), {"amount": "1.00"}).status_code == 302
    assert not Payment.objects.filter(order=order).exists()


def test_order_page_lists_the_refunds(staff_client, staff, customer):
    from sportello.payments.actions import refund_payment

    order = PaidOrderFactory(customer=customer)
    payment = Payment.objects.create(
        order=order, provider="bank_transfer", amount=order.total_gross, status="confirmed"
    )
    refund_payment(payment=payment, amount="30.00", actor=staff, note="Sconto concordato")

    response = staff_client.get(reverse("admin:orders_order_change", args=[order.pk]))

    refund = payment.refunds.get()
    when = formats.date_format(timezone.localtime(refund.created_at), "d/m/Y H:i")
    assert (
        f"<li>{when} · 30,00\u00a0€ · Bonifico bancario · Sconto concordato · "
        "operatore@sportello.example · —</li>"
    ) in response.content.decode()


# --- Who may act ---------------------------------------------------------------------------


def test_customer_is_sent_to_the_admin_login(customer_client, order):
    for url in (
        action_url(order, "annulla"),
        line_url(order.lines.get()),
        reverse("admin:orders_order_change", args=[order.pk]),
    ):
        response = customer_client.post(url, {"note": ""})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_staff_with_view_permission_only_cannot_act(client, order):
    clerk = StaffFactory(is_superuser=False)
    clerk.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(clerk)
    assert client.get(reverse("admin:orders_order_change", args=[order.pk])).status_code == 200
    assert client.post(action_url(order, "annulla"), {"note": ""}).status_code == 403
    line = order.lines.get()
    response = client.post(line_url(line), {"form": "status", "to": "in_progress"})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert OrderLineStatusChange.objects.count() == 0


def test_staff_with_change_permission_can_act(client, customer):
    order = PaidOrderFactory(customer=customer)
    OrderLineFactory(order=order)
    clerk = StaffFactory(is_superuser=False)
    clerk.user_permissions.add(
        Permission.objects.get(codename="view_order"),
        Permission.objects.get(codename="change_order"),
    )
    client.force_login(clerk)
    client.post(action_url(order, "in-lavorazione"), {"note": ""})
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_PROGRESS


@pytest.mark.parametrize("codenames", [["view_order"], ["view_order", "change_order"]])
def test_staff_with_the_order_permissions_see_lines_payments_and_history(
    client, customer, codenames
):
    """The order permissions are enough to see the whole order: its lines (with the link to
    the line page for those who may act), payments and history are part of the order."""
    order = PaidOrderFactory(customer=customer)
    line = OrderLineFactory(order=order, service_name="Perizia immobiliare")
    Payment.objects.create(
        order=order, provider="bank_transfer", amount=order.total_gross, status="confirmed"
    )
    OrderStatusChange.objects.create(
        order=order, from_status="awaiting_payment", to_status="paid", note="Bonifico CRO 77"
    )
    clerk = StaffFactory(is_superuser=False)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(clerk)

    content = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()

    assert "Perizia immobiliare" in content
    assert "Bonifico bancario" in content
    assert "Bonifico CRO 77" in content
    assert (line_url(line) in content) is ("change_order" in codenames)
    assert 'name="lines-TOTAL_FORMS"' in content


def test_bulk_action_moves_allowed_orders_and_reports_the_others(staff_client, customer):
    paid = PaidOrderFactory(customer=customer)
    unpaid = OrderFactory(customer=customer)
    response = staff_client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "start_processing_action", "_selected_action": [paid.pk, unpaid.pk]},
        follow=True,
    )
    paid.refresh_from_db()
    unpaid.refresh_from_db()
    assert paid.status == OrderStatus.IN_PROGRESS
    assert unpaid.status == OrderStatus.AWAITING_PAYMENT
    assert unpaid.number in response.content.decode()


def test_internal_note_never_reaches_the_customer_email(staff_client, customer):
    from sportello.notifications.models import OutgoingEmail

    order = PaidOrderFactory(customer=customer)
    OrderLineFactory(order=order)
    staff_client.post(
        action_url(order, "in-lavorazione"),
        {"note": "NOTA-INTERNA cliente insistente", "customer_note": "Iniziamo oggi."},
    )
    email = OutgoingEmail.objects.get(template="orders/email/in_progress")
    assert "Iniziamo oggi." in email.text_body
    assert "NOTA-INTERNA" not in email.text_body and "NOTA-INTERNA" not in email.html_body
    change = OrderStatusChange.objects.filter(order=order).latest("id")
    assert change.note == "NOTA-INTERNA cliente insistente"


def test_a_staff_member_who_only_looks_is_not_sent_to_the_desk(client, customer):
    """The desk needs the right to work orders: a view-only staff member is not offered a
    link that answers 403."""
    from django.contrib.auth.models import Permission

    from sportello.accounts.tests.factories import StaffFactory

    viewer = StaffFactory(is_superuser=False)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_order"))
    order = PaidOrderFactory(customer=customer)
    client.force_login(viewer)

    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).text

    assert order.number in page
    assert "Pratica nella Scrivania" not in page
