"""Reads over uploads. Usage is known from the rows that point at an upload (PROTECT keys)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet, Sum

from sportello.uploads.models import Upload


def usage_relations() -> list[str]:
    """Query names of the relations through which other rows use an upload (PROTECT keys).

    Read from the model at run time, so a new kind of use (order messages, say) is counted
    without this module knowing the app above that added it.
    """
    return [
        relation.name
        for relation in Upload._meta.related_objects
        if relation.on_delete is models.PROTECT and not relation.hidden
    ]


def is_unused_condition() -> Q:
    condition = Q()
    for name in usage_relations():
        condition &= Q(**{f"{name}__isnull": True})
    return condition


def unused_uploads() -> QuerySet[Upload]:
    """Uploads no cart line, order line, quote line or message points to."""
    return Upload.objects.filter(is_unused_condition())


def used_uploads() -> QuerySet[Upload]:
    return Upload.objects.exclude(pk__in=unused_uploads().values("pk"))


def visitor_uploads(*, user=None, session_key: str = "") -> QuerySet[Upload]:
    """The uploads a visitor may reuse in a form: their own, nobody else's."""
    if user is not None and user.is_authenticated:
        return Upload.objects.filter(owner=user)
    if not session_key:
        return Upload.objects.none()
    return Upload.objects.filter(owner__isnull=True, session_key=session_key)


def total_bytes(uploads: QuerySet[Upload]) -> int:
    return uploads.aggregate(total=Sum("size"))["total"] or 0
