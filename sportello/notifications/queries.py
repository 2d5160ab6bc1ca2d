from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from sportello.notifications.models import EmailStatus, OutgoingEmail


def due_email_ids(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Queued messages whose next attempt is due, oldest first (served by outbox_status_due)."""
    now = now or timezone.now()
    return list(
        OutgoingEmail.objects.filter(status=EmailStatus.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def emails_about(obj) -> list[OutgoingEmail]:
    """Messages queued about one object (an order, a quote…), newest first, without bodies."""
    return list(
        OutgoingEmail.objects.filter(
            related_content_type=ContentType.objects.get_for_model(obj),
            related_object_id=str(obj.pk),
        ).defer("text_body", "html_body")
    )
