"""The checkout's steps: where PROCEDI ALL'ACQUISTO leads, and that no step can be skipped."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from sportello.accounts.models import BillingProfile
from sportello.cart.models import Cart, CartKind
from sportello.cart.tests.factories import CartLineFactory
from sportello.checkout.tests.conftest import (
    CF_MARIO,
    PERSON_BILLING,
    checkout_state,
    set_checkout_state,
)

pytestmark = pytest.mark.django_db

START = reverse("checkout:start")
BILLING = reverse("checkout:billing")
PAYMENT = reverse("checkout:payment")
REVIEW = reverse("checkout:review")
CART = reverse("cart:detail")
LOGIN = f"{reverse('checkout:login')}?{urlencode({'next': START})}"


@pytest.fixture(autouse=True)
def _payment_methods(settings):
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]


def test_cart_proceeds_to_checkout(customer_client, customer_cart):
    page = customer_client.get(CART)
    assert f'href="{START}"' in page.text
    assert "PROCEDI ALL&#x27;ACQUISTO" in page.text or "PROCEDI ALL'ACQUISTO" in page.text


def test_start_sends_a_visitor_to_log_in_or_register(client, appraisal):
    cart = Cart.objects.create(kind=CartKind.PURCHASE)
    CartLineFactory(cart=cart, service=appraisal)
    session = client.session
    session["cart_ids"] = {"purchase": cart.pk}
    session.save()

    response = client.get(START, follow=True)

    assert response.redirect_chain == [(LOGIN, 302)]
    assert "Per completare l&#x27;acquisto accedi" in response.text
    assert "Registrati" in response.text


@pytest.mark.parametrize("url", [BILLING, PAYMENT, REVIEW])
def test_a_visitor_cannot_open_a_step(client, appraisal, url):
    cart = Cart.objects.create(kind=CartKind.PURCHASE)
    CartLineFactory(cart=cart, service=appraisal)
    session = client.session
    session["cart_ids"] = {"purchase": cart.pk}
    session.save()

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == LOGIN


@pytest.mark.parametrize("url", [START, BILLING, PAYMENT, REVIEW])
def test_an_empty_cart_goes_back_to_the_cart(customer_client, url):
    response = customer_client.get(url, follow=True)
    assert response.redirect_chain == [(CART, 302)]
    assert "Il carrello è vuoto: aggiungi un servizio per procedere all&#x27;acquisto." in (
        response.text
    )


def test_a_line_to_be_checked_goes_back_to_the_cart(customer_client, customer_cart, appraisal):
    from sportello.catalogue.tests.factories import FormFieldFactory

    # A new required question the stored answers do not have.
    FormFieldFactory(service=appraisal, key="nuova_domanda", is_required=True)
    appraisal.form_version += 1
    appraisal.save()
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING), payment_method="test_gateway")

    response = customer_client.get(REVIEW, follow=True)

    assert response.redirect_chain == [(CART, 302)]
    assert "Alcuni servizi del carrello vanno verificati" in response.text


def test_a_line_now_on_quote_goes_back_to_the_cart(customer_client, customer_cart, appraisal):
    appraisal.pricing_mode = "quote"
    appraisal.net_price = None
    appraisal.save()

    response = customer_client.get(START)

    assert response["Location"] == CART


def test_start_goes_to_the_first_step_not_done(customer_client, customer_cart):
    assert customer_client.get(START)["Location"] == BILLING
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING))
    assert customer_client.get(START)["Location"] == PAYMENT
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING), payment_method="test_gateway")
    assert customer_client.get(START)["Location"] == REVIEW


def test_review_without_billing_goes_to_billing(customer_client, customer_cart):
    set_checkout_state(customer_client, payment_method="test_gateway")
    assert customer_client.get(REVIEW)["Location"] == BILLING
    assert customer_client.get(PAYMENT)["Location"] == BILLING


def test_review_without_payment_method_goes_to_payment(customer_client, customer_cart):
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING))
    assert customer_client.get(REVIEW)["Location"] == PAYMENT


def test_stored_billing_data_that_no_longer_validates_is_not_complete(
    customer_client, customer_cart
):
    broken = {**PERSON_BILLING, "codice_fiscale": CF_MARIO[:-1] + "X"}
    set_checkout_state(customer_client, billing=broken, payment_method="test_gateway")
    assert customer_client.get(REVIEW)["Location"] == BILLING


def test_a_payment_method_switched_off_is_not_complete(customer_client, customer_cart, settings):
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING), payment_method="stripe")
    assert customer_client.get(REVIEW)["Location"] == PAYMENT
    settings.PAYMENT_METHODS = ["bank_transfer"]
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING), payment_method="test_gateway")
    assert customer_client.get(REVIEW)["Location"] == PAYMENT


def test_progress_shows_the_steps_and_marks_the_current_one(customer_client, customer_cart):
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING))
    page = customer_client.get(PAYMENT)
    text = page.text
    assert 'aria-label="Passaggi dell\'acquisto"' in text
    assert '<li class="is-done">' in text
    assert f'<a href="{BILLING}">Dati di Fatturazione</a>' in text
    assert 'class="is-current" aria-current="step"' in text
    assert "<span>Riepilogo</span>" in text


# --- Billing step ------------------------------------------------------------------------------


def test_billing_is_prefilled_from_the_account_when_there_is_no_profile(
    customer_client, customer_cart
):
    page = customer_client.get(BILLING)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["first_name"] == "Mario"
    assert form.initial["last_name"] == "Rossi"
    assert form.initial["kind"] == "person"
    # No saved data yet: offer to save it, ticked.
    assert form.initial["save_profile"] is True
    assert 'name="save_profile" id="id_save_profile" checked' in page.text
    assert "Salva questi dati per i prossimi acquisti" in page.text


def test_billing_is_prefilled_from_the_saved_profile(
    customer_client, customer_cart, person_profile
):
    page = customer_client.get(BILLING)
    form = page.context["form"]
    assert {name: form.initial[name] for name in PERSON_BILLING} == PERSON_BILLING
    assert form.initial["save_profile"] is False
    assert f'value="{CF_MARIO}"' in page.text
    assert 'name="save_profile" id="id_save_profile" checked' not in page.text


def test_billing_saves_the_profile_on_request(customer_client, customer_cart, customer):
    response = customer_client.post(BILLING, {**PERSON_BILLING, "save_profile": "on"})

    assert response.status_code == 302
    # Straight on to the next step, without the hop through checkout:start.
    assert response["Location"] == PAYMENT
    assert checkout_state(customer_client)["billing"] == PERSON_BILLING
    profile = BillingProfile.objects.get(user=customer)
    assert {name: getattr(profile, name) for name in PERSON_BILLING} == PERSON_BILLING
    assert customer_client.get(START)["Location"] == PAYMENT


def test_billing_updates_the_saved_profile_on_request(
    customer_client, customer_cart, person_profile
):
    changed = {**PERSON_BILLING, "address": "Via Rizzoli 1", "cap": "40125"}
    customer_client.post(BILLING, {**changed, "save_profile": "on"})
    person_profile.refresh_from_db()
    assert (person_profile.address, person_profile.cap) == ("Via Rizzoli 1", "40125")
    assert BillingProfile.objects.count() == 1


def test_billing_without_saving_leaves_the_profile_alone(
    customer_client, customer_cart, person_profile
):
    changed = {**PERSON_BILLING, "address": "Via Rizzoli 1"}
    response = customer_client.post(BILLING, changed)

    assert response["Location"] == PAYMENT
    assert checkout_state(customer_client)["billing"]["address"] == "Via Rizzoli 1"
    person_profile.refresh_from_db()
    assert person_profile.address == "Via Indipendenza 12"


def test_invalid_billing_shows_errors_next_to_fields_and_keeps_what_was_typed(
    customer_client, customer_cart, customer
):
    typed = {
        **PERSON_BILLING,
        "kind": "company",
        "company_name": "Acme Immobiliare S.r.l.",
        "partita_iva": "00743110158",
        "codice_fiscale": "00743110157",
        "sdi_code": "",
        "pec": "",
        "cap": "401",
        "save_profile": "on",
    }
    page = customer_client.post(BILLING, typed)

    assert page.status_code == 200
    text = page.text
    assert "Il modulo contiene errori." in text
    assert (
        '<p class="field-error" id="id_partita_iva_error">'
        "La partita IVA non è valida: controlla le cifre inserite.</p>"
    ) in text
    assert '<p class="field-error" id="id_cap_error">' in text
    assert '<p class="field-error" id="id_sdi_code_error">' in text
    assert "Per la fattura elettronica indica il codice destinatario SDI oppure la PEC." in text
    for value in ("Acme Immobiliare S.r.l.", "00743110158", "401", "Via Indipendenza 12"):
        assert f'value="{value}"' in text
    assert 'value="company" id="id_kind_1" checked' in text
    # Nothing was stored or saved.
    assert checkout_state(customer_client) is None
    assert not BillingProfile.objects.filter(user=customer).exists()


# --- Payment step ------------------------------------------------------------------------------


def test_payment_offers_the_enabled_methods(customer_client, customer_cart):
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING))
    page = customer_client.get(PAYMENT)
    text = page.text
    assert 'type="radio" name="payment_method" value="test_gateway"' in text
    assert 'type="radio" name="payment_method" value="bank_transfer"' in text
    assert "Bonifico bancario" in text
    assert 'value="stripe"' not in text


def test_payment_choice_is_kept_and_leads_to_the_review(customer_client, customer_cart):
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING))
    response = customer_client.post(PAYMENT, {"payment_method": "bank_transfer"})
    assert response["Location"] == REVIEW
    assert checkout_state(customer_client)["payment_method"] == "bank_transfer"
    assert customer_client.get(START)["Location"] == REVIEW


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({}, "Scegli come vuoi pagare."),
        ({"payment_method": "stripe"}, "Questo metodo di pagamento non è disponibile"),
    ],
)
def test_payment_choice_must_be_an_enabled_method(customer_client, customer_cart, posted, message):
    set_checkout_state(customer_client, billing=dict(PERSON_BILLING))
    page = customer_client.post(PAYMENT, posted)
    assert page.status_code == 200
    assert message in page.text
    assert checkout_state(customer_client)["payment_method"] == ""
