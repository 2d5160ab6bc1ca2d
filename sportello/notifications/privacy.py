"""What the outbox holds about a customer, for the export."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType

from sportello.core.erasure import REMOVED_TEXT, ErasureContext, treat
from sportello.core.export import ExportContext, iso
from sportello.notifications.models import EmailStatus, OutgoingEmail, OutgoingEmailAttachment

EXPORTED_MODELS: dict[str, str] = {"notifications.OutgoingEmail": "emails"}
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {
    "notifications.OutgoingEmailAttachment": (
        "documents sent with an e-mail (the terms of sale, a quote's PDF), whose content the "
        "export already has; erasure deletes them with the text of the customer's sent e-mails"
    ),
    "notifications.OutgoingEmailStatusChange": (
        "delivery attempts of an e-mail; its outcome (status, sent at) is exported with it"
    ),
}


SENT = "on e-mails sent (or given up) to the customer or about their orders and quotes: "
# Model label -> field -> what erasure does with it.
ERASURE: dict[str, dict[str, str]] = {
    "notifications.OutgoingEmail": {
        **treat(SENT + "the customer's address replaced by deleted-<id>@invalid", "to"),
        **treat(SENT + "replaced or blanked", "subject", "text_body", "html_body"),
        **treat(
            "kept: delivery record (no content left once scrubbed); e-mails still waiting "
            "are delivered as written",
            "id",
            "created_at",
            "updated_at",
            "from_email",
            "reply_to",
            "template",
            "message_id",
            "key",
            "related_content_type",
            "related_object_id",
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "claimed_at",
            "sent_at",
        ),
    },
}


def emails_to(address: str):
    """Outbox rows whose recipients include `address` (exactly, case aside)."""
    address = address.lower()
    candidates = OutgoingEmail.objects.filter(to__icontains=address).order_by("created_at", "id")
    return [
        email
        for email in candidates
        if address in (recipient.lower() for recipient in email.recipient_list)
    ]


def _emails(user) -> list[dict[str, Any]]:
    return [
        {
            "to": email.to,
            "subject": email.subject,
            "text_body": email.text_body,
            "status": email.status,
            "queued_at": iso(email.created_at),
            "sent_at": iso(email.sent_at),
        }
        for email in emails_to(user.email)
    ]


def export_data(context: ExportContext) -> None:
    context.data["emails"] = _emails(context.user)


def _delete_attachments(emails) -> None:
    """The documents sent with these e-mails (e.g. a quote's PDF) go with their text."""
    OutgoingEmailAttachment.objects.filter(email__in=emails).delete()


def erase_data(context: ErasureContext) -> None:
    """Copies of what was sent about the customer's objects (to staff too: answers, messages,
    name, address) and everything sent to their address are blanked; rows still waiting to be
    sent go out as written. Run after the apps that fill `context.related`."""
    for model, pks in context.related.items():
        if not pks:
            continue
        sent = OutgoingEmail.objects.filter(
            related_content_type=ContentType.objects.get_for_model(model),
            related_object_id__in=[str(pk) for pk in pks],
            status__in=(EmailStatus.SENT, EmailStatus.FAILED),
        )
        _delete_attachments(sent)
        sent.update(subject=REMOVED_TEXT, text_body="", html_body="", updated_at=context.now)
    old_email = context.old_email
    for email in emails_to(old_email):
        if email.status in (EmailStatus.SENT, EmailStatus.FAILED):
            recipients = [
                context.placeholder if r.lower() == old_email.lower() else r
                for r in email.recipient_list
            ]
            _delete_attachments(OutgoingEmail.objects.filter(pk=email.pk))
            OutgoingEmail.objects.filter(pk=email.pk).update(
                to=", ".join(recipients),
                subject=REMOVED_TEXT,
                text_body="",
                html_body="",
                updated_at=context.now,
            )
