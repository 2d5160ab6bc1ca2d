from __future__ import annotations

from django.db.models import QuerySet

from sportello.audit.models import AuditEvent


def events(
    *, order_number: str = "", quote_number: str = "", customer=None
) -> QuerySet[AuditEvent]:
    """The trail of one order, one quote or one customer, newest first, actor joined."""
    queryset = AuditEvent.objects.select_related("actor").order_by("-created_at", "-id")
    if order_number:
        return queryset.filter(order_number=order_number)
    if quote_number:
        return queryset.filter(quote_number=quote_number)
    if customer is not None:
        return queryset.filter(customer=customer)
    return queryset.none()
