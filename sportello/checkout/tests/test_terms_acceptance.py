"""The sales contract at the Riepilogo: the terms checkbox, the early-start request, what the
order keeps of them, and the terms PDF sent with the confirmation."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sportello.checkout.tests.conftest import COMPANY_BILLING, set_checkout_state
from sportello.contracts.queries import current_terms
from sportello.core.dates import long_date
from sportello.notifications.actions import deliver
from sportello.notifications.models import OutgoingEmail
from sportello.orders.models import Order

pytestmark = pytest.mark.django_db

REVIEW = reverse("checkout:review")
PLACE = reverse("checkout:place")
TERMS_ERROR = (
    "Per completare l&#x27;acquisto devi accettare le Condizioni generali di vendita: "
    "spunta la casella."
)


@pytest.fixture(autouse=True)
def _payment_methods(settings):
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]


def _posted(client, **extra) -> dict:
    form = client.get(REVIEW).context["form"]
    return {
        "checkout_token": str(form.initial["checkout_token"]),
        "cart_version": form.initial["cart_version"],
        **extra,
    }


def test_without_accepting_the_terms_nothing_is_placed_and_the_error_is_by_the_checkbox(
    ready_client,
):
    response = ready_client.post(PLACE, _posted(ready_client, early_start="on"))

    assert response.status_code == 200
    assert not Order.objects.exists()
    page = response.text
    assert f'<p class="field-error" id="id_accept_terms_error">{TERMS_ERROR}</p>' in page
    assert 'aria-describedby="id_accept_terms_error"' in page
    # The checkbox is far down the page: the summary at the top takes focus and links to it.
    assert 'id="form-errors"' in page
    assert page.index('id="form-errors"') < page.index('id="review-services"')
    assert '<a href="#id_accept_terms">' in page
    # Nothing lost: the early-start choice, the token and the cart are still there.
    assert 'name="early_start" id="id_early_start" checked' in page
    assert "COMPLETA L&#x27;ACQUISTO" in page


def test_the_riepilogo_opens_the_terms_in_the_page_and_states_the_withdrawal_right(
    ready_client,
):
    page = ready_client.get(REVIEW).text
    terms = current_terms()

    assert '<details class="terms-in-page" id="condizioni-generali">' in page
    assert 'href="#condizioni-generali" data-open-terms' in page
    assert f"(versione {terms.version})" in page
    assert "Diritto di recesso" in terms.body and "7. Diritto di recesso" in page
    assert "entro 14 giorni dall'acquisto" in page
    assert "completamente prestati" in page
    # The early-start box is there, unticked.
    assert 'name="early_start"' in page
    assert 'name="early_start" id="id_early_start">' in page


def test_accepted_version_and_time_are_stored_and_shown(ready_client):
    before = timezone.now()
    ready_client.post(PLACE, _posted(ready_client, accept_terms="on"))
    after = timezone.now()

    order = Order.objects.get()
    assert order.terms == current_terms()
    assert before <= order.terms_accepted_at <= after
    assert order.early_start_requested is False

    page = ready_client.get(reverse("orders:detail", kwargs={"number": order.number})).text
    version_url = reverse("contracts:terms_version", kwargs={"version": order.terms.version})
    accepted = timezone.localtime(order.terms_accepted_at)
    assert f'<a href="{version_url}">Condizioni generali di vendita, versione 1.0</a>' in page
    assert f"accettate {long_date(accepted)} alle {accepted:%H:%M}" in page
    # The link leads to that exact text.
    assert ready_client.get(version_url).status_code == 200


def test_the_early_start_request_is_stored(ready_client):
    ready_client.post(PLACE, _posted(ready_client, accept_terms="on", early_start="on"))

    assert Order.objects.get().early_start_requested is True


def test_a_company_gets_no_early_start_box_and_cannot_set_it(ready_client):
    set_checkout_state(ready_client, billing=dict(COMPANY_BILLING), payment_method="test_gateway")
    page = ready_client.get(REVIEW).text
    assert 'name="early_start"' not in page
    assert "Diritto di recesso:" not in page

    ready_client.post(PLACE, _posted(ready_client, accept_terms="on", early_start="on"))

    order = Order.objects.get()
    assert order.early_start_requested is False
    assert order.earliest_start_date is None


def test_the_confirmation_e_mail_carries_the_accepted_terms_as_pdf(ready_client):
    billing = ready_client.session["checkout"]["billing"]
    set_checkout_state(ready_client, billing=billing, payment_method="bank_transfer")
    ready_client.post(PLACE, _posted(ready_client, accept_terms="on"))

    order = Order.objects.get()
    email = OutgoingEmail.objects.get(template="orders/email/confirmation")
    attachment = email.attachments.get()
    assert attachment.filename == "condizioni-generali-di-vendita-v1.0.pdf"
    assert attachment.content_type == "application/pdf"
    assert bytes(attachment.content).startswith(b"%PDF")
    assert "Condizioni generali di vendita accettate: versione 1.0" in email.text_body
    assert f"inizieremo a lavorare da {long_date(order.earliest_start_date)}" in email.text_body

    mail.outbox.clear()
    OutgoingEmail.objects.filter(pk=email.pk).update(status="queued")
    deliver(email.pk)
    sent = mail.outbox[-1]
    assert sent.attachments[0][0] == "condizioni-generali-di-vendita-v1.0.pdf"
    assert sent.attachments[0][1].startswith(b"%PDF")
