"""Who is acting, and from where, for the audit trail: set once at the edge, read by actions.

The edges set it: `AuditContextMiddleware` for every request (back-office or customer pages,
or a webhook view marked with `@audit_source(Source.WEBHOOK)`), `acting()` around Celery tasks
(config/celery.py) and management commands. Code with no context acts as "system".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

from django.db import models


class Source(models.TextChoices):
    BACK_OFFICE = "back_office", "Back-office"
    CUSTOMER = "customer", "Cliente"
    WEBHOOK = "webhook", "Notifica del fornitore di pagamento"
    SCHEDULED = "scheduled", "Attività pianificata"
    SYSTEM = "system", "Sistema"


@dataclass(frozen=True)
class AuditContext:
    source: str = Source.SYSTEM
    actor: Any = None


_current: ContextVar[AuditContext | None] = ContextVar("sportello_audit_context", default=None)


def current() -> AuditContext:
    return _current.get() or AuditContext()


def set_context(context: AuditContext) -> Token:
    """For edges that cannot wrap the work in `acting()` (middleware, task signals)."""
    return _current.set(context)


def reset_context(token: Token) -> None:
    _current.reset(token)


@contextmanager
def acting(*, source: str, actor: Any = None) -> Iterator[AuditContext]:
    """Everything recorded inside the block comes from `source` (and `actor`, if a person)."""
    context = AuditContext(source=source, actor=actor)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def audit_source(source: str) -> Callable:
    """Mark a view whose caller is not the logged-in user (a provider's webhook or callback)."""

    def mark(view: Callable) -> Callable:
        view.audit_source = source  # type: ignore[attr-defined]
        return view

    return mark
