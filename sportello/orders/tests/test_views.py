import html

import pytest
from django.urls import reverse

from sportello.core.dates import long_date
from sportello.orders import actions
from sportello.orders.models import LineStatus, OrderStatus
from sportello.orders.tests.conftest import PDF_BYTES, answer_file
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory, PaidOrderFactory
from sportello.payments.models import Payment, PaymentStatus


def order_urls(order, file_id=1):
    number = order.number
    return [
        reverse("orders:detail", kwargs={"number": number}),
        reverse("orders:confirmation", kwargs={"number": number}),
        reverse("orders:outcome_file", kwargs={"number": number, "file_id": file_id}),
        reverse("orders:answer_file", kwargs={"number": number, "file_id": file_id}),
    ]


def test_urls():
    assert reverse("orders:list") == "/il-mio-account/ordini/"
    assert reverse("orders:detail", kwargs={"number": "2026-000001"}) == (
        "/il-mio-account/ordini/2026-000001/"
    )
    assert reverse("orders:confirmation", kwargs={"number": "2026-000001"}) == (
        "/il-mio-account/ordini/2026-000001/conferma/"
    )
    assert reverse("orders:outcome_file", kwargs={"number": "2026-000001", "file_id": 3}) == (
        "/il-mio-account/ordini/2026-000001/esiti/3/"
    )


def test_list_shows_only_my_orders(customer_client, customer, other_customer):
    mine = OrderFactory(customer=customer, number="2026-000007")
    OrderFactory(customer=other_customer, number="2026-000008")
    response = customer_client.get(reverse("orders:list"))
    assert response.status_code == 200
    assert [order.number for order in response.context["orders"]] == [mine.number]
    content = response.content.decode()
    assert "Ordine n. 2026-000007" in content
    assert "122,00\u00a0€" in content
    assert "In attesa di pagamento" in content
    assert "2026-000008" not in content


def test_list_is_empty_for_a_new_customer(customer_client):
    response = customer_client.get(reverse("orders:list"))
    assert "Non hai ancora ordini" in response.content.decode()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("orders:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_every_order_url_is_404_for_another_customer(client, other_customer, placed_order):
    file_id = placed_order.lines.get(position=1).answers_display[1]["file_id"]
    client.force_login(other_customer)
    for url in order_urls(placed_order, file_id=file_id):
        assert client.get(url).status_code == 404, url


def test_every_order_url_redirects_anonymous_to_login(client, placed_order):
    for url in order_urls(placed_order):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login"))


def test_detail_shows_lines_answers_billing_payments_history(customer_client, placed_order):
    Payment.objects.create(
        order=placed_order,
        provider="test_gateway",
        amount=placed_order.total_gross,
        status=PaymentStatus.FAILED,
    )
    response = customer_client.get(placed_order.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert f"Ordine n. {placed_order.number}" in content
    assert "Perizia immobiliare" in content
    assert "Consegna urgente" in content
    assert "Visura catastale" in content
    assert "Urgenza: Consegna urgente: 30,00\u00a0€ + IVA" in content
    assert "231,80\u00a0€" in content and "41,80\u00a0€" in content and "190,00\u00a0€" in content
    assert "Mario Rossi" in content and "RSSMRA80A01H501U" in content
    assert "Non riuscito" in content
    assert "Ricevuto" in content
    assert "Il pagamento non è andato a buon fine" in content
    pay_url = reverse("payments:pay", kwargs={"number": placed_order.number})
    assert f'href="{pay_url}"' in content
    assert response.context["history"][0]["status"] == "In attesa di pagamento"


def test_paid_order_has_no_pay_button(customer_client, placed_order):
    actions.mark_paid(order=placed_order)
    content = customer_client.get(placed_order.get_absolute_url()).content.decode()
    assert "Paga ora" not in content
    assert "Pagamento confermato" in content


def test_transfer_instructions_stay_after_a_declined_card_attempt(customer_client, placed_order):
    """The customer chose a transfer, then tried a card that was declined: the transfer is
    still the way to pay, so the order page keeps showing its IBAN and reference."""
    Payment.objects.create(
        order=placed_order,
        provider="bank_transfer",
        amount=placed_order.total_gross,
        status=PaymentStatus.PENDING,
        provider_reference=placed_order.number,
    )
    Payment.objects.create(
        order=placed_order,
        provider="test_gateway",
        amount=placed_order.total_gross,
        status=PaymentStatus.FAILED,
    )

    response = customer_client.get(placed_order.get_absolute_url())

    payment = response.context["payment"]
    assert (payment.state, payment.can_pay) == ("provider_pending", True)
    assert f"<dt>Causale</dt><dd>{placed_order.number}</dd>" in payment.pending_html
    assert "In attesa del bonifico." in response.content.decode()


def test_a_consumer_s_transfer_instructions_say_work_starts_after_the_withdrawal_period(
    customer_client, placed_order
):
    """The card page and the confirmation e-mail say work starts at the end of the 14 days:
    the transfer instructions must not promise "as soon as we receive it" alone."""
    from sportello.core.dates import long_date
    from sportello.orders.models import CustomerKind
    from sportello.payments.tests.factories import PaymentFactory

    placed_order.billing_kind = CustomerKind.PERSON
    placed_order.terms_accepted_at = placed_order.placed_at
    placed_order.early_start_requested = False
    placed_order.save()
    start = placed_order.earliest_start_date
    assert start is not None
    PaymentFactory(
        order=placed_order,
        provider="bank_transfer",
        status=PaymentStatus.PENDING,
        provider_reference=placed_order.number,
    )

    page = html.unescape(customer_client.get(placed_order.get_absolute_url()).text)

    assert (
        f"appena avremo ricevuto il pagamento, non prima di {long_date(start)} (la fine del "
        "periodo di recesso)" in page
    )


def test_completed_order_does_not_promise_to_start_work(customer_client, placed_order, staff):
    actions.mark_paid(order=placed_order)
    promise = "Inizieremo a lavorare ai servizi acquistati"
    assert promise in customer_client.get(placed_order.get_absolute_url()).content.decode()

    actions.complete_order(order=placed_order, actor=staff)

    content = customer_client.get(placed_order.get_absolute_url()).content.decode()
    assert "Pagamento confermato." in content
    assert promise not in content


def test_a_consumer_who_did_not_ask_to_start_at_once_is_told_from_when(customer_client, customer):
    """The payment message says the same as the contract: work starts at the end of the
    withdrawal period (it said "Inizieremo a lavorare" with no date)."""
    from django.utils import timezone

    from sportello.core.dates import long_date
    from sportello.orders.models import CustomerKind, Order

    order = PaidOrderFactory(customer=customer)
    Order.objects.filter(pk=order.pk).update(
        billing_kind=CustomerKind.PERSON,
        terms_accepted_at=timezone.now(),
        early_start_requested=False,
    )
    order.refresh_from_db()
    content = customer_client.get(order.get_absolute_url()).content.decode()
    start = long_date(order.earliest_start_date)
    assert (
        f"Inizieremo a lavorare ai servizi acquistati da {start}, alla fine del periodo di recesso"
        in content
    )


def test_detail_lists_outcomes_with_download_links(customer_client, customer, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    order = PaidOrderFactory(customer=customer)
    line = OrderLineFactory(order=order)
    outcome = actions.add_outcome(
        line=line,
        note="Perizia pronta",
        files=[SimpleUploadedFile("perizia.pdf", PDF_BYTES)],
        actor=staff,
    )
    content = customer_client.get(order.get_absolute_url()).content.decode()
    file_url = reverse(
        "orders:outcome_file", kwargs={"number": order.number, "file_id": outcome.files.get().pk}
    )
    assert "Perizia pronta" in content
    assert f'href="{file_url}"' in content
    assert "Scarica perizia.pdf" in content


def test_owner_downloads_an_answer_file_of_the_order(customer_client, placed_order):
    file_id = placed_order.lines.get(position=1).answers_display[1]["file_id"]
    url = reverse("orders:answer_file", kwargs={"number": placed_order.number, "file_id": file_id})
    content = customer_client.get(placed_order.get_absolute_url()).content.decode()
    assert f'href="{url}"' in content
    response = customer_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="planimetria.pdf"'


def test_answer_file_not_in_the_order_is_404_even_if_mine(customer_client, customer, placed_order):
    unrelated = answer_file(customer, name="altro.pdf")
    url = reverse(
        "orders:answer_file", kwargs={"number": placed_order.number, "file_id": unrelated.pk}
    )
    assert customer_client.get(url).status_code == 404


def test_staff_downloads_an_answer_file(staff_client, placed_order):
    file_id = placed_order.lines.get(position=1).answers_display[1]["file_id"]
    url = reverse("orders:answer_file", kwargs={"number": placed_order.number, "file_id": file_id})
    assert staff_client.get(url).status_code == 200


# --- Confirmation page ---------------------------------------------------------------------------


def test_confirmation_of_a_paid_order(customer_client, placed_order):
    actions.mark_paid(order=placed_order)
    response = customer_client.get(
        reverse("orders:confirmation", kwargs={"number": placed_order.number})
    )
    content = response.content.decode()
    assert f"Grazie! Ordine n. {placed_order.number}" in content
    assert "Pagamento confermato" in content
    assert "Perizia immobiliare" in content and "Visura catastale" in content
    assert "231,80\u00a0€" in content
    assert "Paga ora" not in content
    assert reverse("orders:list") in content


def test_confirmation_awaiting_bank_transfer_shows_iban_and_reference(
    customer_client, full_cart, place, settings
):
    settings.BANK_TRANSFER_IBAN = "IT02L1234512345123456789012"
    order = place(full_cart, payment_method="bank_transfer")
    Payment.objects.create(
        order=order,
        provider="bank_transfer",
        amount=order.total_gross,
        status=PaymentStatus.PENDING,
        provider_reference=order.number,
    )
    content = customer_client.get(
        reverse("orders:confirmation", kwargs={"number": order.number})
    ).content.decode()
    assert "In attesa del bonifico" in content
    assert "IT02L1234512345123456789012" in content
    assert f"<dd>{order.number}</dd>" in content
    assert "231,80\u00a0€" in content


def test_confirmation_while_card_payment_is_being_confirmed(customer_client, placed_order):
    Payment.objects.create(
        order=placed_order,
        provider="test_gateway",
        amount=placed_order.total_gross,
        status=PaymentStatus.PENDING,
    )
    content = customer_client.get(
        reverse("orders:confirmation", kwargs={"number": placed_order.number})
    ).content.decode()
    assert "Pagamento in corso di conferma" in content
    assert "Paga ora" in content


EMAILED = "Ti abbiamo inviato il riepilogo all'indirizzo <strong>{email}</strong>."
WILL_EMAIL = (
    "Ti invieremo il riepilogo all'indirizzo <strong>{email}</strong> appena il pagamento "
    "sarà confermato."
)


def _confirmation_text(client, order) -> str:
    return client.get(reverse("orders:confirmation", kwargs={"number": order.number})).text


def test_confirmation_of_an_unpaid_card_order_does_not_claim_the_email_went_out(
    customer_client, placed_order
):
    # A card order is confirmed by e-mail only once the payment is: nothing is queued yet.
    content = _confirmation_text(customer_client, placed_order)

    email = placed_order.customer_email
    assert WILL_EMAIL.format(email=email) in content
    assert "Ti abbiamo inviato il riepilogo" not in content


def test_confirmation_of_a_paid_card_order_says_the_summary_was_emailed(
    customer_client, placed_order
):
    actions.mark_paid(order=placed_order)

    content = _confirmation_text(customer_client, placed_order)

    assert EMAILED.format(email=placed_order.customer_email) in content
    assert "Ti invieremo il riepilogo" not in content


def test_confirmation_of_a_bank_transfer_order_says_the_summary_was_emailed(
    customer_client, full_cart, place
):
    order = place(full_cart, payment_method="bank_transfer")

    content = _confirmation_text(customer_client, order)

    assert order.is_awaiting_payment
    assert EMAILED.format(email=order.customer_email) in content
    assert "Ti invieremo il riepilogo" not in content


def test_confirmation_of_a_cancelled_unpaid_card_order_promises_no_email(
    customer_client, placed_order
):
    actions.cancel_order(order=placed_order)

    content = _confirmation_text(customer_client, placed_order)

    assert "Ti abbiamo inviato il riepilogo" not in content
    assert "Ti invieremo il riepilogo" not in content
    assert f"Abbiamo ricevuto il tuo ordine di {long_date(placed_order.placed_at)}.</p>" in content


def test_cancelled_order_cannot_be_paid(customer_client, placed_order):
    actions.cancel_order(order=placed_order)
    response = customer_client.get(placed_order.get_absolute_url())
    assert response.context["pay_url"] == ""
    assert "Annullato" in response.content.decode()
    assert placed_order.status == OrderStatus.CANCELLED


# --- Query counts ----------------------------------------------------------------------------


def make_orders(customer, count, lines_each):
    orders = []
    for _ in range(count):
        order = PaidOrderFactory(customer=customer)
        OrderLineFactory.create_batch(lines_each, order=order)
        orders.append(order)
    return orders


LIST_QUERIES = 6
# + the order's invoice and credit notes (invoicing); the lines' history, their data requests
# and the conversation (timeline, "Da fare", messages); whether the viewer may buy ("Ordina di
# nuovo").
DETAIL_QUERIES = 15


@pytest.mark.parametrize("count", [1, 5])
def test_list_query_count_does_not_grow(
    customer_client, customer, django_assert_num_queries, count
):
    make_orders(customer, count, lines_each=2)
    with django_assert_num_queries(LIST_QUERIES):
        response = customer_client.get(reverse("orders:list"))
    assert len(response.context["orders"]) == count


@pytest.mark.parametrize("lines_each", [1, 4])
def test_detail_query_count_does_not_grow(
    customer_client, customer, staff, django_assert_num_queries, lines_each
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    (order,) = make_orders(customer, 1, lines_each=lines_each)
    for line in order.lines.all():
        actions.add_outcome(
            line=line, note="", files=[SimpleUploadedFile("a.pdf", PDF_BYTES)], actor=staff
        )
        actions.set_line_status(line=line, to="in_progress")
        Payment.objects.create(
            order=order, provider="test_gateway", amount=order.total_gross, status="failed"
        )
    with django_assert_num_queries(DETAIL_QUERIES):
        response = customer_client.get(order.get_absolute_url())
    assert len(response.context["lines"]) == lines_each


@pytest.mark.parametrize("lines_each", [1, 4])
def test_detail_query_count_with_lines_awaiting_data_does_not_grow(
    customer_client, customer, staff, django_assert_num_queries, lines_each
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    (order,) = make_orders(customer, 1, lines_each=lines_each)
    for line in order.lines.all():
        actions.add_outcome(
            line=line, note="", files=[SimpleUploadedFile("a.pdf", PDF_BYTES)], actor=staff
        )
        actions.set_line_status(
            line=line, to=LineStatus.AWAITING_CUSTOMER_DATA, actor=staff, note=f"Nota {line.pk}"
        )
    with django_assert_num_queries(DETAIL_QUERIES):
        response = customer_client.get(order.get_absolute_url())
    assert [line.awaiting_data_note for line in response.context["lines"]] == [
        f"Nota {line.pk}" for line in order.lines.order_by("position", "id")
    ]


AWAITING_BOX = (
    '<div class="message message-warning awaiting-data">\n'
    "                <p><strong>Ci servono altri dati per questo servizio:</strong></p>\n"
    "                <p>{note}</p>"
)


def test_detail_shows_what_staff_asked_for_on_a_line_awaiting_data(
    customer_client, customer, staff
):
    (order,) = make_orders(customer, 1, lines_each=2)
    waiting, working = order.lines.order_by("position", "id")
    actions.set_line_status(
        line=waiting, to=LineStatus.AWAITING_CUSTOMER_DATA, actor=staff, note="Serve l'atto"
    )
    actions.set_line_status(line=waiting, to=LineStatus.IN_PROGRESS, actor=staff)
    actions.set_line_status(
        line=waiting,
        to=LineStatus.AWAITING_CUSTOMER_DATA,
        actor=staff,
        note="Manca la planimetria\naggiornata",
    )
    actions.set_line_status(
        line=working, to=LineStatus.AWAITING_CUSTOMER_DATA, actor=staff, note="Vecchia richiesta"
    )
    actions.set_line_status(line=working, to=LineStatus.IN_PROGRESS, actor=staff, note="Ricevuto")

    content = customer_client.get(order.get_absolute_url()).text

    # Only the latest request, only for the line still waiting, the customer's text escaped.
    assert AWAITING_BOX.format(note="Manca la planimetria<br>aggiornata") in content
    assert content.count("Ci servono altri dati per questo servizio") == 1
    assert "Serve l&#x27;atto" not in content
    assert "Vecchia richiesta" not in content


def test_detail_of_a_line_awaiting_data_without_a_note_shows_no_empty_box(
    customer_client, customer, staff
):
    (order,) = make_orders(customer, 1, lines_each=1)
    line = order.lines.get()
    actions.set_line_status(line=line, to=LineStatus.AWAITING_CUSTOMER_DATA, actor=staff)

    content = customer_client.get(order.get_absolute_url()).text

    assert "In attesa di dati dal cliente" in content
    assert "Ci servono altri dati per questo servizio" not in content


def test_detail_links_back_to_the_quote_it_was_bought_from(customer_client, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sportello.quotes.models import QuoteStatus
    from sportello.quotes.tests.factories import QuoteRequestFactory

    plain, from_quote = make_orders(customer, 2, lines_each=1)
    quote = QuoteRequestFactory(customer=customer, status=QuoteStatus.ORDERED, order=from_quote)

    with CaptureQueriesContext(connection) as plain_queries:
        customer_client.get(plain.get_absolute_url())
    with CaptureQueriesContext(connection) as quote_queries:
        response = customer_client.get(from_quote.get_absolute_url())

    assert len(quote_queries) == len(plain_queries)  # the quote comes with the order's query

    quote_url = reverse("quotes:detail", args=[quote.number])
    assert f'<a href="{quote_url}">n. {quote.number}</a>' in response.text


def test_detail_of_an_order_without_quote_has_no_quote_row(customer_client, customer):
    (order,) = make_orders(customer, 1, lines_each=1)

    response = customer_client.get(order.get_absolute_url())

    assert "<dt>Preventivo</dt>" not in response.text
