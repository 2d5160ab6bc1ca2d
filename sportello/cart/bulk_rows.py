"""Checking the rows of an "Ordine multiplo" with the service page's own form.

Each row is turned into the data a browser would post (choices by label or value, "Sì"/"No",
province by code or name) and given to `ServiceAnswersForm`, the very form of the service
page: codice fiscale, CAP, provincia, required fields, choices and supplements behave the
same. No query runs per row: the field definitions come prefetched, once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import translation

from sportello.cart.bulk_sheets import SheetRow, cell_text, spreadsheet_fields
from sportello.catalogue.forms import ServiceAnswersForm
from sportello.catalogue.models import FieldType, FormField
from sportello.core.italian import PROVINCE_NAMES

YES = {"si", "sì", "s", "x", "1", "vero", "true", "yes"}
NO = {"no", "n", "0", "falso", "false"}
_PROVINCE_BY_NAME = {name.casefold(): code for code, name in PROVINCE_NAMES.items()}
FILE_LEVEL = "__all__"


class NoTemplateColumns(ValueError):
    """No column of the file's first row is a field of the service's form."""


def _normalise(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().rstrip("*").strip().casefold()


@dataclass
class Header:
    """Which column holds which field, and what the customer should know about the header."""

    columns: dict[int, FormField]
    warnings: list[str] = field(default_factory=list)


def match_header(definitions: list[FormField], cells: list) -> Header:
    """Map the file's header cells to the form's fields, by label or by key."""
    by_name: dict[str, FormField] = {}
    for definition in spreadsheet_fields(definitions):
        by_name.setdefault(_normalise(definition.key), definition)
        by_name.setdefault(_normalise(definition.label), definition)
    columns: dict[int, FormField] = {}
    warnings: list[str] = []
    for index, cell in enumerate(cells):
        name = _normalise(cell)
        if not name:
            continue
        matched = by_name.get(name)
        if matched is None or matched in columns.values():
            warnings.append(f"La colonna «{str(cell).strip()}» non fa parte del modulo: ignorata.")
            continue
        columns[index] = matched
    if not columns:
        raise NoTemplateColumns(
            "La prima riga del file non contiene le intestazioni del modello: "
            "scarica il modello del servizio e compila quello."
        )
    present = set(columns.values())
    for definition in spreadsheet_fields(definitions):
        if definition not in present:
            warnings.append(f"Manca la colonna «{definition.label}».")
    return Header(columns=columns, warnings=warnings)


def row_data(header: Header, row: SheetRow) -> dict[str, str]:
    """{field key: text} of one spreadsheet row (what is kept and shown to correct it)."""
    data: dict[str, str] = {}
    for index, definition in header.columns.items():
        value = row.cells[index] if index < len(row.cells) else None
        data[definition.key] = cell_text(definition, value)
    return data


def _choice_value(definition: FormField, text: str) -> str:
    wanted = text.strip().casefold()
    for choice in definition.choices.all():
        if wanted in (choice.value.casefold(), choice.label.casefold()):
            return choice.value
    return text


def _form_value(definition: FormField, text: str):
    kind = definition.field_type
    if kind == FieldType.BOOLEAN:
        lowered = text.strip().casefold()
        if lowered in YES:
            return "si"
        if lowered in NO or (not lowered and not definition.is_required):
            return "no"
        return text
    if kind == FieldType.CHOICE:
        return _choice_value(definition, text) if text else ""
    if kind == FieldType.MULTIPLE_CHOICE:
        return [_choice_value(definition, part) for part in text.split(",") if part.strip()]
    if kind == FieldType.PROVINCIA:
        stripped = text.strip()
        return _PROVINCE_BY_NAME.get(stripped.casefold(), stripped.upper())
    return text


def form_data(definitions: list[FormField], data: dict[str, str]) -> dict:
    """The data the service page's form would receive for these answers."""
    return {
        d.key: _form_value(d, data.get(d.key, "") or "") for d in spreadsheet_fields(definitions)
    }


@dataclass(frozen=True)
class RowResult:
    errors: dict[str, list[str]]
    answers: dict | None  # JSON answers, as a cart line keeps them; None when invalid

    @property
    def is_valid(self) -> bool:
        return not self.errors


class RowChecker:
    """Validates rows one after the other with one instance of the service page's form.

    Building the form costs more than checking a row (the province list alone is 107
    choices), so the fields are built once and the form is bound to each row in turn: the
    same fields, the same `clean` methods, the same messages as on the service page.
    """

    def __init__(self, definitions: list[FormField]):
        self.definitions = definitions
        self.form = ServiceAnswersForm(data={}, files={}, fields_definition=definitions)

    def check(self, data: dict[str, str]) -> RowResult:
        form = self.form
        form.data = form_data(self.definitions, data)
        with translation.override("it"):
            # Starts from empty errors and cleaned data, as a new form would.
            form.full_clean()
            if not form.is_valid():
                errors = {
                    key: [self._spreadsheet_message(key, error) for error in errors]
                    for key, errors in form.errors.as_data().items()
                }
                return RowResult(errors=errors, answers=None)
            return RowResult(errors={}, answers=form.answers())

    def _spreadsheet_message(self, key: str, error) -> str:
        """The page's message, and for a value a spreadsheet cannot pick from a list (a choice,
        a yes/no, a province) what may be written in the cell."""
        message = " ".join(str(text) for text in error.messages)
        definition = next((d for d in self.definitions if d.key == key), None)
        if definition is None or error.code not in ("invalid_choice", "required"):
            return message
        kind = definition.field_type
        if kind in (FieldType.CHOICE, FieldType.MULTIPLE_CHOICE):
            labels = ", ".join(f"«{choice.label}»" for choice in definition.choices.all())
            several = (
                " (più valori separati da virgole)" if kind == FieldType.MULTIPLE_CHOICE else ""
            )
            return f"{message} Valori ammessi{several}: {labels}."
        if kind == FieldType.BOOLEAN and error.code == "invalid_choice":
            return f"{message} Scrivi «Sì» o «No»."
        if kind == FieldType.PROVINCIA and error.code == "invalid_choice":
            # "…dall'elenco" means nothing in a spreadsheet cell.
            return "Provincia non riconosciuta: scrivi la sigla (ad esempio BO) o il nome."
        return message


def check_row(definitions: list[FormField], data: dict[str, str]) -> RowResult:
    """Validate one row with the service page's form (Italian messages, by field key)."""
    return RowChecker(definitions).check(data)


def is_blank(row: SheetRow) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row.cells)
