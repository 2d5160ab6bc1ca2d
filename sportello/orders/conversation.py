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
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from sportello.audit.actions import record
from sportello.audit.models import EventType
from sportello.catalogue.answers import Answers
from sportello.catalogue.models import FormField
from sportello.companies.queries import may_act
from sportello.orders import delivery, emails
from sportello.orders.actions import set_line_status
from sportello.orders.models import (
    DataRequest,
    LineAnswersRevision,
    LineStatus,
    Order,
    OrderLine,
    OrderLineFile,
    OrderMessage,
)
from sportello.uploads.actions import store_upload
from sportello.uploads.limits import check_stored_bytes
from sportello.uploads.models import Upload


class EmptyMessage(ValueError):
    """A message needs some text or an attachment."""


class DataRequestClosed(Exception):
    """The data request was already answered (or its line is no longer waiting)."""


# --- Attachments -----------------------------------------------------------------------------


def _store_documents_links(line: OrderLine, links: dict[str, int]) -> None:
    """Link rows (OrderLineFile, PROTECT) for uploads the line's answers now name."""
    for key, upload_id in links.items():
        OrderLineFile.objects.update_or_create(
            line=line, field_key=key[:60], defaults={"upload_id": upload_id}
        )


# --- Messages --------------------------------------------------------------------------------


def post_customer_message(
    *, order: Order, customer, body: str, attachment: UploadedFile | None = None
) -> OrderMessage:
    """The customer writes on their own order; staff are told by e-mail."""
    if not may_act(customer, customer_id=order.customer_id, company_id=order.company_id):
        raise PermissionError("Not the customer's order")
    body = body.strip()
    if not body and attachment is None:
        raise EmptyMessage("Scrivi il messaggio.")
    with transaction.atomic():
        # The order row first: two messages at once cannot both slip under the byte cap.
        Order.objects.select_for_update().filter(pk=order.pk).first()
        message = OrderMessage(order=order, author=customer, body=body)
        if attachment is not None:
            check_stored_bytes(
                Upload.objects.filter(
                    order_message_uses__order=order, order_message_uses__is_from_staff=False
                ),
                attachment,
            )
            message.attachment = store_upload(attachment, owner=customer)
        message.save()
        emails.send_staff_order_message(message)
        record(
            event_type=EventType.ORDER_MESSAGE,
            message=f"Ordine {order.number}: messaggio del cliente"
            + (" con allegato" if attachment is not None else ""),
            order_number=order.number,
            customer_id=order.customer_id,
            actor=customer,
            extra={"message": message.pk},
        )
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
    if not body and attachment is None:
        raise EmptyMessage("Scrivi il messaggio.")
    with transaction.atomic():
        message = OrderMessage(
            order=order, author=actor, body=body, is_from_staff=True, is_internal=is_internal
        )
        if attachment is not None:
            message.attachment = store_upload(attachment, owner=actor)
        message.save()
        record(
            event_type=EventType.ORDER_MESSAGE,
            message=f"Ordine {order.number}: "
            + ("nota interna dello staff" if is_internal else "messaggio dello staff al cliente"),
            order_number=order.number,
            customer_id=order.customer_id,
            actor=actor,
            extra={"message": message.pk, "internal": is_internal},
        )
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


def correctable_fields(fields_definition: list[FormField]) -> list[FormField]:
    """The questions a data request may ask to correct: not those whose answer can add a
    supplement (the line's price was paid as ordered, and an answer never re-prices it)."""
    return [definition for definition in fields_definition if not definition.can_add_to_price]


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
    valid_keys = {field.key for field in correctable_fields(form_fields_of_line(line))}
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
        record(
            event_type=EventType.ORDER_DATA_REQUEST,
            message=f"Ordine {line.order.number}, servizio «{line.service_name}»: dati richiesti",
            order_number=line.order.number,
            customer_id=line.order.customer_id,
            actor=actor,
            extra={"line": line.pk, "data_request": data_request.pk},
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
    documents: Mapping[str, UploadedFile | Upload],
    customer_note: str = "",
    today: dt.date | None = None,
) -> DataRequest:
    """The customer's answer: new answers merged into the line (old ones kept), documents
    stored, the line back in progress with its clock resumed, staff told by e-mail.

    `answers` are the new values of the requested fields (form JSON), `answers_display` their
    readable items; `documents` maps each requested document label to its upload (a file
    just received, or the Upload row the form already stored).
    """
    line = data_request.line
    order = line.order
    if not may_act(customer, customer_id=order.customer_id, company_id=order.company_id):
        raise PermissionError("Not the customer's order")
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=data_request.pk)
        if locked.answered_at is not None:
            raise DataRequestClosed(f"Data request {locked.pk} already answered")
        line = OrderLine.objects.select_for_update().get(pk=line.pk)
        revision = LineAnswersRevision.objects.create(
            line=line,
            data_request=locked,
            answers=line.answers,
            answers_display=line.answers_display,
        )
        new_answers = {**line.answers, **dict(answers)}
        changed_labels = {item["label"]: item for item in answers_display}
        display = [changed_labels.pop(item["label"], item) for item in line.answers_display]
        display.extend(changed_labels.values())
        # The files the previous answers named stay protected (kept with the revision).
        for old in OrderLineFile.objects.filter(line=line).exclude(field_key__contains="~"):
            if old.field_key in answers:
                old.field_key = f"{old.field_key}~{revision.pk}"[:60]
                old.save(update_fields=["field_key"])
        _store_documents_links(line, Answers.of(dict(answers)).files())
        for index, (label, upload) in enumerate(documents.items()):
            stored = upload if isinstance(upload, Upload) else store_upload(upload, owner=customer)
            _store_documents_links(line, {f"documento-{locked.pk}-{index}": stored.pk})
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
        locked.answered_by = customer
        locked.customer_note = customer_note.strip()
        locked.save(update_fields=["answered_at", "answered_by", "customer_note"])
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
        record(
            event_type=EventType.ORDER_DATA_REQUEST,
            message=f"Ordine {line.order.number}, servizio «{line.service_name}»: dati inviati "
            "dal cliente",
            order_number=line.order.number,
            customer_id=line.order.customer_id,
            actor=customer,
            extra={"line": line.pk, "data_request": locked.pk},
        )
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
    with transaction.atomic():
        OrderLine.objects.filter(pk=line.pk).update(assigned_to=staff_member)
        line.assigned_to = staff_member
        order = line.order
        record(
            event_type=EventType.ORDER_ASSIGNED,
            message=f"Ordine {order.number}, servizio «{line.service_name}»: assegnato a "
            + (staff_member.get_full_name() or staff_member.email if staff_member else "nessuno"),
            order_number=order.number,
            customer_id=order.customer_id,
            actor=actor,
            extra={"line": line.pk, "assigned_to": staff_member.pk if staff_member else None},
        )
