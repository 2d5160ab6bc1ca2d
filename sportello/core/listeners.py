"""Who else hears of a change: the registry behind `orders.listeners` and `quotes.listeners`.

An app lower down announces a change to whoever registered (apps above it, at start-up in
`AppConfig.ready`) without importing them. Listeners run in the caller's transaction, so they
write their own rows (an outbox) there and a rolled-back change leaves nothing; a listener must
not fail for its own reasons: what it raises rolls the change back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")


class Listeners(Generic[P]):
    def __init__(self) -> None:
        self._listeners: list[Callable[P, None]] = []

    def add(self, listener: Callable[P, None]) -> None:
        """Register `listener` once (a second registration of the same function is ignored)."""
        if listener not in self._listeners:
            self._listeners.append(listener)

    def notify(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for listener in list(self._listeners):
            listener(*args, **kwargs)
