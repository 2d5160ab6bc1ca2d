from decimal import Decimal

import pytest
from django.urls import reverse

from sportello.core.dates import long_date
from sportello.orders.models import OrderStatus
from sportello.payments.actions import cancel_order, confirm_payment, start_payment
from sportello.payments.models import Payment, PaymentStatus
from sportello.payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def pay_url(order):
    return reverse("payments:pay", kwargs={"number": order.number})


def test_pay_page_offers_the_enabled_methods(customer_client, order):
    response = customer_client.get(pay_url(order))

    assert response.status_code == 200
    content = response.content.decode()
    assert order.number in content
    assert "122,00\u00a0€" in content
    assert 'value="test_gateway"' in content
    assert "Carta di credito (pagamento di prova)" in content
    assert 'value="bank_transfer"' in content
    assert "Bonifico bancario" in content
    assert 'value="stripe"' not in content
    assert "Paga ora" in content


def test_pay_page_summary_is_one_list_of_facts(customer_client, order):
    # The old right-aligned totals list left the summary box's left half empty.
    content = customer_client.get(pay_url(order)).text

    assert (
        '<div class="card pay-summary">\n  <dl class="facts">\n'
        f"    <dt>Ordine</dt><dd>n. {order.number} di {long_date(order.placed_at)}</dd>\n"
        '    <dt>Stato</dt><dd><span class="status status-awaiting_payment">'
        "In attesa di pagamento</span></dd>\n"
        '    <dt>Totale da pagare</dt><dd class="price">122,00\u00a0€</dd>\n'
        "  </dl>\n</div>"
    ) in content
    assert 'class="totals"' not in content


def test_pay_page_without_a_choice_explains_and_creates_nothing(customer_client, order):
    response = customer_client.post(pay_url(order), {})

    assert response.status_code == 200
    assert "Scegli come vuoi pagare." in response.content.decode()
    assert not Payment.objects.filter(order=order).exists()


def test_pay_page_refuses_a_method_that_is_not_enabled(customer_client, order):
    response = customer_client.post(pay_url(order), {"method": "stripe"})

    assert response.status_code == 200
    assert "non è disponibile" in response.content.decode()
    assert not Payment.objects.filter(order=order).exists()


def test_paid_order_goes_back_to_the_order_with_a_message(customer_client, order):
    payment = PaymentFactory(order=order)
    confirm_payment(payment=payment)

    response = customer_client.get(pay_url(order), follow=False)

    assert response.status_code == 302
    assert response.url == reverse("orders:detail", kwargs={"number": order.number})
    assert Payment.objects.filter(order=order).count() == 1


def test_cancelled_order_cannot_be_paid(customer_client, order, staff):
    cancel_order(order=order, actor=staff, note="Richiesta del cliente")

    response = customer_client.post(pay_url(order), {"method": "test_gateway"})

    assert response.status_code == 302
    assert response.url == reverse("orders:detail", kwargs={"number": order.number})
    assert not Payment.objects.filter(order=order).exists()


def test_an_order_withdrawn_from_entirely_cannot_be_paid(customer_client, order, rf_request):
    """Every service named in a statement of withdrawal: the pay page sends the customer back
    to the order with a message, whether opened by its address or posted, and no attempt is
    opened (start_payment refuses it too)."""
    from django.utils import timezone

    from sportello.orders.tests.factories import OrderLineFactory
    from sportello.payments.actions import OrderWithdrawn

    OrderLineFactory(order=order, withdrawal_received_at=timezone.now())
    order_url = reverse("orders:detail", kwargs={"number": order.number})

    for response in (
        customer_client.get(pay_url(order)),
        customer_client.post(pay_url(order), {"method": "test_gateway"}),
    ):
        assert response.status_code == 302
        assert response.url == order_url
    page = customer_client.get(order_url).content.decode()
    assert "Hai esercitato il recesso da tutti i servizi dell&#x27;ordine" in page
    assert not Payment.objects.filter(order=order).exists()
    with pytest.raises(OrderWithdrawn):
        start_payment(order=order, provider_id="test_gateway", request=rf_request)


def test_anonymous_visitor_is_sent_to_log_in(client, order):
    response = client.get(pay_url(order))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_other_customer_gets_404_on_every_payment_url(client, other_customer, order):
    payment = PaymentFactory(order=order, provider_reference="tg_abc")
    client.force_login(other_customer)
    urls = [
        pay_url(order),
        reverse("payments:return", kwargs={"reference": payment.reference}),
        reverse("payments:test_gateway", kwargs={"reference": payment.reference}),
    ]

    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(pay_url(order), {"method": "test_gateway"}).status_code == 404
    assert (
        client.post(
            reverse("payments:test_gateway", kwargs={"reference": payment.reference}),
            {"decision": "authorize"},
        ).status_code
        == 404
    )
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert Payment.objects.filter(order=order).count() == 1


def test_gateway_page_of_another_provider_is_404(customer_client, order):
    payment = PaymentFactory(order=order, provider="bank_transfer", provider_reference="x")

    url = reverse("payments:test_gateway", kwargs={"reference": payment.reference})

    assert customer_client.get(url).status_code == 404


def test_start_payment_amount_is_the_order_total(order, rf_request):
    result = start_payment(order=order, provider_id="test_gateway", request=rf_request)

    payment = Payment.objects.get(order=order)
    assert payment.amount == Decimal("122.00")
    assert result.redirect_url == reverse(
        "payments:test_gateway", kwargs={"reference": payment.reference}
    )


def test_abandoned_attempt_leaves_the_order_payable(customer_client, order):
    customer_client.post(pay_url(order), {"method": "test_gateway"})
    payment = Payment.objects.get(order=order)

    # The customer comes back without choosing on the gateway (closed tab, back button).
    response = customer_client.get(
        reverse("payments:return", kwargs={"reference": payment.reference}) + "?annullato=1",
        follow=True,
    )

    assert response.redirect_chain[-1][0] == pay_url(order)
    assert "Hai interrotto il pagamento" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_return_page_waits_for_an_outcome_not_yet_known(customer_client, order):
    customer_client.post(pay_url(order), {"method": "test_gateway"})
    payment = Payment.objects.get(order=order)

    response = customer_client.get(
        reverse("payments:return", kwargs={"reference": payment.reference})
    )

    assert response.status_code == 200
    assert "Stiamo verificando il pagamento" in response.content.decode()


def test_pay_page_preselects_the_method_chosen_at_checkout(customer_client, order):
    order.payment_method = "bank_transfer"
    order.save(update_fields=["payment_method"])

    response = customer_client.get(pay_url(order))

    assert response.context["form"]["method"].value() == "bank_transfer"
    assert 'value="bank_transfer" required id="id_method_1" checked' in response.content.decode()


def test_paying_with_another_method_becomes_the_order_method(customer_client, order):
    """The order's method is the one the customer is paying with now, so the back-office
    filter by method finds an order whose card was declined and that now waits for a
    transfer, and I MIEI ORDINI shows the method actually chosen."""
    from sportello.orders.models import Order

    assert order.payment_method == "test_gateway"
    customer_client.post(pay_url(order), {"method": "bank_transfer"})

    order.refresh_from_db()
    assert order.payment_method == "bank_transfer"
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert list(Order.objects.filter(payment_method="bank_transfer")) == [order]
    response = customer_client.get(order.get_absolute_url())
    assert response.context["payment_method"] == "Bonifico bancario"
