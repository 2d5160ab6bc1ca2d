"""Notices shown on DATI DI FATTURAZIONE by apps above accounts, which accounts cannot import.

An app registers a function at start-up (`AppConfig.ready`): `notice(user)` returns a sentence
to show above the form, or None. A company member's orders are billed with the company's data,
for instance, so their personal billing data are not what their invoices will carry.
"""

from __future__ import annotations

from collections.abc import Callable

_notices: list[Callable[[object], str | None]] = []


def add_billing_notice(notice: Callable[[object], str | None]) -> None:
    if notice not in _notices:
        _notices.append(notice)


def billing_notices(user) -> list[str]:
    return [text for notice in _notices if (text := notice(user))]
