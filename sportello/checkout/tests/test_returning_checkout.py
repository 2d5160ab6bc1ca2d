"""A returning customer (issue 15): saved billing data and the last payment method take
"PROCEDI ALL'ACQUISTO" straight to the Riepilogo, where both are changed in place."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sportello.accounts.models import BillingProfile
from sportello.cart.tests.factories import CartLineFactory
from sportello.checkout.queries import last_used_payment_method
from sportello.checkout.tests.conftest import (
    COMPANY_BILLING,
    PERSON_BILLING,
    STANDARD,
    checkout_state,
    set_checkout_state,
)
from sportello.orders.tests.factories import OrderFactory
from sportello.payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

START = reverse("checkout:start")
BILLING = reverse("checkout:billing")
PAYMENT = reverse("checkout:payment")
REVIEW = reverse("checkout:review")
REVIEW_BILLING = reverse("checkout:review_billing")
REVIEW_PAYMENT = reverse("checkout:review_payment")


@pytest.fixture(autouse=True)
def _payment_methods(settings):
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    settings.BANK_TRANSFER_IBAN = "IT60X0542811101000000123456"
    settings.BANK_TRANSFER_BENEFICIARY = "Sportello Servizi S.r.l."


@pytest.fixture
def returning(customer, customer_cart, person_profile):
    """Saved billing data and a past order paid by bank transfer."""
    OrderFactory(customer=customer, payment_method="bank_transfer")
    return customer


def test_last_used_method_is_the_latest_attempt_else_the_latest_order(customer, other_customer):
    assert last_used_payment_method(customer) == ""
    now = timezone.now()
    older = OrderFactory(customer=customer, payment_method="test_gateway")
    OrderFactory(
        customer=customer, payment_method="bank_transfer", placed_at=now - dt.timedelta(days=3)
    )
    assert last_used_payment_method(customer) == "test_gateway"
    # The attempt says more than the order: the customer may have switched on the pay page.
    PaymentFactory(order=older, provider="bank_transfer")
    assert last_used_payment_method(customer) == "bank_transfer"
    # Never another customer's.
    assert last_used_payment_method(other_customer) == ""


def test_returning_customer_goes_from_the_cart_straight_to_the_review(customer_client, returning):
    response = customer_client.get(START)
    assert response.status_code == 302
    assert response["Location"] == REVIEW
    state = checkout_state(customer_client)
    assert state["billing"] == PERSON_BILLING
    assert state["payment_method"] == "bank_transfer"
    page = customer_client.get(REVIEW)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<dt>Nome e cognome</dt><dd>Mario Rossi</dd>" in text
    assert "Bonifico bancario" in text


def test_first_purchase_still_asks_for_billing_data(customer_client, customer_cart, person_profile):
    response = customer_client.get(START)
    assert response["Location"] == BILLING
    assert checkout_state(customer_client) is None


def test_no_saved_billing_data_still_asks_for_them(customer_client, customer, customer_cart):
    OrderFactory(customer=customer, payment_method="bank_transfer")
    assert customer_client.get(START)["Location"] == BILLING


def test_a_method_no_longer_offered_is_not_chosen(customer_client, returning, settings):
    settings.PAYMENT_METHODS = ["test_gateway"]
    assert customer_client.get(START)["Location"] == BILLING
    assert checkout_state(customer_client) is None


def test_saved_data_that_no_longer_validate_are_asked_again(customer_client, returning):
    BillingProfile.objects.filter(user=returning).update(codice_fiscale="RSSMRA85T10A562X")
    assert customer_client.get(START)["Location"] == BILLING
    assert checkout_state(customer_client) is None


def test_what_this_checkout_holds_is_kept(customer_client, returning):
    set_checkout_state(customer_client, billing=dict(COMPANY_BILLING), payment_method="")
    assert customer_client.get(START)["Location"] == REVIEW
    state = checkout_state(customer_client)
    assert state["billing"] == COMPANY_BILLING
    assert state["payment_method"] == "bank_transfer"


def test_every_step_shows_the_order_summary(customer_client, customer_cart):
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING))
    for url in (BILLING, PAYMENT):
        text = customer_client.get(url).content.decode()
        assert 'aria-labelledby="order-summary-title"' in text
        assert "Perizia immobiliare" in text
        assert '<dd class="num">130,00\u00a0€</dd>' in text
        assert '<dd class="num">28,60\u00a0€</dd>' in text
        assert "data-summary-total>158,60\u00a0€</dd>" in text


# --- Changing billing data and payment method on the Riepilogo ---------------------------------


@pytest.fixture
def at_review(customer_client, returning):
    customer_client.get(START)
    return customer_client


def test_modifica_billing_with_htmx_returns_the_card_with_the_form(at_review):
    response = at_review.get(REVIEW_BILLING, headers={"HX-Request": "true"})
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith('<section class="card review-card" id="review-billing-card"')
    assert 'value="Via Indipendenza 12"' in text
    assert "<html" not in text


def test_modifica_billing_without_javascript_shows_the_review_with_the_form(at_review):
    response = at_review.get(REVIEW_BILLING)
    text = response.content.decode()
    assert "<h1>Riepilogo dell&#x27;ordine</h1>" in text or "Riepilogo dell'ordine</h1>" in text
    assert f'action="{REVIEW_BILLING}"' in text
    assert "COMPLETA L" in text


def test_bad_billing_data_are_shown_again_with_the_error_and_change_nothing(at_review):
    posted = {**PERSON_BILLING, "codice_fiscale": "XXX", "address": "Via Nuova 3"}
    response = at_review.post(REVIEW_BILLING, posted, headers={"HX-Request": "true"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="review-billing-card"' in text
    assert 'aria-invalid="true"' in text
    assert 'value="Via Nuova 3"' in text  # nothing typed is lost
    assert checkout_state(at_review)["billing"] == PERSON_BILLING


def test_billing_saved_with_htmx_swaps_the_whole_review(at_review):
    response = at_review.post(REVIEW_BILLING, COMPANY_BILLING, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#review-page"
    assert response["HX-Reselect"] == "#review-page"
    text = response.content.decode()
    assert "<dt>Ragione sociale</dt><dd>Acme Immobiliare S.r.l.</dd>" in text
    assert "Dati di fatturazione aggiornati." in text
    # A business buyer waives no withdrawal period: that checkbox is gone.
    assert 'name="early_start"' not in text
    assert checkout_state(at_review)["billing"]["kind"] == "company"
    # Not saved to the profile unless asked.
    assert BillingProfile.objects.get(user=at_review.session["_auth_user_id"]).kind == "person"


def test_billing_saved_without_javascript_goes_back_to_the_review(at_review):
    response = at_review.post(REVIEW_BILLING, {**COMPANY_BILLING, "save_profile": "on"})
    assert response.status_code == 302
    assert response["Location"] == REVIEW
    profile = BillingProfile.objects.get(user=at_review.session["_auth_user_id"])
    assert profile.company_name == "Acme Immobiliare S.r.l."


def test_payment_method_changed_in_place(at_review):
    response = at_review.get(REVIEW_PAYMENT, headers={"HX-Request": "true"})
    assert 'id="review-payment-card"' in response.content.decode()
    response = at_review.post(
        REVIEW_PAYMENT, {"payment_method": "test_gateway"}, headers={"HX-Request": "true"}
    )
    assert response["HX-Retarget"] == "#review-page"
    assert checkout_state(at_review)["payment_method"] == "test_gateway"


def test_unknown_payment_method_is_refused_next_to_the_field(at_review):
    response = at_review.post(REVIEW_PAYMENT, {"payment_method": "cash"})
    assert response.status_code == 200
    assert "Questo metodo di pagamento non è disponibile" in response.content.decode()
    assert checkout_state(at_review)["payment_method"] == "bank_transfer"


def test_review_edits_need_a_login(client):
    assert client.get(REVIEW_BILLING)["Location"] == START
    assert client.post(REVIEW_PAYMENT, {"payment_method": "test_gateway"})["Location"] == START


@pytest.mark.parametrize("url", [BILLING, PAYMENT, REVIEW_BILLING, REVIEW_PAYMENT])
def test_step_queries_do_not_grow_with_lines(
    customer_client, customer_cart, appraisal, url, django_assert_num_queries
):
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING), payment_method="test_gateway")
    customer_client.get(url)  # the review's token is created once
    with CaptureQueriesContext(connection) as one_line:
        customer_client.get(url)
    for _ in range(3):
        CartLineFactory(cart=customer_cart, service=appraisal, answers=dict(STANDARD))
    with django_assert_num_queries(len(one_line.captured_queries)):
        page = customer_client.get(url)
    assert "524,60\u00a0€" in page.text


def test_review_edits_wait_for_the_earlier_steps(customer_client, customer_cart):
    # No billing data yet: the Riepilogo's forms are not a way around the billing step.
    response = customer_client.post(REVIEW_PAYMENT, {"payment_method": "test_gateway"})
    assert response["Location"] == BILLING
    assert checkout_state(customer_client) is None
    response = customer_client.get(REVIEW_BILLING, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == BILLING


def test_a_company_member_s_billing_step_shows_the_order_summary(
    customer_client, customer_cart, customer_company
):
    """Buying for the company: the billing data are the company's (shown, not edited) and the
    order summary is beside them, as on every step."""
    text = customer_client.get(BILLING).content.decode()
    assert "Acquisti per l'account aziendale di" in text
    assert 'aria-labelledby="order-summary-title"' in text
    assert "data-summary-total>158,60\u00a0€</dd>" in text
