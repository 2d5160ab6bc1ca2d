import re

import pytest
from django.urls import reverse

from sportello.payments.actions import confirm_payment
from sportello.payments.models import PaymentStatus
from sportello.payments.tests.factories import AwaitingOrderFactory, PaymentFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:payments_payment_changelist"


def test_payment_list_filters_and_search(staff_client):
    bank = PaymentFactory(provider="bank_transfer", provider_reference="2026-000900")
    card = PaymentFactory(provider="test_gateway", provider_reference="tg_abc")
    confirm_payment(payment=card)

    by_provider = staff_client.get(reverse(CHANGELIST), {"provider": "bank_transfer"})
    by_status = staff_client.get(reverse(CHANGELIST), {"status": PaymentStatus.CONFIRMED})
    by_number = staff_client.get(reverse(CHANGELIST), {"q": bank.order.number})

    assert [p.pk for p in by_provider.context["cl"].result_list] == [bank.pk]
    assert [p.pk for p in by_status.context["cl"].result_list] == [card.pk]
    assert [p.pk for p in by_number.context["cl"].result_list] == [bank.pk]


def test_a_transfer_is_found_by_its_cro(staff_client):
    """The CRO/TRN of a transfer that paid its attempt lives in the receipt data: the search
    finds it there too."""
    from sportello.checkout.settlement import settle_bank_transfer

    order = AwaitingOrderFactory(payment_method="bank_transfer")
    settle_bank_transfer(order=order, actor=None, reference="CRO0012")
    PaymentFactory(provider="bank_transfer", provider_reference="2026-000901")

    found = staff_client.get(reverse(CHANGELIST), {"q": "CRO0012"})

    assert [p.order_id for p in found.context["cl"].result_list] == [order.pk]


def test_payment_list_queries_do_not_grow_with_payments(staff_client, django_assert_num_queries):
    PaymentFactory()
    staff_client.get(reverse(CHANGELIST))  # warm the session and permission caches
    with django_assert_num_queries(8):
        staff_client.get(reverse(CHANGELIST))
    for _ in range(5):
        PaymentFactory(order=AwaitingOrderFactory())

    with django_assert_num_queries(8):
        response = staff_client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 6


def test_payments_are_read_only_in_the_back_office(staff_client):
    payment = PaymentFactory()
    change_url = reverse("admin:payments_payment_change", args=[payment.pk])

    page = staff_client.get(change_url)
    posted = staff_client.post(change_url, {"status": PaymentStatus.CONFIRMED})

    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    assert posted.status_code == 403
    assert staff_client.get(reverse("admin:payments_payment_add")).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED


def test_refund_list_is_available_to_staff(staff_client):
    assert staff_client.get(reverse("admin:payments_refund_changelist")).status_code == 200


def test_customers_cannot_see_the_back_office(customer_client):
    response = customer_client.get(reverse(CHANGELIST))

    assert response.status_code == 302


def test_payment_page_speaks_italian_not_codes(staff_client):
    """Staff read "Carta di credito (pagamento di prova)" and "Avviato → Non riuscito", not the
    internal codes test_gateway / created / failed."""
    from sportello.payments.actions import fail_payment

    payment = PaymentFactory(provider="test_gateway", provider_reference="tg_abc")
    fail_payment(payment=payment, reason="Pagamento rifiutato dalla banca")

    content = staff_client.get(
        reverse("admin:payments_payment_change", args=[payment.pk])
    ).content.decode()
    listing = staff_client.get(reverse(CHANGELIST)).content.decode()

    assert str(payment) == "Carta di credito (pagamento di prova) · 122,00\u00a0€ · Non riuscito"
    assert "Avviato → Non riuscito" in content
    assert "PaymentStatusChange object" not in content
    assert re.search(r'<td class="field-to_label">\s*<p>Non riuscito</p>', content)
    assert '<td class="field-provider_label">Carta di credito (pagamento di prova)</td>' in listing
