"""The order's conversation and data requests ("richieste integrazione"): the only code that
writes them.

Messages go both ways and are e-mailed to the other side; an internal message is a staff note
that never reaches the customer. A data request moves the line to "in attesa di dati dal
cliente" and pauses its delivery clock; the customer's answer updates the line's answers (the
previous ones are kept in `LineAnswersRevision`), moves the line back to "in lavorazione" and
tells staff.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Iterable, Mapping
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from sportello.catalogue.models import AnswerFile, FormField
from sportello.orders import delivery, emails
from sportello.orders.actions import set_line_status
from sportello.orders.models import (
    DataRequest,
    LineAnswersRevision,
    LineStatus,
    Order,
    OrderLine,
    OrderMessage,
)


class MessageRateExceeded(Exception):
    """The customer sent more order messages in the last hour than allowed."""


class EmptyMessage(ValueError):
    """A message needs some text."""


class DataRequestClosed(Exception):
    """The data request was already answered (or its line is no longer waiting)."""


# --- Attachments -----------------------------------------------------------------------------


def store_message_attachment(message: OrderMessage, upload: UploadedFile) -> None:
    """The one place a message attachment is stored (uploads become rows at integration).

    The upload must already have passed the upload checks (see forms). Sets the fields on the
    unsaved message and writes the file to private storage.
    """
    name = Path(upload.name or "allegato").name
    message.attachment_name = name[:255]
    message.attachment_content_type = (
        upload.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    )[:100]
    message.attachment_size = upload.size or 0
    message.attachment.save(name, upload, save=False)


def store_requested_document(*, customer, upload: UploadedFile) -> AnswerFile:
    """A document the customer uploads to answer a data request, stored like a form answer."""
    name = Path(upload.name or "file").name
    stored = AnswerFile(
        original_name=name[:255],
        content_type=(upload.content_type or "application/octet-stream")[:100],
        size=upload.size or 0,
        uploaded_by=customer,
    )
    stored.file.save(name, upload, save=True)
    return stored


# --- Messages --------------------------------------------------------------------------------


def check_message_rate(customer, *, now: dt.datetime | None = None) -> None:
    """Raise MessageRateExceeded when the customer already sent the hourly allowance.

    Counted on the messages themselves, so every process and worker sees the same number.
    """
    now = now or timezone.now()
    sent = OrderMessage.objects.filter(
        author=customer, is_from_staff=False, created_at__gte=now - dt.timedelta(hours=1)
    ).count()
    if sent >= settings.ORDER_MESSAGES_PER_HOUR:
        raise MessageRateExceeded(f"{sent} messages in the last hour")


def post_customer_message(
    *, order: Order, customer, body: str, attachment: UploadedFile | None = None
) -> OrderMessage:
    """The customer writes on their own order; staff are told by e-mail."""
    if order.customer_id != customer.pk:
        raise PermissionError("Not the customer's order")
    body = body.strip()
    if not body:
        raise EmptyMessage("Scrivi il messaggio.")
    check_message_rate(customer)
    with transaction.atomic():
        message = OrderMessage(order=order, author=customer, body=body)
        if attachment is not None:
            store_message_attachment(message, attachment)
        message.save()
        emails.send_staff_order_message(message)
    return message


def post_staff_message(
    *,
    order: Order,
    actor,
    body: str,
    attachment: UploadedFile | None = None,
    is_internal: bool = False,
) -> OrderMessage:
    """Staff write on the order: to the customer (e-mailed) or as an internal note (never)."""
    body = body.strip()
    if not body:
        raise EmptyMessage("Scrivi il messaggio.")
    with transaction.atomic():
        message = OrderMessage(
            order=order, author=actor, body=body, is_from_staff=True, is_internal=is_internal
        )
        if attachment is not None:
            store_message_attachment(message, attachment)
        message.save()
        if not is_internal:
            # A reply answers every customer message before it.
            OrderMessage.objects.filter(
                order=order, is_from_staff=False, answered_at__isnull=True
            ).update(answered_at=message.created_at)
            emails.send_customer_order_message(message)
    return message


def mark_read_by_customer(order: Order) -> int:
    """The customer opened the order: staff messages to them are read."""
    return OrderMessage.objects.filter(
        order=order, is_from_staff=True, is_internal=False, read_at__isnull=True
    ).update(read_at=timezone.now())


def mark_read_by_staff(order: Order) -> int:
    return OrderMessage.objects.filter(
        order=order, is_from_staff=False, read_at__isnull=True
    ).update(read_at=timezone.now())


def mark_answered(message: OrderMessage) -> bool:
    """Staff close a customer message that needs no reply (e.g. a thank-you)."""
    return bool(
        OrderMessage.objects.filter(
            pk=message.pk, is_from_staff=False, answered_at__isnull=True
        ).update(answered_at=timezone.now())
    )


# --- Data requests ---------------------------------------------------------------------------


def form_fields_of_line(line: OrderLine) -> list[FormField]:
    """The service form's fields (with choices) the line's answers were given to."""
    if line.service_id is None:
        return []
    return list(
        FormField.objects.filter(service_id=line.service_id)
        .prefetch_related("choices")
        .order_by("position", "id")
    )


def request_data(
    *,
    line: OrderLine,
    actor,
    note: str,
    field_keys: Iterable[str] = (),
    documents: Iterable[str] = (),
) -> DataRequest:
    """Ask the customer for data on one line: the line waits and its clock stops.

    One e-mail tells the customer what is needed and links to the form on the order page.
    Raises InvalidTransition or OrderNotInFulfilment like any line move.
    """
    valid_keys = {field.key for field in form_fields_of_line(line)}
    keys = [key for key in field_keys if key in valid_keys]
    labels = [label.strip()[:200] for label in documents if label.strip()]
    with transaction.atomic():
        data_request = DataRequest.objects.create(
            line=line,
            note=note.strip(),
            field_keys=keys,
            documents=labels,
            requested_by=actor,
        )
        # The line move queues the one e-mail, which reads the open request.
        set_line_status(
            line=line, to=LineStatus.AWAITING_CUSTOMER_DATA, actor=actor, note=note.strip()
        )
    return data_request


def answer_data_request(
    *,
    data_request: DataRequest,
    customer,
    answers: Mapping,
    answers_display: list[dict],
    documents: Mapping[str, UploadedFile],
    customer_note: str = "",
    today: dt.date | None = None,
) -> DataRequest:
    """The customer's answer: new answers merged into the line (old ones kept), documents
    stored, the line back in progress with its clock resumed, staff told by e-mail.

    `answers` are the new values of the requested fields (form JSON), `answers_display` their
    readable items; `documents` maps each requested document label to its upload.
    """
    line = data_request.line
    if line.order.customer_id != customer.pk:
        raise PermissionError("Not the customer's order")
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=data_request.pk)
        if locked.answered_at is not None:
            raise DataRequestClosed(f"Data request {locked.pk} already answered")
        line = OrderLine.objects.select_for_update().get(pk=line.pk)
        LineAnswersRevision.objects.create(
            line=line,
            data_request=locked,
            answers=line.answers,
            answers_display=line.answers_display,
        )
        new_answers = {**line.answers, **dict(answers)}
        changed_labels = {item["label"]: item for item in answers_display}
        display = [changed_labels.pop(item["label"], item) for item in line.answers_display]
        display.extend(changed_labels.values())
        for label, upload in documents.items():
            stored = store_requested_document(customer=customer, upload=upload)
            display.append(
                {
                    "label": f"Documento: {label}",
                    "value": stored.original_name,
                    "file_id": stored.pk,
                }
            )
        line.answers = new_answers
        line.answers_display = display
        line.save(update_fields=["answers", "answers_display"])
        locked.answered_at = timezone.now()
        locked.customer_note = customer_note.strip()
        locked.save(update_fields=["answered_at", "customer_note"])
        delivery.add_pause(
            line, paused_from=timezone.localdate(locked.created_at), resumed_on=today
        )
        if line.status == LineStatus.AWAITING_CUSTOMER_DATA:
            set_line_status(
                line=line,
                to=LineStatus.IN_PROGRESS,
                actor=customer,
                note="Dati ricevuti dal cliente",
            )
        emails.send_staff_data_request_answered(locked)
    return locked


def remind_open_data_requests(*, now: dt.datetime | None = None) -> int:
    """Remind once every data request unanswered for DATA_REQUEST_REMINDER_DAYS. How many."""
    now = now or timezone.now()
    due = now - dt.timedelta(days=settings.DATA_REQUEST_REMINDER_DAYS)
    reminded = 0
    for data_request in DataRequest.objects.filter(
        answered_at__isnull=True,
        reminded_at__isnull=True,
        created_at__lte=due,
        line__status=LineStatus.AWAITING_CUSTOMER_DATA,
    ).select_related("line__order"):
        with transaction.atomic():
            claimed = DataRequest.objects.filter(
                pk=data_request.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed:
                emails.send_data_request_reminder(data_request)
                reminded += 1
    return reminded


# --- Assignment ------------------------------------------------------------------------------


def assign_line(*, line: OrderLine, staff_member, actor=None) -> None:
    """Give the line to a staff member (None: to nobody)."""
    if staff_member is not None and not staff_member.is_staff:
        raise ValueError("Lines are assigned to staff members only")
    OrderLine.objects.filter(pk=line.pk).update(assigned_to=staff_member)
    line.assigned_to = staff_member
