"""The only code that changes an "Ordine multiplo" (cart.models.BulkImport).

pending ──validate──▶ validating ──▶ validated ──add to cart──▶ added
   └──────────────┴──▶ failed (the file cannot be read)

Validation runs in the background (`cart.tasks.validate_bulk_import`, queue "background"; in
tests and without a broker Celery runs it at once). A redelivered task does nothing twice:
the results are written by one compare-and-set from "validating" to "validated".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from sportello.cart.actions import MAX_LINES_PER_CART, CartFull, add_line
from sportello.cart.bulk_rows import (
    NoTemplateColumns,
    RowChecker,
    check_row,
    is_blank,
    match_header,
    row_data,
)
from sportello.cart.bulk_sheets import (
    UnreadableFile,
    read_sheet,
    spreadsheet_fields,
)
from sportello.cart.models import (
    BULK_IMPORT_TRANSITIONS,
    BulkImport,
    BulkImportMode,
    BulkImportStatus,
    Cart,
    CartLine,
)
from sportello.cart.queries import bulk_service
from sportello.catalogue.models import Service
from sportello.core.state import InvalidTransition, change_status
from sportello.uploads.actions import store_upload

# The progress counter is written every this many rows (the page polls it).
PROGRESS_EVERY = 100


class BulkImportNotReady(ValueError):
    """The rows are not (or no longer) waiting to go to the cart; the message is Italian."""


def max_rows() -> int:
    return settings.BULK_ORDER_MAX_ROWS


def create_bulk_import(*, owner, service: Service, uploaded: UploadedFile, mode: str) -> BulkImport:
    """Keep the file and schedule its validation once this transaction commits."""
    with transaction.atomic():
        upload = store_upload(uploaded, owner=owner)
        bulk_import = BulkImport.objects.create(
            owner=owner,
            service=service,
            upload=upload,
            mode=BulkImportMode(mode),
            form_version=service.form_version,
        )
        pk = bulk_import.pk
        transaction.on_commit(lambda: _schedule_validation(pk))
    return bulk_import


def _schedule_validation(pk: int) -> None:
    # Same-app import at call time: tasks.py imports this module.
    from sportello.cart.tasks import validate_bulk_import

    validate_bulk_import.delay(pk)


def _claim(pk: int) -> BulkImport | None:
    """Move to "validating" (again, after a worker died); None when already finished."""
    bulk_import = BulkImport.objects.filter(pk=pk).first()
    if bulk_import is None or bulk_import.is_finished:
        return None
    try:
        change_status(
            bulk_import,
            to=BulkImportStatus.VALIDATING,
            transitions=BULK_IMPORT_TRANSITIONS,
            extra={"processed_rows": 0},
        )
    except InvalidTransition:
        # Another delivery claimed it between our read and our write: it does the work.
        return None
    return bulk_import


def _fail(bulk_import: BulkImport, message: str) -> None:
    change_status(
        bulk_import,
        to=BulkImportStatus.FAILED,
        transitions=BULK_IMPORT_TRANSITIONS,
        extra={"file_errors": [message]},
    )


def validate_bulk_import(pk: int) -> bool:
    """Read the kept file and check every row with the service's form. True when this call
    wrote the results; False for a finished import (a redelivered task)."""
    bulk_import = _claim(pk)
    if bulk_import is None:
        return False
    service = bulk_service(bulk_import.service_id)
    definitions = spreadsheet_fields(list(service.form_fields.all()))
    limit = max_rows()
    try:
        with bulk_import.upload.file.open("rb") as stored:
            content = stored.read()
        sheet = read_sheet(bulk_import.upload.original_name, content, max_rows=limit)
        if not sheet:
            raise UnreadableFile("Il file è vuoto: scarica il modello e compilalo.")
        header = match_header(definitions, sheet[0].cells)
    except (UnreadableFile, NoTemplateColumns) as exc:
        _fail(bulk_import, str(exc))
        return True
    data_rows = [row for row in sheet[1:] if not is_blank(row)]
    if not data_rows:
        _fail(bulk_import, "Il file non contiene righe da ordinare sotto le intestazioni.")
        return True
    if len(data_rows) > limit:
        _fail(
            bulk_import,
            f"Il file contiene più di {limit} righe: "
            "dividilo in più file e caricali uno alla volta.",
        )
        return True
    BulkImport.objects.filter(pk=pk, status=BulkImportStatus.VALIDATING).update(
        total_rows=len(data_rows)
    )
    rows = []
    valid = 0
    checker = RowChecker(definitions)
    for done, sheet_row in enumerate(data_rows, start=1):
        data = row_data(header, sheet_row)
        result = checker.check(data)
        rows.append({"number": sheet_row.number, "data": data, "errors": result.errors})
        valid += result.is_valid
        if done % PROGRESS_EVERY == 0:
            BulkImport.objects.filter(pk=pk, status=BulkImportStatus.VALIDATING).update(
                processed_rows=done
            )
    # When a second delivery of the same task got here first, it wrote the same results:
    # this compare-and-set then moves nothing and the call reports False.
    return _finish(bulk_import, rows=rows, valid=valid, warnings=header.warnings)


def _finish(bulk_import: BulkImport, *, rows: list, valid: int, warnings: list[str]) -> bool:
    moved = BulkImport.objects.filter(pk=bulk_import.pk, status=BulkImportStatus.VALIDATING).update(
        status=BulkImportStatus.VALIDATED,
        rows=rows,
        total_rows=len(rows),
        processed_rows=len(rows),
        valid_rows=valid,
        file_errors=warnings,
        updated_at=timezone.now(),
    )
    return moved == 1


def _count_valid(rows: list[dict]) -> int:
    return sum(1 for row in rows if not row["errors"])


def update_row(*, bulk_import: BulkImport, number: int, data: dict[str, str]) -> dict:
    """Replace one row's values (corrected in place) and check it again. Returns the row."""
    service = bulk_service(bulk_import.service_id)
    definitions = spreadsheet_fields(list(service.form_fields.all()))
    with transaction.atomic():
        locked = BulkImport.objects.select_for_update().get(pk=bulk_import.pk)
        if locked.status != BulkImportStatus.VALIDATED:
            raise BulkImportNotReady("Queste righe non possono più essere modificate.")
        row = next((r for r in locked.rows if r["number"] == number), None)
        if row is None:
            raise BulkImportNotReady("Questa riga non fa parte del file caricato.")
        row["data"] = {d.key: data.get(d.key, "") for d in definitions}
        row["errors"] = check_row(definitions, row["data"]).errors
        locked.valid_rows = _count_valid(locked.rows)
        # Compare-and-set: on SQLite (no row locks) an import added meanwhile stays as it is.
        moved = BulkImport.objects.filter(pk=locked.pk, status=BulkImportStatus.VALIDATED).update(
            rows=locked.rows, valid_rows=locked.valid_rows, updated_at=timezone.now()
        )
        if moved != 1:
            raise BulkImportNotReady("Queste righe non possono più essere modificate.")
    bulk_import.rows = locked.rows
    bulk_import.valid_rows = locked.valid_rows
    return row


@dataclass(frozen=True)
class AddedRows:
    lines: list[CartLine]
    skipped: int  # rows with errors left out (only-valid-rows mode)


def add_bulk_import_to_cart(*, bulk_import: BulkImport, cart: Cart, mode: str) -> AddedRows:
    """Every valid row becomes a cart line through `cart.actions.add_line` (prices are
    computed by the cart as for any line). All-or-nothing adds nothing while a row is wrong.

    Rows are checked again with the service's form as it is now, so a form changed since the
    upload cannot slip old answers into the cart. Raises BulkImportNotReady or CartFull.
    """
    chosen_mode = BulkImportMode(mode)
    service = bulk_service(bulk_import.service_id)
    definitions = spreadsheet_fields(list(service.form_fields.all()))
    with transaction.atomic():
        locked = BulkImport.objects.select_for_update().get(pk=bulk_import.pk)
        if locked.status == BulkImportStatus.ADDED:
            raise BulkImportNotReady("Le righe di questo file sono già nel carrello.")
        if locked.status != BulkImportStatus.VALIDATED:
            raise BulkImportNotReady("Il file non è ancora stato verificato.")
        if not service.is_active:
            raise BulkImportNotReady("Questo servizio non è più disponibile.")
        checker = RowChecker(definitions)
        results = [checker.check(row["data"]) for row in locked.rows]
        answers = [result.answers for result in results if result.answers is not None]
        skipped = len(results) - len(answers)
        if chosen_mode == BulkImportMode.ALL_OR_NOTHING and skipped:
            raise BulkImportNotReady(
                "Hai scelto di aggiungere le righe solo se sono tutte corrette: "
                f"correggi le righe con errori ({skipped}) e riprova."
            )
        if not answers:
            raise BulkImportNotReady("Nessuna riga corretta da aggiungere al carrello.")
        room = MAX_LINES_PER_CART - cart.lines.count()
        if len(answers) > room:
            raise CartFull(
                f"Il carrello può contenere al massimo {MAX_LINES_PER_CART} servizi e ha posto "
                f"per altri {max(room, 0)}: le righe corrette sono {len(answers)}. "
                "Dividi il file o completa prima l'ordine in corso."
            )
        lines = [
            add_line(
                cart=cart, service=service, answers=line_answers, form_version=service.form_version
            )
            for line_answers in answers
        ]
        change_status(
            locked,
            to=BulkImportStatus.ADDED,
            transitions=BULK_IMPORT_TRANSITIONS,
            extra={"mode": chosen_mode, "created_line_ids": [line.pk for line in lines]},
        )
    bulk_import.status = locked.status
    bulk_import.mode = chosen_mode
    bulk_import.created_line_ids = locked.created_line_ids
    return AddedRows(lines=lines, skipped=skipped)
