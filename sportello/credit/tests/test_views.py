"""CREDITO PREPAGATO, buying a top-up through the checkout, and paying from credit at the
checkout and on the pay-again page."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sportello.cart.models import Cart, CartKind
from sportello.cart.tests.conftest import build_appraisal
from sportello.cart.tests.factories import CartLineFactory
from sportello.credit import actions
from sportello.credit.models import CreditMovement, CreditTopUp, MovementKind
from sportello.credit.queries import balance_of
from sportello.credit.tests.conftest import buy_top_up, company_order
from sportello.orders.models import Order, OrderStatus
from sportello.payments.models import Payment, PaymentStatus

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("credit:account")
PAYMENT = reverse("checkout:payment")
REVIEW = reverse("checkout:review")
PLACE = reverse("checkout:place")
REVIEW_PAYMENT = reverse("checkout:review_payment")


def _client(user, password) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _place(client) -> object:
    page = client.get(REVIEW)
    assert page.status_code == 200, page
    form = page.context["form"]
    return client.post(
        PLACE,
        {
            "checkout_token": str(form.initial["checkout_token"]),
            "cart_version": form.initial["cart_version"],
            "accept_terms": "on",
        },
    )


# --- The page ------------------------------------------------------------------------------------


def test_the_administrator_sees_balance_movements_and_the_top_up_form(
    administrator, company, customer_client, staff
):
    from sportello.credit.actions import adjust

    adjust(company=company, amount="10.00", note="Omaggio", actor=staff)
    buy_top_up(administrator, "150.00")

    page = customer_client.get(ACCOUNT)

    assert page.status_code == 200
    text = page.text
    assert 'id="credit-balance">160,00\u00a0€' in text
    assert "Ricarica" in text
    assert 'name="amount"' in text
    assert "+150,00\u00a0€" in text
    # Who topped up: the member by name.
    assert f'<td data-label="Effettuato da">{administrator.display_name}</td>' in text
    # Staff's adjustments are the shop's: no staff member's name.
    assert '<td data-label="Effettuato da">Sportello</td>' in text
    assert staff.display_name not in text


def test_a_viewer_sees_the_balance_but_may_not_top_up(administrator, viewer, password):
    buy_top_up(administrator, "150.00")
    client = _client(viewer, password)

    page = client.get(ACCOUNT)

    assert 'id="credit-balance">150,00\u00a0€' in page.text
    assert 'name="amount"' not in page.text
    assert client.post(ACCOUNT, {"amount": "100"}).status_code == 404


def test_someone_outside_a_company_is_told_what_the_credit_is(customer_client):
    page = customer_client.get(ACCOUNT)
    assert page.status_code == 200
    assert "disponibile per gli account aziendali" in page.text


def test_another_companys_administrator_sees_only_their_own_credit(
    administrator, stranger, password
):
    buy_top_up(administrator, "150.00")
    page = _client(stranger, password).get(ACCOUNT)
    assert 'id="credit-balance">0,00\u00a0€' in page.text
    assert "150,00" not in page.text


def test_a_top_up_amount_out_of_bounds_is_refused_next_to_the_field(administrator, customer_client):
    page = customer_client.post(ACCOUNT, {"amount": "49,99"})

    assert page.status_code == 400
    assert "Indica un importo tra 50,00\u00a0€ e 10.000,00\u00a0€." in page.text
    assert 'value="49,99"' in page.text
    assert not Order.objects.exists()


@pytest.mark.parametrize("count", [1, 25])
def test_the_page_costs_the_same_queries_however_many_movements(
    administrator, company, staff, customer_client, django_assert_num_queries, count
):
    for _ in range(count):
        actions.adjust(company=company, amount="1.00", note="Omaggio", actor=staff)
    # session, user, membership, balance, the movements' count and page (with order and
    # actor), and the site chrome (menu categories, cart badge)
    with django_assert_num_queries(8):
        page = customer_client.get(ACCOUNT)
    assert page.status_code == 200


# --- Buying a top-up -----------------------------------------------------------------------------


def test_a_top_up_goes_through_the_checkout_and_is_credited_when_paid(
    administrator, company, customer_client
):
    response = customer_client.post(ACCOUNT, {"amount": "1.250,00"})
    assert response.status_code == 302
    response = customer_client.get(response["Location"])
    assert response["Location"] == reverse("checkout:billing")
    customer_client.post(reverse("checkout:billing"))  # the company's data, as shown
    methods = customer_client.get(PAYMENT).text
    assert 'value="test_gateway"' in methods
    assert 'value="prepaid_credit"' not in methods  # credit is not bought with credit
    customer_client.post(PAYMENT, {"payment_method": "test_gateway"})
    review = customer_client.get(REVIEW).text
    assert "Ricarica credito prepagato" in review

    response = _place(customer_client)

    order = Order.objects.get()
    assert CreditTopUp.objects.get(order=order).amount == Decimal("1250.00")
    assert order.total_gross == Decimal("1250.00")
    assert order.total_vat == Decimal("0.00")
    gateway = customer_client.get(response["Location"])
    assert gateway.status_code == 200
    customer_client.post(response["Location"], {"decision": "authorize"})
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED  # credited at once
    assert balance_of(company) == Decimal("1250.00")
    # Nothing of the catalogue to buy again: no "Ordina di nuovo" on the top-up's page.
    page = customer_client.get(reverse("orders:detail", kwargs={"number": order.number})).text
    assert "Ordina di nuovo" not in page
    # A voucher is not subject to VAT: the line says so, not "IVA 0% inclusa".
    assert "non soggetto a IVA" in page
    assert "IVA 0% inclusa" not in page


# --- Paying from credit --------------------------------------------------------------------------


@pytest.fixture
def cart(administrator):
    """An urgent appraisal: 130,00 + 28,60 = 158,60 €."""
    cart = Cart.objects.create(user=administrator, kind=CartKind.PURCHASE)
    CartLineFactory(
        cart=cart,
        service=build_appraisal(slug="perizia-immobiliare"),
        answers={"comune": "Bologna", "urgenza": "urgente", "note": ""},
    )
    return cart


def test_paying_from_credit_at_checkout(administrator, company, cart, customer_client):
    buy_top_up(administrator, "200.00")
    customer_client.post(reverse("checkout:billing"))
    page = html.unescape(customer_client.get(PAYMENT).text)
    assert 'value="prepaid_credit"' in page
    # The balance, and what is left after this order, in the option's label (read with it).
    option = re.search(
        r'<label for="id_payment_method_\d">[^<]*<input[^>]*value="prepaid_credit"'
        r".*?</label>",
        page,
        re.S,
    )
    assert option is not None
    assert "Saldo 200,00\xa0€: dopo questo ordine (158,60\xa0€) restano 41,40\xa0€." in option[0]
    customer_client.post(PAYMENT, {"payment_method": "prepaid_credit"})
    review = html.unescape(customer_client.get(REVIEW).text)
    assert (
        "Credito prepagato dell'azienda: saldo 200,00\xa0€. Pagando questo ordine "
        "(158,60\xa0€) con il credito restano 41,40\xa0€." in review
    )
    assert "viene registrato e pagato subito con il credito prepagato dell'azienda" in review

    response = _place(customer_client)

    order = Order.objects.exclude(credit_top_up__isnull=False).get()
    assert response["Location"] == reverse("orders:confirmation", kwargs={"number": order.number})
    assert order.status == OrderStatus.PAID
    assert balance_of(company) == Decimal("41.40")
    assert CreditMovement.objects.get(kind=MovementKind.PAYMENT).amount == Decimal("-158.60")


def test_credit_is_not_offered_when_it_does_not_cover_the_cart(
    administrator, company, cart, customer_client
):
    buy_top_up(administrator, "150.00")
    customer_client.post(reverse("checkout:billing"))
    page = customer_client.get(PAYMENT).text
    assert 'value="prepaid_credit"' not in page
    # Said, not left out silently: what there is, what it takes, and where to top up.
    assert (
        "Il credito prepagato dell'azienda (150,00\xa0€) non basta per questo ordine "
        "(158,60\xa0€)" in page
    )
    assert reverse("credit:account") in page
    page = customer_client.post(PAYMENT, {"payment_method": "prepaid_credit"})
    assert page.status_code == 200  # the form refuses a method it does not offer
    assert customer_client.get(REVIEW)["Location"] == PAYMENT
    # The same note where the method is changed on the Riepilogo.
    customer_client.post(PAYMENT, {"payment_method": "bank_transfer"})
    assert "non basta per questo ordine" in customer_client.get(REVIEW_PAYMENT).text


def test_credit_spent_before_the_order_is_placed_sends_back_to_payment_saying_why(
    administrator, company, cart, customer_client
):
    buy_top_up(administrator, "200.00")
    customer_client.post(reverse("checkout:billing"))
    customer_client.post(PAYMENT, {"payment_method": "prepaid_credit"})
    page = customer_client.get(REVIEW)
    form = page.context["form"]
    # A colleague spends part of the credit while this Riepilogo is open.
    actions.adjust(company=company, amount="-100.00", note="Prova", actor=administrator)

    response = customer_client.post(
        PLACE,
        {
            "checkout_token": str(form.initial["checkout_token"]),
            "cart_version": form.initial["cart_version"],
            "accept_terms": "on",
        },
    )

    assert response["Location"] == PAYMENT
    assert not Order.objects.exclude(credit_top_up__isnull=False).exists()
    page = customer_client.get(PAYMENT)
    assert "Il metodo di pagamento scelto non è più disponibile" in page.text
    assert 'value="prepaid_credit"' not in page.text


def test_credit_is_not_offered_outside_a_company(customer, customer_client, db):
    cart = Cart.objects.create(user=customer, kind=CartKind.PURCHASE)
    CartLineFactory(cart=cart, service=build_appraisal(slug="perizia"), answers={})
    page = customer_client.get(PAYMENT).text
    assert 'value="prepaid_credit"' not in page
    assert "credito prepagato" not in page.lower()


def test_no_credit_note_for_a_company_that_never_topped_up(administrator, cart, customer_client):
    customer_client.post(reverse("checkout:billing"))
    assert "non basta per questo ordine" not in customer_client.get(PAYMENT).text


def test_the_pay_again_page_pays_from_credit_after_a_confirmation(
    administrator, company, customer_client
):
    buy_top_up(administrator, "200.00")
    order = company_order(administrator, company, "100.00")
    pay_page = reverse("payments:pay", kwargs={"number": order.number})
    assert "Credito prepagato" in customer_client.get(pay_page).text

    response = customer_client.post(pay_page, {"method": "prepaid_credit"})

    confirm_url = reverse("payments:pay_with_credit", kwargs={"number": order.number})
    assert response["Location"] == confirm_url
    page = customer_client.get(confirm_url)
    assert 'id="credit-amount">122,00\u00a0€' in page.text
    assert 'id="credit-balance">200,00\u00a0€' in page.text
    assert customer_client.post(confirm_url).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    # The attempt opened by the pay page is the one confirmed: no second attempt.
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.CONFIRMED
    assert balance_of(company) == Decimal("78.00")


def test_another_companys_member_gets_404_on_the_credit_payment_page(
    administrator, company, stranger, password
):
    buy_top_up(administrator, "200.00")
    order = company_order(administrator, company, "100.00")
    url = reverse("payments:pay_with_credit", kwargs={"number": order.number})
    client = _client(stranger, password)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert balance_of(company) == Decimal("200.00")


def test_credit_is_never_offered_for_a_top_up_even_with_a_balance(administrator, buyer, viewer):
    from sportello.credit.purchase import TopUpPurchase
    from sportello.payments.providers.registry import get_provider

    buy_top_up(administrator, "500.00")
    provider = get_provider("prepaid_credit")

    top_up = TopUpPurchase(customer=administrator, amount="100.00")
    assert not provider.is_offered_at_checkout(customer=administrator, source=top_up)
    for user, offered in ((administrator, True), (buyer, True), (viewer, False)):
        source = type("Source", (), {"total": top_up.total})()  # any source but a top-up
        assert provider.is_offered_at_checkout(customer=user, source=source) is offered
