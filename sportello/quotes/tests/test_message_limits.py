"""Issue 13.4: a customer cannot flood a quote with messages and 10 MB attachments."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sportello.notifications.models import OutgoingEmail
from sportello.quotes import actions
from sportello.quotes.models import QuoteMessage
from sportello.quotes.tests.factories import QuoteRequestFactory
from sportello.uploads.checks import UploadRejected
from sportello.uploads.limits import MESSAGES_LIMITED
from sportello.uploads.models import Upload

PDF_BYTES = b"%PDF-1.4\n" + b"0" * 1000


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _post(client, quote, body, *, with_file=True):
    data = {"body": body}
    if with_file:
        data["attachment"] = SimpleUploadedFile("planimetria.pdf", PDF_BYTES, "application/pdf")
    return client.post(reverse("quotes:post_message", args=[quote.number]), data)


def test_a_burst_of_messages_with_files_is_stopped(customer_client, quote, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "message": "5/m/user"}
    emails_before = OutgoingEmail.objects.count()

    responses = [_post(customer_client, quote, f"Messaggio {n}") for n in range(35)]

    assert [r.status_code for r in responses] == [302] * 5 + [429] * 30
    assert QuoteMessage.objects.filter(quote=quote).count() == 5
    assert Upload.objects.count() == 5
    assert OutgoingEmail.objects.count() - emails_before == 5
    refused = responses[-1]
    html = refused.content.decode()
    # The reason sits next to the message field, and what was typed is still there.
    assert refused.context["message_form"].errors["body"] == [MESSAGES_LIMITED]
    assert 'aria-describedby="id_body_error' in html or 'id="id_body_error' in html
    assert "Messaggio 34</textarea>" in html


def test_the_limit_is_per_customer(customer_client, client, quote, other_customer, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "message": "2/m/user"}
    for n in range(2):
        _post(customer_client, quote, f"Mio {n}", with_file=False)
    assert _post(customer_client, quote, "Mio 3", with_file=False).status_code == 429
    other_quote = QuoteRequestFactory(customer=other_customer)
    client.force_login(other_customer)
    assert _post(client, other_quote, "Suo", with_file=False).status_code == 302


def test_stored_bytes_per_quote_are_capped(customer_client, quote, settings):
    settings.UPLOAD_MAX_BYTES_PER_CONVERSATION = 2 * len(PDF_BYTES)
    assert _post(customer_client, quote, "Primo").status_code == 302
    assert _post(customer_client, quote, "Secondo").status_code == 302

    response = _post(customer_client, quote, "Terzo, da non perdere")

    assert response.status_code == 400
    errors = response.context["message_form"].errors["attachment"]
    assert errors[0].startswith("Gli allegati di questa conversazione hanno raggiunto il limite")
    assert "Terzo, da non perdere</textarea>" in response.content.decode()
    assert QuoteMessage.objects.filter(quote=quote).count() == 2
    assert Upload.objects.count() == 2
    # Without a file the message still goes.
    assert _post(customer_client, quote, "Terzo", with_file=False).status_code == 302


def test_staff_attachments_do_not_count_against_the_customer(quote, staff, customer, settings):
    settings.UPLOAD_MAX_BYTES_PER_CONVERSATION = len(PDF_BYTES)
    pdf = SimpleUploadedFile("modulo.pdf", PDF_BYTES, "application/pdf")
    actions.post_message(
        quote=quote, author=staff, body="Da firmare", attachment=pdf, is_from_staff=True
    )
    mine = SimpleUploadedFile("firmato.pdf", PDF_BYTES, "application/pdf")
    actions.post_message(quote=quote, author=customer, body="Firmato", attachment=mine)
    again = SimpleUploadedFile("altro.pdf", PDF_BYTES, "application/pdf")
    with pytest.raises(UploadRejected):
        actions.post_message(quote=quote, author=customer, body="Altro", attachment=again)
    assert QuoteMessage.objects.filter(quote=quote).count() == 2
