"""Helpers for the customer's data export (GDPR art. 15, 20), shared by every app's
`privacy.py`. The privacy app runs the apps' `export_data` in turn and zips the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

FILES_DIR = "file"


def iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def history(changes: Iterable) -> list[dict[str, Any]]:
    # Who on the staff moved it is the staff member's data, not the customer's: left out.
    return [
        {
            "from": change.from_status,
            "to": change.to_status,
            "at": iso(change.created_at),
            "note": change.note,
        }
        for change in changes
    ]


class ExportFiles:
    """Files to put in the ZIP, each under a unique path inside FILES_DIR."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, Any]] = []
        self._seen: dict[tuple[str, int], str] = {}

    def add(self, kind: str, pk: int, name: str, field_file) -> str | None:
        if not field_file:
            return None
        key = (kind, pk)
        if key not in self._seen:
            safe_name = name.replace("/", "_").replace("\\", "_") or "file"
            path = f"{FILES_DIR}/{kind}/{pk}-{safe_name}"
            self._seen[key] = path
            self.entries.append((path, field_file))
        return self._seen[key]


@dataclass
class ExportContext:
    """What the apps' `export_data(context)` write into, in the order the privacy app runs them.

    `data` is the JSON document; `files` the files to zip. Apps that use uploads add a
    condition (no query) naming the customer's uploads they use to `used_uploads`; an app that
    exports some of the customer's own uploads itself (message attachments) narrows
    `own_uploads`, so the uploads app lists each file once.
    """

    user: Any
    files: ExportFiles = field(default_factory=ExportFiles)
    data: dict[str, Any] = field(default_factory=dict)
    used_uploads: list[Q] = field(default_factory=list)
    own_uploads: Q = field(default_factory=Q)
