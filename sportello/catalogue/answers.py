"""Readable summaries of answers: labels instead of keys, Italian formats."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats

from sportello.catalogue.models import FieldType, FormField
from sportello.core.italian import province_label


@dataclass(frozen=True)
class AnswerItem:
    key: str
    label: str
    value: str
    file_id: int | None = None


def display_value(definition: FormField, value) -> str:
    kind = definition.field_type
    if value is None or value == "" or value == []:
        return "—"
    if kind == FieldType.BOOLEAN:
        return "Sì" if value else "No"
    if kind == FieldType.DATE:
        return formats.date_format(dt.date.fromisoformat(value), "d/m/Y")
    if kind == FieldType.DECIMAL:
        return formats.number_format(Decimal(value), decimal_pos=None, use_l10n=True)
    if kind == FieldType.CHOICE:
        labels = {c.value: c.label for c in definition.choices.all()}
        return labels.get(value, value)
    if kind == FieldType.MULTIPLE_CHOICE:
        labels = {c.value: c.label for c in definition.choices.all()}
        return ", ".join(labels.get(v, v) for v in value)
    if kind == FieldType.PROVINCIA:
        return province_label(value)
    if kind == FieldType.FILE:
        return value.get("name", "file")
    return str(value)


def summarize_answers(fields_definition: list[FormField], answers: dict) -> list[AnswerItem]:
    """One item per field of the form, in the form's order. Choices must be prefetched."""
    items = []
    for definition in fields_definition:
        value = answers.get(definition.key)
        file_id = value.get("file_id") if isinstance(value, dict) else None
        items.append(
            AnswerItem(
                key=definition.key,
                label=definition.label,
                value=display_value(definition, value),
                file_id=file_id,
            )
        )
    return items


def answers_snapshot(items: list[AnswerItem]) -> list[dict]:
    """The answers as shown to the customer, frozen into an order or quote line."""
    return [{"label": item.label, "value": item.value, "file_id": item.file_id} for item in items]
