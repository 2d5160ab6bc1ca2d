"""I MIEI PREVENTIVI: list, detail, PDF, message thread, and the owner check on every URL."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sportello.core.dates import long_date
from sportello.core.seller import seller
from sportello.core.state import InvalidTransition
from sportello.core.tests.pdf import is_tagged
from sportello.notifications.models import OutgoingEmail
from sportello.quotes import actions
from sportello.quotes.models import QuoteMessage, QuoteRequest, QuoteStatus
from sportello.quotes.pdf import quote_pdf_html, render_quote_document
from sportello.quotes.tests.conftest import price_quote
from sportello.quotes.tests.factories import QuoteLineFactory, QuoteRequestFactory
from sportello.uploads.models import Upload

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name="documento.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def test_list_shows_number_date_status_and_validity(customer_client, customer, ready_quote):
    other = QuoteRequestFactory(customer=customer)
    response = customer_client.get(reverse("quotes:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert ready_quote.number in html and other.number in html
    assert "Pronto" in html and "Inviata" in html
    assert long_date(ready_quote.valid_until) in html


def test_list_hides_other_customers_quotes(customer_client, other_customer):
    foreign = QuoteRequestFactory(customer=other_customer)
    html = customer_client.get(reverse("quotes:list")).content.decode()
    assert foreign.number not in html
    assert "Non hai ancora richiesto preventivi" in html


def test_list_query_count_does_not_grow(customer_client, customer, django_assert_num_queries):
    QuoteRequestFactory(customer=customer)
    # session, user, paginator count, the page of quotes, menu categories, cart counts
    with django_assert_num_queries(6):
        customer_client.get(reverse("quotes:list"))
    QuoteRequestFactory.create_batch(6, customer=customer)
    with django_assert_num_queries(6):
        response = customer_client.get(reverse("quotes:list"))
    assert len(response.context["page"].object_list) == 7


def test_detail_before_pricing(customer_client, quote):
    response = customer_client.get(quote.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Perizia di stima" in html and "Visura catastale" in html
    assert "Via Roma 1, Bologna" in html
    assert "Serve entro fine mese." in html
    assert "In preparazione" in html
    assert "ACCETTA IL PREVENTIVO" not in html
    assert reverse("quotes:pdf", args=[quote.number]) not in html
    assert customer_client.get(reverse("quotes:pdf", args=[quote.number])).status_code == 404


def test_detail_once_priced(customer_client, ready_quote):
    html = customer_client.get(ready_quote.get_absolute_url()).content.decode()
    assert "122,00\u00a0€" in html and "40,66\u00a0€" in html
    assert 'id="quote-total-net">133,33\u00a0€' in html
    assert 'id="quote-total-vat">29,33\u00a0€' in html
    assert 'id="quote-total-gross">162,66\u00a0€' in html
    assert "22%" in html
    assert "Sopralluogo incluso." in html
    assert long_date(ready_quote.valid_until) in html
    assert "ACCETTA IL PREVENTIVO" in html
    assert "RIFIUTA IL PREVENTIVO" in html
    assert reverse("quotes:pdf", args=[ready_quote.number]) in html


def test_pdf_renders(customer_client, ready_quote):
    response = customer_client.get(reverse("quotes:pdf", args=[ready_quote.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"preventivo-{ready_quote.number}.pdf" in response["Content-Disposition"]
    assert is_tagged(response.content)


def test_pdf_shows_the_quote_and_a_typical_one_fits_on_one_page(customer, staff):
    """Two services with a dozen answers each: one A4 page, no page left with a stray line."""
    answers = [
        {"label": f"Domanda numero {index}", "value": f"Risposta {index}", "file_id": None}
        for index in range(12)
    ]
    quote = QuoteRequestFactory(customer=customer)
    QuoteLineFactory(quote=quote, service_name="Due diligence immobiliare", answers_display=answers)
    QuoteLineFactory(
        quote=quote,
        service_name="Perizia per contenzioso e consulenza tecnica di parte",
        answers_display=answers,
    )
    price_quote(
        quote,
        staff,
        prices=[("2500.00", "22.00"), ("1234.50", "10.00")],
        notes="Comprende il sopralluogo.\nPagamento anticipato.",
    )
    quote.refresh_from_db()
    html = quote_pdf_html(quote)
    for amount in (
        "2.500,00\u00a0€",
        "3.050,00\u00a0€",
        "1.234,50\u00a0€",
        "1.357,95\u00a0€",
        "4.407,95\u00a0€",
    ):
        assert amount in html
    assert "Comprende il sopralluogo." in html
    # The seller's legal data are the invoices' (INVOICE_SELLER_*), as in the footer.
    assert f"P.IVA {seller().vat_number}" in html
    assert seller().name in html
    # The PDF keeps the compact date of printed documents.
    assert quote.valid_until.strftime("%d/%m/%Y") in html
    assert len(render_quote_document(quote).pages) == 1


def test_expired_ready_quote_cannot_be_accepted_from_the_page(customer_client, ready_quote):
    QuoteRequest.objects.filter(pk=ready_quote.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    html = customer_client.get(ready_quote.get_absolute_url()).content.decode()
    assert "ACCETTA IL PREVENTIVO" not in html
    assert "non può più essere accettato" in html


def test_accepted_quote_past_validity_offers_no_purchase(customer_client, customer, ready_quote):
    """Accepted but never bought, and the validity has passed since: the page must not lead
    into a checkout that would refuse it, even before the periodic task marks it scaduto."""
    actions.accept_quote(quote=ready_quote, customer=customer, version=1)
    checkout_url = reverse("checkout:start_quote", args=[ready_quote.number])
    assert checkout_url in customer_client.get(ready_quote.get_absolute_url()).content.decode()
    QuoteRequest.objects.filter(pk=ready_quote.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    html = customer_client.get(ready_quote.get_absolute_url()).content.decode()
    assert checkout_url not in html
    assert "Hai accettato il preventivo" not in html
    assert "non può più essere" in html
    ready_quote.refresh_from_db()
    assert ready_quote.status == QuoteStatus.ACCEPTED


# --- Message thread -------------------------------------------------------------------------


def test_customer_message_with_attachment_notifies_staff(
    customer_client, quote, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(
            reverse("quotes:post_message", args=[quote.number]),
            {"body": "Vi allego la planimetria.", "attachment": _pdf("planimetria.pdf")},
        )
    assert response.status_code == 302
    message = QuoteMessage.objects.get()
    assert (message.body, message.is_from_staff, message.author) == (
        "Vi allego la planimetria.",
        False,
        quote.customer,
    )
    assert message.attachment_name == "planimetria.pdf"
    assert message.attachment_size == len(PDF_BYTES)
    email = OutgoingEmail.objects.get()
    assert email.to == settings.STAFF_NOTIFICATION_EMAIL
    assert "Vi allego la planimetria." in email.text_body
    assert "planimetria.pdf" in email.text_body
    assert [m.to for m in mail.outbox] == [[settings.STAFF_NOTIFICATION_EMAIL]]

    download = customer_client.get(
        reverse("quotes:message_attachment", args=[quote.number, message.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert "planimetria.pdf" in download["Content-Disposition"]
    page = customer_client.get(quote.get_absolute_url()).content.decode()
    assert "Vi allego la planimetria." in page


def test_staff_message_notifies_the_customer(staff_client, quote, customer):
    response = staff_client.post(
        reverse("admin:quotes_quoterequest_message", args=[quote.pk]),
        {"body": "Ci serve la visura aggiornata.", "attachment": _pdf("modulo.pdf")},
    )
    assert response.status_code == 302
    message = QuoteMessage.objects.get()
    assert message.is_from_staff
    email = OutgoingEmail.objects.get()
    assert email.to == customer.email
    assert "Ci serve la visura aggiornata." in email.text_body
    assert f"/il-mio-account/preventivi/{quote.number}/#messaggi" in email.text_body
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT  # a plain message does not move the quote


def test_staff_asks_for_details_and_the_quote_goes_back_to_work(staff_client, ready_quote):
    staff_client.post(
        reverse("admin:quotes_quoterequest_message", args=[ready_quote.pk]),
        {"body": "Qual è la superficie?", "ask_for_details": "on"},
    )
    ready_quote.refresh_from_db()
    assert ready_quote.status == QuoteStatus.IN_PROGRESS
    change = ready_quote.status_changes.last()
    assert (change.from_status, change.to_status) == (QuoteStatus.READY, QuoteStatus.IN_PROGRESS)


@pytest.mark.parametrize("closed", [QuoteStatus.DECLINED, QuoteStatus.CANCELLED])
def test_asking_details_on_a_closed_quote_stores_nothing(settings, staff, quote, closed):
    QuoteRequest.objects.filter(pk=quote.pk).update(status=closed)
    quote.refresh_from_db()
    with pytest.raises(InvalidTransition):
        actions.ask_for_details(
            quote=quote, actor=staff, body="Ci manda la planimetria?", attachment=_pdf()
        )
    assert not QuoteMessage.objects.exists()
    assert not OutgoingEmail.objects.exists()
    stored = [path for path in settings.PRIVATE_MEDIA_ROOT.rglob("*") if path.is_file()]
    assert stored == []


def test_on_a_closed_quote_staff_are_not_offered_to_ask_for_details(staff_client, quote):
    QuoteRequest.objects.filter(pk=quote.pk).update(status=QuoteStatus.DECLINED)
    url = reverse("admin:quotes_quoterequest_message", args=[quote.pk])
    assert 'name="ask_for_details"' not in staff_client.get(url).content.decode()
    # A form sent with it anyway (an old tab) sends the message: asking is just not possible.
    staff_client.post(url, {"body": "Il lavoro è partito.", "ask_for_details": "on"})
    assert QuoteMessage.objects.get().body == "Il lavoro è partito."


def test_a_quote_closed_meanwhile_keeps_the_staff_s_message_in_the_form(
    staff_client, ready_quote, monkeypatch
):
    """The form offered "Chiedi dettagli", the quote moved before it was sent: the message is
    shown again with the reason, nothing is sent or lost."""

    def closed_meanwhile(**kwargs):
        raise InvalidTransition(ready_quote, QuoteStatus.ORDERED, QuoteStatus.IN_PROGRESS)

    monkeypatch.setattr(actions, "ask_for_details", closed_meanwhile)
    response = staff_client.post(
        reverse("admin:quotes_quoterequest_message", args=[ready_quote.pk]),
        {"body": "Qual è la superficie esatta?", "ask_for_details": "on"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Qual è la superficie esatta?" in html
    assert "Non si possono più chiedere dettagli" in html
    assert not QuoteMessage.objects.exists()


def test_thread_both_ways(customer_client, staff, quote, customer):
    customer_client.post(reverse("quotes:post_message", args=[quote.number]), {"body": "Domanda"})
    actions.post_message(quote=quote, author=staff, body="Risposta", is_from_staff=True)
    html = customer_client.get(quote.get_absolute_url()).content.decode()
    assert html.index("Domanda") < html.index("Risposta")
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == sorted(
        [settings.STAFF_NOTIFICATION_EMAIL, customer.email]
    )


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/pdf"), "non ammesso"),
        (SimpleUploadedFile("finto.pdf", b"MZ not a pdf"), "non corrisponde"),
        (SimpleUploadedFile("vuoto.pdf", b""), "vuoto"),
    ],
)
def test_bad_attachment_is_refused_and_the_text_kept(customer_client, quote, upload, error):
    response = customer_client.post(
        reverse("quotes:post_message", args=[quote.number]),
        {"body": "Testo da non perdere", "attachment": upload},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert "Testo da non perdere" in html
    assert not QuoteMessage.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_too_big_attachment_is_refused(customer_client, quote, settings):
    settings.UPLOAD_MAX_BYTES = 10
    response = customer_client.post(
        reverse("quotes:post_message", args=[quote.number]),
        {"body": "Testo", "attachment": _pdf()},
    )
    assert response.status_code == 400
    assert "troppo grande" in response.content.decode()
    assert not QuoteMessage.objects.exists()


def test_empty_message_is_refused(customer_client, quote):
    response = customer_client.post(
        reverse("quotes:post_message", args=[quote.number]), {"body": ""}
    )
    assert response.status_code == 400
    assert "Scrivi il messaggio." in response.content.decode()
    assert not QuoteMessage.objects.exists()


def test_answer_file_is_served_only_when_the_quote_points_to_it(customer_client, customer):
    answer_file = Upload.objects.create(
        file=_pdf("visura.pdf"),
        original_name="visura.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        owner=customer,
    )
    unrelated = Upload.objects.create(
        file=_pdf("altro.pdf"),
        original_name="altro.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        owner=customer,
    )
    quote = QuoteRequestFactory(customer=customer)
    QuoteLineFactory(
        quote=quote,
        answers_display=[{"label": "Visura", "value": "visura.pdf", "file_id": answer_file.pk}],
    )
    url = reverse("quotes:answer_file", args=[quote.number, answer_file.pk])
    assert url in customer_client.get(quote.get_absolute_url()).content.decode()
    response = customer_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    unrelated_url = reverse("quotes:answer_file", args=[quote.number, unrelated.pk])
    assert customer_client.get(unrelated_url).status_code == 404


# --- Another customer -----------------------------------------------------------------------


@pytest.fixture
def foreign_quote(other_customer, staff):
    """A ready quote of another customer, with a message carrying an attachment."""
    quote = QuoteRequestFactory(customer=other_customer)
    QuoteLineFactory(quote=quote)
    QuoteLineFactory(quote=quote)
    price_quote(quote, staff)
    actions.post_message(quote=quote, author=other_customer, body="Mia domanda", attachment=_pdf())
    quote.refresh_from_db()
    return quote


def _foreign_urls(quote):
    message = quote.messages.get()
    number = quote.number
    return [
        ("get", reverse("quotes:detail", args=[number]), {}),
        ("get", reverse("quotes:confirmation", args=[number]), {}),
        ("get", reverse("quotes:pdf", args=[number]), {}),
        ("get", reverse("quotes:message_attachment", args=[number, message.pk]), {}),
        ("get", reverse("quotes:answer_file", args=[number, 1]), {}),
        ("post", reverse("quotes:post_message", args=[number]), {"body": "Intruso"}),
        ("post", reverse("quotes:accept", args=[number]), {"version": "1"}),
        ("post", reverse("quotes:decline", args=[number]), {"reason": "Intruso"}),
    ]


def test_every_quote_url_answers_404_to_another_customer(customer_client, foreign_quote):
    emails_before = OutgoingEmail.objects.count()
    history_before = foreign_quote.status_changes.count()
    for method, url, data in _foreign_urls(foreign_quote):
        response = getattr(customer_client, method)(url, data)
        assert response.status_code == 404, url
    foreign_quote.refresh_from_db()
    assert foreign_quote.status == QuoteStatus.READY
    assert foreign_quote.messages.count() == 1
    assert foreign_quote.status_changes.count() == history_before
    assert OutgoingEmail.objects.count() == emails_before


def test_the_owner_reaches_the_same_urls(client, foreign_quote, other_customer):
    client.force_login(other_customer)
    for method, url, _data in _foreign_urls(foreign_quote):
        if method == "get" and "allegati" not in url:
            assert client.get(url).status_code == 200, url


def test_detail_query_count_does_not_grow(
    customer_client, customer, staff, django_assert_num_queries
):
    def make(lines: int, messages: int):
        quote = QuoteRequestFactory(customer=customer)
        for _ in range(lines):
            QuoteLineFactory(quote=quote)
        price_quote(quote, staff, prices=[("10.00", "22.00")] * lines)
        for index in range(messages):
            actions.post_message(quote=quote, author=customer, body=f"Messaggio {index}")
        return quote

    small, large = make(1, 1), make(6, 5)
    # session, user, quote, price, price lines, lines, messages, menu, cart counts
    with django_assert_num_queries(9):
        customer_client.get(small.get_absolute_url())
    with django_assert_num_queries(9):
        customer_client.get(large.get_absolute_url())
