"""The customer's answers to a service form, as one value type.

`Answers` wraps the JSON kept on cart, order and quote lines ({field key: value}; a file is
{"file_id": upload id, "name": original name}) and answers the questions the code asks of it:
which uploads it names (`file_ids`), how it reads to a person (`display`), what an order or
quote line freezes (`snapshot`). Nobody else walks the JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import formats

from sportello.catalogue.models import FieldType, FormField
from sportello.core.italian import province_label
from sportello.uploads.models import Upload


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


def _file_id(value) -> int | None:
    if isinstance(value, dict) and isinstance(value.get("file_id"), int):
        return value["file_id"]
    return None


def file_answer(*, upload_id: int, name: str) -> dict:
    """The JSON of a file answer."""
    return {"file_id": upload_id, "name": name}


@dataclass(frozen=True)
class Answers(Mapping):
    """The answers of one line: {field key: JSON value}. Read-only."""

    data: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, raw) -> Answers:
        if isinstance(raw, Answers):
            return raw
        return cls(dict(raw) if isinstance(raw, dict) else {})

    def __getitem__(self, key: str):
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def to_json(self) -> dict:
        return dict(self.data)

    def files(self) -> dict[str, int]:
        """{field key: upload id} for the file answers."""
        return {
            key: file_id
            for key, value in self.data.items()
            if (file_id := _file_id(value)) is not None
        }

    def file_ids(self) -> set[int]:
        return set(self.files().values())

    def display(self, fields_definition: list[FormField]) -> list[AnswerItem]:
        """One item per field of the form, in the form's order. Choices must be prefetched."""
        return [
            AnswerItem(
                key=definition.key,
                label=definition.label,
                value=display_value(definition, self.data.get(definition.key)),
                file_id=_file_id(self.data.get(definition.key)),
            )
            for definition in fields_definition
        ]


def summarize_answers(fields_definition: list[FormField], answers) -> list[AnswerItem]:
    """One item per field of the form, in the form's order. Choices must be prefetched."""
    return Answers.of(answers).display(fields_definition)


def answers_snapshot(items: list[AnswerItem]) -> list[dict]:
    """The answers as shown to the customer, frozen into an order or quote line."""
    return [{"label": item.label, "value": item.value, "file_id": item.file_id} for item in items]


@dataclass(frozen=True)
class DisplayedAnswers:
    """The frozen display list of an order or quote line ([{"label", "value", "file_id"}])."""

    items: list = field(default_factory=list)

    @classmethod
    def of(cls, raw) -> DisplayedAnswers:
        return cls(
            [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else []
        )

    def file_ids(self) -> set[int]:
        return {file_id for item in self.items if (file_id := _file_id(item)) is not None}

    def with_files(self) -> list[dict]:
        """The items that name an upload."""
        return [item for item in self.items if _file_id(item) is not None]


def snapshot_files(answers, answers_display) -> dict[str, int]:
    """{key: upload id} an order or quote line uses: its answers' files, plus any file only its
    display list names (keyed "display-<position>")."""
    files = Answers.of(answers).files()
    known = set(files.values())
    for position, item in enumerate(DisplayedAnswers.of(answers_display).items):
        file_id = _file_id(item)
        if file_id is not None and file_id not in known:
            files[f"display-{position}"] = file_id
            known.add(file_id)
    return files


def link_snapshot_files(lines, link_model) -> None:
    """One `link_model(line=, upload=, field_key=)` row per upload the lines' answer snapshots
    name (order and quote lines keep those files: PROTECT keys). Ids of uploads that no longer
    exist are skipped."""
    wanted = [
        (line, key, upload_id)
        for line in lines
        for key, upload_id in snapshot_files(line.answers, line.answers_display).items()
    ]
    if not wanted:
        return
    existing = set(
        Upload.objects.filter(pk__in={upload_id for *_rest, upload_id in wanted}).values_list(
            "pk", flat=True
        )
    )
    link_model.objects.bulk_create(
        link_model(line=line, upload_id=upload_id, field_key=key)
        for line, key, upload_id in wanted
        if upload_id in existing
    )
