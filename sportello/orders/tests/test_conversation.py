"""The order conversation (customer <-> staff) and data requests answered in place."""

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory
from sportello.notifications.models import OutgoingEmail
from sportello.orders import conversation
from sportello.orders.models import (
    DataRequest,
    LineAnswersRevision,
    LineStatus,
    OrderMessage,
    OrderStatus,
)
from sportello.orders.tests.factories import OrderLineFactory, PaidOrderFactory
from sportello.uploads.limits import MESSAGES_LIMITED
from sportello.uploads.models import Upload

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"


def outbox():
    """E-mails queued so far (the outbox rows; delivery happens after commit)."""
    return list(OutgoingEmail.objects.order_by("id"))


def pdf(name="documento.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def line(customer):
    service = ServiceFactory(
        name="Perizia immobiliare", net_price=Decimal("100.00"), delivery_working_days=10
    )
    FormFieldFactory(service=service, position=1, key="indirizzo", label="Indirizzo")
    FormFieldFactory(service=service, position=2, key="particella", label="Particella")
    order = PaidOrderFactory(customer=customer)
    return OrderLineFactory(
        order=order,
        service=service,
        answers={"indirizzo": "Via Roma 1", "particella": "12"},
        answers_display=[
            {"label": "Indirizzo", "value": "Via Roma 1", "file_id": None},
            {"label": "Particella", "value": "12", "file_id": None},
        ],
        delivery_working_days=10,
        delivery_starts_from="payment",
        clock_started_on=dt.date(2026, 12, 1),
        due_on=dt.date(2026, 12, 16),
    )


# --- Messages --------------------------------------------------------------------------------


def test_customer_message_with_attachment_is_emailed_to_staff(customer_client, line, settings):
    order = line.order
    response = customer_client.post(
        reverse("orders:post_message", args=[order.number]),
        {"body": "Allego la planimetria.", "attachment": pdf("planimetria.pdf")},
    )
    assert response.status_code == 302
    message = OrderMessage.objects.get(order=order)
    assert message.is_from_staff is False
    # An uploads.Upload row, owned by the customer (checked and stored by store_upload).
    assert message.attachment_name == "planimetria.pdf"
    assert message.attachment.size == len(PDF)
    assert message.attachment.owner == order.customer
    staff_mail = [m for m in outbox() if m.to == settings.STAFF_NOTIFICATION_EMAIL]
    assert len(staff_mail) == 1
    assert "Allego la planimetria." in staff_mail[0].text_body
    assert reverse("desk:order", args=[order.number]) in staff_mail[0].text_body


def test_a_file_may_be_sent_without_words_but_not_nothing(customer_client, line, settings):
    url = reverse("orders:post_message", args=[line.order.number])

    empty = customer_client.post(url, {"body": "  "})
    assert empty.status_code == 400
    assert empty.context["message_form"].errors["body"] == ["Scrivi il messaggio."]

    response = customer_client.post(url, {"body": "", "attachment": pdf("visura.pdf")})

    assert response.status_code == 302
    message = OrderMessage.objects.get(order=line.order)
    assert (message.body, message.attachment_name) == ("", "visura.pdf")
    [staff_mail] = [m for m in outbox() if m.to == settings.STAFF_NOTIFICATION_EMAIL]
    assert "Allegato: visura.pdf" in staff_mail.text_body


def test_order_messages_take_spreadsheets_like_quote_messages(customer_client, line):
    url = reverse("orders:post_message", args=[line.order.number])
    page = customer_client.get(reverse("orders:detail", args=[line.order.number])).text
    assert ".csv,.xlsx" in page  # the file input announces them

    response = customer_client.post(
        url,
        {
            "body": "L'elenco degli immobili.",
            "attachment": SimpleUploadedFile("immobili.csv", b"comune;foglio\nBologna;12\n"),
        },
    )

    assert response.status_code == 302
    assert OrderMessage.objects.get(order=line.order).attachment_name == "immobili.csv"


def test_attachment_of_wrong_type_is_refused_and_nothing_written(customer_client, line):
    response = customer_client.post(
        reverse("orders:post_message", args=[line.order.number]),
        {"body": "Ecco", "attachment": SimpleUploadedFile("virus.exe", b"MZ...")},
    )
    assert response.status_code == 400
    assert "Tipo di file non ammesso" in response.content.decode()
    assert not OrderMessage.objects.exists()


def test_fake_pdf_is_refused(customer_client, line):
    response = customer_client.post(
        reverse("orders:post_message", args=[line.order.number]),
        {"body": "Ecco", "attachment": SimpleUploadedFile("finto.pdf", b"MZ not a pdf")},
    )
    assert response.status_code == 400
    assert not OrderMessage.objects.exists()


def test_customer_messages_are_rate_limited(customer_client, line, settings):
    # The uploads app's per-customer message limit, as for quote messages.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "message": "2/m/user"}
    url = reverse("orders:post_message", args=[line.order.number])
    assert customer_client.post(url, {"body": "uno"}).status_code == 302
    assert customer_client.post(url, {"body": "due"}).status_code == 302
    response = customer_client.post(url, {"body": "tre"})
    assert response.status_code == 429
    assert response.context["message_form"].errors["body"] == [MESSAGES_LIMITED]
    assert "tre</textarea>" in response.content.decode()
    assert OrderMessage.objects.count() == 2


def test_customer_attachments_are_capped_per_conversation(customer_client, line, settings):
    settings.UPLOAD_MAX_BYTES_PER_CONVERSATION = len(PDF) + 10
    url = reverse("orders:post_message", args=[line.order.number])
    assert customer_client.post(url, {"body": "uno", "attachment": pdf()}).status_code == 302
    response = customer_client.post(url, {"body": "due", "attachment": pdf()})
    assert response.status_code == 400
    assert "limite" in response.content.decode()
    assert OrderMessage.objects.count() == 1
    assert Upload.objects.count() == 1


def test_staff_reply_is_emailed_to_customer_and_marks_customer_message_answered(line, staff):
    order = line.order
    question = conversation.post_customer_message(
        order=order, customer=order.customer, body="Quando arriva?"
    )
    before = len(outbox())
    reply = conversation.post_staff_message(
        order=order, actor=staff, body="Entro venerdì.", attachment=pdf("bozza.pdf")
    )
    question.refresh_from_db()
    assert question.answered_at == reply.created_at
    new = outbox()[before:]
    assert [m.to for m in new] == [order.customer_email]
    assert "Entro venerdì." in new[0].text_body
    assert "bozza.pdf" in new[0].text_body


def test_internal_note_is_never_shown_nor_emailed_to_customer(customer_client, line, staff):
    order = line.order
    question = conversation.post_customer_message(
        order=order, customer=order.customer, body="Domanda"
    )
    before = len(outbox())
    note = conversation.post_staff_message(
        order=order,
        actor=staff,
        body="NOTA-RISERVATA cliente difficile",
        attachment=pdf("interno.pdf"),
        is_internal=True,
    )
    assert outbox()[before:] == []
    assert not OutgoingEmail.objects.filter(text_body__contains="NOTA-RISERVATA").exists()
    question.refresh_from_db()
    assert question.answered_at is None
    page = customer_client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert "NOTA-RISERVATA" not in page
    assert "Domanda" in page
    attachment_url = reverse("orders:message_attachment", args=[order.number, note.pk])
    assert customer_client.get(attachment_url).status_code == 404
    with pytest.raises(ValueError):
        from sportello.orders.emails import send_customer_order_message

        send_customer_order_message(note)


def test_thread_newest_last_with_unread_marker_cleared_on_view(customer_client, line, staff):
    order = line.order
    conversation.post_customer_message(order=order, customer=order.customer, body="PRIMO")
    staff_message = conversation.post_staff_message(order=order, actor=staff, body="SECONDO")
    url = reverse("orders:detail", args=[order.number])
    page = customer_client.get(url).content.decode()
    assert page.index("PRIMO") < page.index("SECONDO")
    assert "Nuovo" in page
    staff_message.refresh_from_db()
    assert staff_message.read_at is not None
    assert "badge unread" not in customer_client.get(url).content.decode()


def test_customer_downloads_staff_attachment(customer_client, line, staff):
    message = conversation.post_staff_message(
        order=line.order, actor=staff, body="Ecco la bozza", attachment=pdf("bozza.pdf")
    )
    response = customer_client.get(
        reverse("orders:message_attachment", args=[line.order.number, message.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


# --- Ownership -------------------------------------------------------------------------------


def test_other_customer_gets_404_on_every_new_url(client, other_customer, line, staff):
    order = line.order
    message = conversation.post_staff_message(
        order=order, actor=staff, body="Bozza", attachment=pdf()
    )
    data_request = conversation.request_data(line=line, actor=staff, note="Serve la visura")
    client.force_login(other_customer)
    number = order.number
    assert (
        client.post(reverse("orders:post_message", args=[number]), {"body": "x"}).status_code == 404
    )
    attachment_url = reverse("orders:message_attachment", args=[number, message.pk])
    assert client.get(attachment_url).status_code == 404
    answer_url = reverse("orders:data_request", args=[number, data_request.pk])
    assert client.get(answer_url).status_code == 404
    assert client.post(answer_url, {"document_0": pdf()}).status_code == 404
    assert OrderMessage.objects.count() == 1
    data_request.refresh_from_db()
    assert data_request.answered_at is None


# --- Data requests ---------------------------------------------------------------------------


def test_data_request_answered_in_place(customer_client, line, staff, settings):
    order = line.order
    data_request = conversation.request_data(
        line=line,
        actor=staff,
        note="La particella è sbagliata; serve l'atto di provenienza.",
        field_keys=["particella", "inesistente"],
        documents=["Atto di provenienza"],
    )
    line.refresh_from_db()
    assert line.status == LineStatus.AWAITING_CUSTOMER_DATA
    assert data_request.field_keys == ["particella"]
    request_mails = outbox()
    assert len(request_mails) == 1
    request_mail = request_mails[0]
    assert request_mail.to == order.customer_email
    assert "Particella" in request_mail.text_body
    assert "Atto di provenienza" in request_mail.text_body
    answer_url = reverse("orders:data_request", args=[order.number, data_request.pk])
    assert answer_url in request_mail.text_body

    page = customer_client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert "Da fare" in page and answer_url in page
    form_page = customer_client.get(answer_url).content.decode()
    # Exactly the requested field, pre-filled, and the document input.
    assert 'name="particella"' in form_page and 'value="12"' in form_page
    assert 'name="indirizzo"' not in form_page
    assert 'name="document_0"' in form_page

    # A missing document is refused next to its field; nothing changes.
    response = customer_client.post(answer_url, {"particella": "345"})
    assert response.status_code == 400
    assert "Allega il documento richiesto." in response.content.decode()
    line.refresh_from_db()
    assert line.answers["particella"] == "12"
    # The document attached beside a wrong answer is kept: the form names it and does not ask
    # for it again; the summary above the form links to the wrong field.
    response = customer_client.post(answer_url, {"particella": "", "document_0": pdf("atto.pdf")})
    text = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "File caricato: <strong>atto.pdf</strong>" in text
    assert 'id="form-errors"' in text
    assert "Allega il documento richiesto." not in text
    kept = Upload.objects.get(original_name="atto.pdf")
    assert f'name="document_0__kept" value="{kept.pk}"' in text

    before = len(outbox())
    response = customer_client.post(
        answer_url, {"particella": "345", "document_0__kept": kept.pk, "customer_note": "Ok"}
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == LineStatus.IN_PROGRESS
    assert line.answers == {"indirizzo": "Via Roma 1", "particella": "345"}
    labels = {item["label"]: item for item in line.answers_display}
    assert labels["Particella"]["value"] == "345"
    document = Upload.objects.get(pk=labels["Documento: Atto di provenienza"]["file_id"])
    assert document.owner == order.customer
    # The order keeps the document: a PROTECT link row like every file answer.
    assert line.answer_files.filter(upload=document).exists()
    revision = LineAnswersRevision.objects.get(line=line)
    assert revision.answers["particella"] == "12"
    data_request.refresh_from_db()
    assert data_request.answered_at is not None
    assert data_request.customer_note == "Ok"
    assert [m.to for m in outbox()[before:]] == [settings.STAFF_NOTIFICATION_EMAIL]
    # The customer downloads the document they sent.
    file_url = reverse("orders:answer_file", args=[order.number, document.pk])
    assert customer_client.get(file_url).status_code == 200
    # A second answer is not possible.
    response = customer_client.post(answer_url, {"particella": "999", "document_0": pdf()})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.answers["particella"] == "345"


def test_answer_uses_service_form_validation(customer_client, line, staff):
    FormFieldFactory(
        service=line.service,
        position=3,
        key="cf",
        label="Codice fiscale",
        field_type="codice_fiscale",
    )
    line.answers["cf"] = "RSSMRA80A01H501U"
    line.save()
    data_request = conversation.request_data(
        line=line, actor=staff, note="Codice fiscale errato", field_keys=["cf"]
    )
    url = reverse("orders:data_request", args=[line.order.number, data_request.pk])
    response = customer_client.post(url, {"cf": "NONVALIDO"})
    assert response.status_code == 400
    line.refresh_from_db()
    assert line.status == LineStatus.AWAITING_CUSTOMER_DATA


def test_a_question_that_adds_to_the_price_cannot_be_asked_again(line, staff):
    """The line was paid with its answers: "Aggiungi la visura storica (+12,00 €)" asked
    again would let the customer add a paid option for free. Neither the staff's form offers
    it nor the action records it."""
    from sportello.catalogue.tests.factories import FieldChoiceFactory
    from sportello.orders.conversation_forms import DataRequestForm

    FormFieldFactory(
        service=line.service,
        position=3,
        key="storica",
        label="Aggiungi la visura storica",
        field_type="boolean",
        is_required=False,
        price_supplement=Decimal("12.00"),
    )
    urgency = FormFieldFactory(
        service=line.service, position=4, key="urgenza", label="Urgenza", field_type="choice"
    )
    FieldChoiceFactory(field=urgency, value="normale", label="Normale")
    FieldChoiceFactory(field=urgency, value="urgente", label="Urgente", price_supplement=30)
    fields = conversation.form_fields_of_line(line)

    offered = dict(DataRequestForm(fields_definition=fields).fields["field_keys"].choices)
    assert set(offered) == {"indirizzo", "particella"}
    data_request = conversation.request_data(
        line=line, actor=staff, note="Controlla", field_keys=["storica", "urgenza", "particella"]
    )
    assert data_request.field_keys == ["particella"]


def test_data_request_pauses_delivery_clock(line, staff, customer):
    # Requested Friday 4 December 2026, answered Wednesday 9 December: Monday 7 and
    # Wednesday 9 are working days (Tuesday 8 is a holiday), so the due date moves by two.
    with_time = timezone.make_aware(dt.datetime(2026, 12, 4, 10, 0))
    data_request = conversation.request_data(line=line, actor=staff, note="Serve la visura")
    DataRequest.objects.filter(pk=data_request.pk).update(created_at=with_time)
    data_request.refresh_from_db()
    conversation.answer_data_request(
        data_request=data_request,
        customer=customer,
        answers={},
        answers_display=[],
        documents={},
        today=dt.date(2026, 12, 9),
    )
    line.refresh_from_db()
    assert line.paused_working_days == 2
    assert line.due_on == dt.date(2026, 12, 18)


def test_unanswered_data_request_is_reminded_once(line, staff):
    data_request = conversation.request_data(line=line, actor=staff, note="Serve la visura")
    created = data_request.created_at
    before = len(outbox())
    assert conversation.remind_open_data_requests(now=created + dt.timedelta(days=2)) == 0
    assert conversation.remind_open_data_requests(now=created + dt.timedelta(days=3)) == 1
    assert conversation.remind_open_data_requests(now=created + dt.timedelta(days=4)) == 0
    reminders = outbox()[before:]
    assert len(reminders) == 1
    assert "Promemoria" in reminders[0].subject


def test_order_not_paid_cannot_get_a_data_request(line, staff):
    from sportello.orders.actions import OrderNotInFulfilment
    from sportello.orders.models import Order

    Order.objects.filter(pk=line.order_id).update(status=OrderStatus.AWAITING_PAYMENT)
    line.order.refresh_from_db()
    with pytest.raises(OrderNotInFulfilment):
        conversation.request_data(line=line, actor=staff, note="x")
    assert not DataRequest.objects.exists()


@pytest.mark.parametrize("size", [1, 5])
def test_order_page_query_count_is_constant_in_messages_and_requests(
    customer_client, customer, staff, django_assert_num_queries, size
):
    from sportello.orders.tests.test_views import DETAIL_QUERIES

    order = PaidOrderFactory(customer=customer)
    for _ in range(size):
        line = OrderLineFactory(order=order, delivery_working_days=5, due_on=dt.date(2026, 12, 9))
        conversation.request_data(line=line, actor=staff, note="Serve la visura")
        conversation.post_staff_message(order=order, actor=staff, body="Bozza", attachment=pdf())
        conversation.post_customer_message(order=order, customer=customer, body="Grazie")
    # Read once, so the unread update does not run in the measured request.
    customer_client.get(reverse("orders:detail", args=[order.number]))
    # No outcomes here: Django skips the query for their files.
    with django_assert_num_queries(DETAIL_QUERIES - 1):
        response = customer_client.get(reverse("orders:detail", args=[order.number]))
    assert len(response.context["thread"]) == 2 * size
    assert response.content.decode().count("Da fare") == size
