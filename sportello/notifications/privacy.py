"""What the outbox holds about a customer, for the export."""

from __future__ import annotations

from typing import Any

from sportello.core.export import ExportContext, iso
from sportello.notifications.models import OutgoingEmail

EXPORTED_MODELS: dict[str, str] = {"notifications.OutgoingEmail": "emails"}
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {
    "notifications.OutgoingEmailStatusChange": (
        "delivery attempts of an e-mail; its outcome (status, sent at) is exported with it"
    ),
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
