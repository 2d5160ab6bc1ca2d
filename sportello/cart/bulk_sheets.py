"""Spreadsheets of "Ordine multiplo": the template a customer downloads and the file they send.

The template's first row holds the labels of the service's form fields (one column each);
a file's header is matched back to the fields by label or by key, ignoring case and a
trailing "*". CSV is written UTF-8 with BOM and `;` (what Italian Excel opens); `;`, `,` and
tab are all read. XLSX has a second sheet, "Istruzioni", listing every column's format and
allowed values. File fields cannot be filled from a spreadsheet: they are not columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from sportello.catalogue.models import FieldType, FormField
from sportello.core.italian import PROVINCE_CHOICES

SHEET_NAME = "Ordine"
INSTRUCTIONS_SHEET = "Istruzioni"
BOOLEAN_HELP = "Sì oppure No"
CSV_DELIMITERS = (";", ",", "\t")
# Columns Excel must keep as text: leading zeros of CAP and phone numbers, long codes.
TEXT_COLUMN_TYPES = {
    FieldType.CAP,
    FieldType.PHONE,
    FieldType.CODICE_FISCALE,
    FieldType.PARTITA_IVA,
    FieldType.TEXT,
    FieldType.TEXTAREA,
}
FORMAT_HELP = {
    FieldType.TEXT: "Testo",
    FieldType.TEXTAREA: "Testo",
    FieldType.INTEGER: "Numero intero, es. 12",
    FieldType.DECIMAL: "Numero, es. 12,50",
    FieldType.DATE: "Data nel formato gg/mm/aaaa",
    FieldType.EMAIL: "Indirizzo e-mail",
    FieldType.PHONE: "Numero di telefono, es. 051 1234567",
    FieldType.BOOLEAN: BOOLEAN_HELP,
    FieldType.CODICE_FISCALE: "Codice fiscale (16 caratteri) o numerico (11 cifre)",
    FieldType.PARTITA_IVA: "Partita IVA (11 cifre)",
    FieldType.CAP: "CAP di 5 cifre, es. 40121",
    FieldType.PROVINCIA: "Sigla della provincia, es. BO",
    FieldType.COMUNE: "Nome del comune, es. Bologna",
}


class UnreadableFile(ValueError):
    """The file is not a CSV or XLSX this page can read; the message is Italian."""


@dataclass(frozen=True)
class ColumnHelp:
    label: str
    is_required: bool
    format: str
    allowed: list[str] = field(default_factory=list)


def spreadsheet_fields(definitions: list[FormField]) -> list[FormField]:
    """The fields that are columns: every field but files."""
    return [d for d in definitions if d.field_type != FieldType.FILE]


def has_required_file(definitions: list[FormField]) -> bool:
    """A service whose form needs a document for every line cannot be ordered from a file."""
    return any(d.field_type == FieldType.FILE and d.is_required for d in definitions)


def column_help(definitions: list[FormField]) -> list[ColumnHelp]:
    result = []
    for definition in spreadsheet_fields(definitions):
        allowed: list[str] = []
        if definition.is_choice:
            allowed = [choice.label for choice in definition.choices.all()]
        kind = definition.field_type
        if kind == FieldType.CHOICE:
            text = "Una delle voci ammesse"
        elif kind == FieldType.MULTIPLE_CHOICE:
            text = "Una o più voci ammesse, separate da virgola"
        else:
            text = FORMAT_HELP.get(FieldType(kind), "Testo")
        if limits := definition.limits_text():
            # Said where the choices are, as "Valori ammessi" under the field on the site.
            allowed = [limits]
        result.append(
            ColumnHelp(
                label=definition.label,
                is_required=definition.is_required and kind != FieldType.BOOLEAN,
                format=text,
                allowed=allowed,
            )
        )
    return result


def csv_template(definitions: list[FormField]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([d.label for d in spreadsheet_fields(definitions)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_template(definitions: list[FormField]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_NAME
    columns = spreadsheet_fields(definitions)
    sheet.append([d.label for d in columns])
    bold = Font(bold=True)
    for index, definition in enumerate(columns, start=1):
        sheet.cell(row=1, column=index).font = bold
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, min(40, len(definition.label) + 4))
        if definition.field_type in TEXT_COLUMN_TYPES:
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    instructions = workbook.create_sheet(INSTRUCTIONS_SHEET)
    instructions.append(["Colonna", "Obbligatoria", "Formato", "Valori ammessi"])
    for cell in instructions[1]:
        cell.font = bold
    for item in column_help(definitions):
        instructions.append(
            [item.label, "Sì" if item.is_required else "No", item.format, "; ".join(item.allowed)]
        )
    instructions.append([])
    instructions.append(
        ["Province", "", "Sigle ammesse", ", ".join(code for code, _name in PROVINCE_CHOICES)]
    )
    for letter, width in zip("ABCD", (30, 14, 45, 60), strict=True):
        instructions.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row's number in the spreadsheet (the header is row 1)
    cells: list


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Excel versions save CSV in the Windows code page.
        return content.decode("cp1252", errors="replace")


def _read_csv(content: bytes) -> list[SheetRow]:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [SheetRow(number, cells) for number, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise UnreadableFile("Il file CSV non è leggibile: controlla il formato.") from exc


def _read_xlsx(content: bytes, *, max_rows: int) -> list[SheetRow]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(
            "Il file Excel non è leggibile: salvalo come .xlsx e riprova."
        ) from exc
    try:
        sheet = (
            workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        )
        rows = []
        # One row more than allowed is enough to tell the file is too long.
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append(SheetRow(number, list(cells)))
            if number > max_rows + 1:
                break
        return rows
    finally:
        workbook.close()


def read_sheet(name: str, content: bytes, *, max_rows: int) -> list[SheetRow]:
    """Every row of the file, header first, with the file's own row numbers."""
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(content, max_rows=max_rows)
    return _read_csv(content)


def cell_text(definition: FormField, value) -> str:
    """What the customer would have typed in the form for this cell's value."""
    kind = definition.field_type
    if value is None:
        return ""
    if isinstance(value, bool):
        return "si" if value else "no"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat() if kind == FieldType.DATE else value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        # Excel drops the leading zero of "00144" when the column is not text.
        return text.zfill(5) if kind == FieldType.CAP and len(text) < 5 else text
    if isinstance(value, float):
        # 12.5 from Excel is "12,5" to the Italian decimal field (and never 12 thousand).
        return str(Decimal(repr(value))).replace(".", ",")
    return str(value).strip()
