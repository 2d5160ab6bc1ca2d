"""The one way to write the audit trail (Zulip's realm audit log, in small)."""

from __future__ import annotations

from typing import Any

from django.db import models

from sportello.audit.context import current
from sportello.audit.models import AuditEvent
from sportello.core.state import status_label


def _person(user) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def record(
    *,
    event_type: str,
    message: str,
    order_number: str = "",
    quote_number: str = "",
    customer=None,
    customer_id: int | None = None,
    actor=None,
    source: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row inside the caller's transaction (it rolls back with the action).

    `actor` and `source` default to the current context (sportello.audit.context); an action
    that receives its actor as an argument passes it on.
    """
    context = current()
    return AuditEvent.objects.create(
        actor=_person(actor if actor is not None else context.actor),
        source=source or context.source,
        event_type=event_type,
        order_number=order_number,
        quote_number=quote_number,
        customer=customer,
        customer_id=customer_id if customer is None else customer.pk,
        message=message,
        extra=extra or {},
    )


def record_status_change(
    *,
    event_type: str,
    subject: str,
    choices: type[models.TextChoices],
    from_status: str,
    to_status: str,
    note: str = "",
    order_number: str = "",
    quote_number: str = "",
    customer=None,
    customer_id: int | None = None,
    actor=None,
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """A transition in words: "Ordine 2026-000001: «In attesa di pagamento» → «Pagato»"."""
    message = (
        f"{subject}: «{status_label(choices, from_status)}» → «{status_label(choices, to_status)}»"
    )
    if note.strip():
        message += f" (nota: {note.strip()})"
    return record(
        event_type=event_type,
        message=message,
        order_number=order_number,
        quote_number=quote_number,
        customer=customer,
        customer_id=customer_id,
        actor=actor,
        extra={"from": from_status, "to": to_status, **(extra or {})},
    )
