"""Privacy messages: one function per message (see notifications/emails.py)."""

from __future__ import annotations

import datetime as dt

from sportello.notifications.actions import queue_email
from sportello.notifications.models import OutgoingEmail

TEMPLATES = "privacy/email"


def send_account_erased(*, to: str, erased_at: dt.datetime, user) -> OutgoingEmail:
    """Confirms the deletion to the old address. Minimal on purpose: no name, no orders,
    because this row keeps the address until it is sent."""
    return queue_email(
        to=to,
        template=f"{TEMPLATES}/account_erased",
        context={"erased_at": erased_at},
        related=user,
        key=f"account-erased-{user.pk}",
    )
