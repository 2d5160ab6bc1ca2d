"""What the apps' `erase_data(context)` share when a customer deletes their account (GDPR
art. 17). The privacy app checks whether the account may go, then runs the apps in turn."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

REMOVED_TEXT = "[rimosso: account cancellato]"


@dataclass
class ErasureContext:
    user: Any
    actor: Any
    now: dt.datetime
    old_email: str
    placeholder: str
    # Numbers of the orders kept (fiscal records) and of those cancelled by the erasure.
    kept_orders: list[str] = field(default_factory=list)
    cancelled_orders: list[str] = field(default_factory=list)
    deleted_quotes: int = 0
    deleted_files: int = 0
    # Model -> pks of the customer's objects whose e-mails already sent must be blanked.
    related: dict[Any, list[int]] = field(default_factory=dict)
    # Uploads an app above has stopped using and wants deleted with the customer's own.
    uploads_to_delete: set[int] = field(default_factory=set)


def treat(how: str, *field_names: str) -> dict[str, str]:
    """{field: how} for a privacy module's ERASURE declaration."""
    return dict.fromkeys(field_names, how)
