"""One helper for every state machine (orders, order lines, payments, quotes, e-mails).

A transition is a compare-and-set: `UPDATE … SET status = new WHERE pk = … AND status = old`,
checked for exactly one row. It behaves the same on SQLite (which ignores SELECT … FOR UPDATE)
and PostgreSQL, so two concurrent requests can never both move a row out of the same state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone


class InvalidTransition(Exception):
    """The requested status change is not allowed from the current status."""

    def __init__(self, instance: models.Model, from_status: str, to_status: str):
        self.instance = instance
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(
            f"{type(instance).__name__} {instance.pk}: {from_status!r} -> {to_status!r} not allowed"
        )


def change_status(
    instance: Any,
    *,
    to: str,
    transitions: Mapping[str, set[str] | frozenset[str]],
    history: Any = None,
    history_fk: str = "",
    actor=None,
    note: str = "",
    extra: dict[str, Any] | None = None,
    allow_repeat: bool = False,
    where: Mapping[str, Any] | None = None,
    on_change: Callable[[str, str], Any] | None = None,
) -> bool:
    """Move `instance` to status `to`, writing a history row. Returns True when it moved.

    With allow_repeat=True, asking for the status the row already has is a no-op returning
    False (for retries from the outside world: webhooks, payment callbacks).
    Raises InvalidTransition when `to` is not reachable from the current status.
    `where` adds conditions the row must still meet (e.g. the claim a worker holds); when they
    no longer hold, the change is refused with InvalidTransition too.
    `on_change(from_status, to_status)` runs in the same transaction once the row moved: the
    caller above passes what records the change (the audit trail, sportello.audit).
    """
    model: Any = type(instance)
    with transaction.atomic():
        current = model.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
        if current is None:
            raise model.DoesNotExist(f"{model.__name__} {instance.pk} does not exist")
        if current == to and allow_repeat:
            instance.status = current
            return False
        if to not in transitions.get(current, ()):
            raise InvalidTransition(instance, current, to)
        now = timezone.now()
        updates: dict[str, Any] = {"status": to, **(extra or {})}
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            updates["updated_at"] = now
        moved = (
            model.objects.filter(pk=instance.pk, status=current)
            .filter(**(where or {}))
            .update(**updates)
        )
        if moved != 1:
            # Someone else changed it between our read and our write.
            latest = model.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
            if latest == to and allow_repeat:
                instance.status = latest
                return False
            raise InvalidTransition(instance, latest or current, to)
        for field, value in updates.items():
            setattr(instance, field, value)
        if history is not None:
            history.objects.create(
                **{history_fk: instance},
                from_status=current,
                to_status=to,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                note=note,
            )
        if on_change is not None:
            on_change(current, to)
    return True


def status_label(choices: type[models.TextChoices], value: str) -> str:
    """The Italian label of a status value ("—" for the empty start of a history).

    A value no longer among the choices (a status since removed) is shown as stored.
    """
    if not value:
        return "—"
    return str(choices(value).label) if value in choices.values else value


def transition_label(choices: type[models.TextChoices], from_status: str, to_status: str) -> str:
    """ "Da pagare → Pagato": one history row in words."""
    return f"{status_label(choices, from_status)} → {status_label(choices, to_status)}"


class StatusChangeBase(models.Model):
    """Abstract history row: who moved what from which status to which, when, and why."""

    from_status = models.CharField("da", max_length=30)
    to_status = models.CharField("a", max_length=30)
    actor = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="operatore",
    )
    note = models.TextField("nota", blank=True)
    created_at = models.DateTimeField("data", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
