"""The outbox: queue a message inside the caller's transaction, deliver it after commit.

Every state change of an OutgoingEmail happens here. Delivery is at-least-once with a guard:
a row is claimed with one conditional UPDATE (queued and due -> sending), so two workers never
send the same message; only a worker that dies between the SMTP answer and the final UPDATE
can cause a repeat, after EMAIL_SENDING_TIMEOUT_SECONDS.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from sportello.core.state import InvalidTransition, change_status
from sportello.notifications.models import (
    EMAIL_TRANSITIONS,
    EmailStatus,
    OutgoingEmail,
    OutgoingEmailAttachment,
    OutgoingEmailStatusChange,
)
from sportello.notifications.rendering import render_email

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = timedelta(hours=6)
LAST_ERROR_MAX_CHARS = 2000


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str = "application/pdf"


def queue_email(
    *,
    to: str | Sequence[str],
    template: str,
    context: dict[str, Any] | None = None,
    related: models.Model | None = None,
    key: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> OutgoingEmail:
    """Render `template` and write an outbox row in the current transaction.

    `attachments` are stored with the row and sent with every attempt.

    Delivery is scheduled with transaction.on_commit: a rolled-back caller leaves no row and
    sends nothing. With `key`, a second call with the same key returns the first row instead
    of queueing the message again ("send once").
    """
    recipients = _clean_recipients(to)
    if key:
        existing = OutgoingEmail.objects.filter(key=key).first()
        if existing is not None:
            return existing
    rendered = render_email(template, context)
    now = timezone.now()
    email = OutgoingEmail(
        to=", ".join(recipients),
        from_email=settings.DEFAULT_FROM_EMAIL,
        reply_to=reply_to_for(recipients),
        subject=rendered.subject,
        text_body=rendered.text_body,
        html_body=rendered.html_body,
        template=template,
        message_id=make_msgid(domain=_message_id_domain()),
        key=key or None,
        status=EmailStatus.QUEUED,
        next_attempt_at=now,
    )
    if related is not None:
        email.related_content_type = ContentType.objects.get_for_model(related)
        email.related_object_id = str(related.pk)
    try:
        with transaction.atomic():
            email.save()
            OutgoingEmailAttachment.objects.bulk_create(
                OutgoingEmailAttachment(
                    email=email,
                    filename=attachment.filename,
                    content_type=attachment.content_type,
                    content=attachment.content,
                )
                for attachment in attachments
            )
            OutgoingEmailStatusChange.objects.create(
                email=email, from_status="", to_status=EmailStatus.QUEUED, note=template
            )
    except IntegrityError:
        # A concurrent transaction queued the same key first.
        existing = OutgoingEmail.objects.filter(key=key).first() if key else None
        if existing is None:
            raise
        return existing
    # robust: a broker outage must not break the customer's request; the row is committed
    # and the periodic retry task will pick it up.
    pk = email.pk
    transaction.on_commit(lambda: _schedule_delivery(pk), robust=True)
    return email


def reply_to_for(recipients: Sequence[str]) -> str:
    """Customers' replies go to SUPPORT_EMAIL, a mailbox staff read; staff's own notifications
    need none."""
    if all(address == settings.STAFF_NOTIFICATION_EMAIL for address in recipients):
        return ""
    return settings.SUPPORT_EMAIL


def deliver(pk: int, *, now: datetime | None = None) -> bool:
    """Send one queued message if it is due. Returns True when this call sent it.

    Never raises for a delivery problem: the error is stored on the row and a retry is
    scheduled with exponential backoff, up to settings.EMAIL_MAX_ATTEMPTS.
    """
    now = now or timezone.now()
    if not _claim(pk, now=now):
        return False
    email = OutgoingEmail.objects.get(pk=pk)
    try:
        _build_message(email).send(fail_silently=False)
    except Exception as exc:  # any transport failure: SMTP codes, refused connections, DNS…
        _record_failure(email, exc, now=now)
        return False
    try:
        change_status(
            email,
            to=EmailStatus.SENT,
            transitions=EMAIL_TRANSITIONS,
            history=OutgoingEmailStatusChange,
            history_fk="email",
            extra={"sent_at": timezone.now(), "claimed_at": None},
        )
    except InvalidTransition:
        logger.error("E-mail %s was sent but reclaimed meanwhile; it may be sent again", pk)
    return True


def requeue(email: OutgoingEmail, *, actor=None) -> bool:
    """Staff resend a message that was given up: a fresh round of attempts, sent after commit.

    Returns False (and changes nothing) when the message is not in the failed state.
    """
    try:
        change_status(
            email,
            to=EmailStatus.QUEUED,
            transitions={EmailStatus.FAILED: EMAIL_TRANSITIONS[EmailStatus.FAILED]},
            history=OutgoingEmailStatusChange,
            history_fk="email",
            actor=actor,
            note="Reinvio richiesto dallo staff",
            extra={"attempts": 0, "next_attempt_at": timezone.now(), "claimed_at": None},
        )
    except InvalidTransition:
        return False
    pk = email.pk
    transaction.on_commit(lambda: _schedule_delivery(pk), robust=True)
    return True


def reclaim_stuck_emails(*, now: datetime | None = None) -> int:
    """Put back in the queue the messages whose worker died while sending them.

    A row still "sending" after EMAIL_SENDING_TIMEOUT_SECONDS is due again at once, or
    failed for good when it has used all its attempts. Returns how many rows were reclaimed.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.EMAIL_SENDING_TIMEOUT_SECONDS)
    stuck = OutgoingEmail.objects.filter(status=EmailStatus.SENDING, claimed_at__lt=cutoff)
    reclaimed = 0
    for email in stuck.only("pk", "status", "attempts", "claimed_at"):
        has_attempts_left = email.attempts < settings.EMAIL_MAX_ATTEMPTS
        try:
            change_status(
                email,
                to=EmailStatus.QUEUED if has_attempts_left else EmailStatus.FAILED,
                transitions=EMAIL_TRANSITIONS,
                history=OutgoingEmailStatusChange,
                history_fk="email",
                note="Invio interrotto: il messaggio è stato ripreso",
                extra={
                    "claimed_at": None,
                    "next_attempt_at": now,
                    "last_error": "Invio interrotto (il processo di invio non ha risposto).",
                },
                # Only the claim we saw: a row re-claimed meanwhile belongs to a live worker.
                where={"claimed_at": email.claimed_at},
            )
        except InvalidTransition:
            continue  # the worker finished after all
        reclaimed += 1
    return reclaimed


def retry_delay(attempts: int) -> timedelta:
    """Wait before attempt number attempts + 1: base, 2×base, 4×base… capped at six hours."""
    base = timedelta(seconds=settings.EMAIL_RETRY_BACKOFF_SECONDS)
    return min(base * (2 ** max(attempts - 1, 0)), MAX_RETRY_DELAY)


def _claim(pk: int, *, now: datetime) -> bool:
    """queued and due -> sending, as one compare-and-set UPDATE checked for exactly one row."""
    with transaction.atomic():
        claimed = OutgoingEmail.objects.filter(
            pk=pk, status=EmailStatus.QUEUED, next_attempt_at__lte=now
        ).update(
            status=EmailStatus.SENDING,
            claimed_at=now,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        if claimed != 1:
            return False
        OutgoingEmailStatusChange.objects.create(
            email_id=pk, from_status=EmailStatus.QUEUED, to_status=EmailStatus.SENDING
        )
    return True


def _record_failure(email: OutgoingEmail, exc: Exception, *, now: datetime) -> None:
    error = f"{type(exc).__name__}: {exc}"[:LAST_ERROR_MAX_CHARS]
    gives_up = _is_permanent(exc) or email.attempts >= settings.EMAIL_MAX_ATTEMPTS
    if gives_up:
        logger.error(
            "E-mail %s failed for good after %s attempts: %s", email.pk, email.attempts, error
        )
        to, extra = EmailStatus.FAILED, {}
    else:
        delay = retry_delay(email.attempts)
        logger.warning(
            "E-mail %s attempt %s failed, retrying in %s: %s",
            email.pk,
            email.attempts,
            delay,
            error,
        )
        to, extra = EmailStatus.QUEUED, {"next_attempt_at": now + delay}
    try:
        change_status(
            email,
            to=to,
            transitions=EMAIL_TRANSITIONS,
            history=OutgoingEmailStatusChange,
            history_fk="email",
            note=error,
            extra={"last_error": error, "claimed_at": None, **extra},
        )
    except InvalidTransition:
        logger.warning("E-mail %s was reclaimed while a worker was sending it", email.pk)


def _is_permanent(exc: Exception) -> bool:
    """Every recipient refused with a 5xx code: retrying cannot help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        return all(code >= 500 for code, _message in exc.recipients.values())
    return False


def _build_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=email.from_email,
        to=email.recipient_list,
        headers={"Message-ID": email.message_id},
        reply_to=[email.reply_to] if email.reply_to else None,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for attachment in email.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    return message


def _clean_recipients(to: str | Sequence[str]) -> list[str]:
    addresses = [to] if isinstance(to, str) else list(to)
    cleaned = [address.strip() for address in addresses if address and address.strip()]
    if not cleaned:
        raise ValueError("An e-mail needs at least one recipient")
    for address in cleaned:
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValueError(f"Not a valid e-mail address: {address!r}") from exc
    return cleaned


def _message_id_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def _schedule_delivery(pk: int) -> None:
    # Not a cycle between apps: tasks.py (same app) imports this module for the task bodies,
    # so the task is looked up when a delivery is scheduled, once both modules are loaded.
    from sportello.notifications.tasks import deliver_email_task

    deliver_email_task.delay(pk)
