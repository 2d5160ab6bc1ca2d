"""Pages of "Ordine multiplo": template, upload, progress, results, row correction, to cart.

Every page is the signed-in customer's own: an import id of someone else answers 404.
"""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from sportello.cart import actions, bulk_actions
from sportello.cart.bulk_forms import BulkAddForm, BulkUploadForm
from sportello.cart.bulk_rows import form_data
from sportello.cart.bulk_sheets import (
    column_help,
    csv_template,
    has_required_file,
    spreadsheet_fields,
    xlsx_template,
)
from sportello.cart.models import BulkImportStatus, CartKind
from sportello.cart.queries import bulk_import_for_customer, bulk_service
from sportello.cart.views import UPLOAD_RATE_LIMIT, UPLOADS_LIMITED, buyers_only
from sportello.catalogue.forms import ServiceAnswersForm
from sportello.catalogue.models import FieldType
from sportello.catalogue.queries import service_with_form

TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DETAIL_URL_NAMES = {CartKind.PURCHASE: "cart:detail", CartKind.QUOTE: "cart:quote_detail"}


def _start_context(service, form) -> dict:
    definitions = list(service.form_fields.all())
    return {
        "service": service,
        "form": form,
        "is_available": not has_required_file(definitions),
        "columns": column_help(definitions),
        "skipped_file_fields": [
            d.label for d in definitions if d.field_type == FieldType.FILE and not d.is_required
        ],
    }


@login_required
@buyers_only("catalogue:service")
def start(request, slug):
    """ "Ordine multiplo": the template to download and the form to send it back filled."""
    service = service_with_form(slug)
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    context = _start_context(service, form)
    if request.method == "POST" and context["is_available"] and form.is_valid():
        if not ratelimit.consume(request, action=UPLOAD_RATE_LIMIT):
            form.add_error("file", UPLOADS_LIMITED)
        else:
            bulk_import = bulk_actions.create_bulk_import(
                owner=request.user,
                service=service,
                uploaded=form.cleaned_data["file"],
                mode=form.cleaned_data["mode"],
            )
            return redirect("cart:bulk_detail", pk=bulk_import.pk)
    return render(request, "cart/bulk_start.html", context)


@login_required
def template(request, slug, extension):
    """The service's template: one column per form field (files excepted)."""
    if extension not in TEMPLATE_TYPES:
        raise Http404("Formato non disponibile")
    service = service_with_form(slug)
    definitions = list(service.form_fields.all())
    content = csv_template(definitions) if extension == "csv" else xlsx_template(definitions)
    response = HttpResponse(content, content_type=TEMPLATE_TYPES[extension])
    filename = f"ordine-multiplo-{slugify(service.slug)}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _rows_with_errors(bulk_import, definitions) -> list[dict]:
    labels = {d.key: d.label for d in definitions}
    result = []
    for row in bulk_import.rows:
        if not row["errors"]:
            continue
        result.append(
            {
                "number": row["number"],
                "errors": [
                    {
                        "label": labels.get(key, "Riga"),
                        "value": row["data"].get(key, ""),
                        "message": " ".join(texts),
                    }
                    for key, texts in row["errors"].items()
                ],
            }
        )
    return result


def _progress_context(bulk_import) -> dict:
    total = bulk_import.total_rows
    return {
        "bulk_import": bulk_import,
        "percent": int(bulk_import.processed_rows * 100 / total) if total else 0,
        "progress_url": reverse("cart:bulk_progress", kwargs={"pk": bulk_import.pk}),
    }


@login_required
def detail(request, pk):
    """Progress while the rows are checked, then the results: errors by row and column."""
    bulk_import = bulk_import_for_customer(customer=request.user, pk=pk)
    context = _progress_context(bulk_import)
    if bulk_import.status == BulkImportStatus.VALIDATED:
        service = bulk_service(bulk_import.service_id)
        definitions = spreadsheet_fields(list(service.form_fields.all()))
        context["rows_with_errors"] = _rows_with_errors(bulk_import, definitions)
        # Its own ids: the upload form below has a "mode" field too, and a label must not
        # check the other form's radio button.
        context["add_form"] = BulkAddForm(initial={"mode": bulk_import.mode}, auto_id="id_add_%s")
    if bulk_import.status in (BulkImportStatus.VALIDATED, BulkImportStatus.FAILED):
        context["upload_form"] = BulkUploadForm(initial={"mode": bulk_import.mode})
    context["cart_url"] = reverse(DETAIL_URL_NAMES[actions.cart_kind_for(bulk_import.service)])
    return render(request, "cart/bulk_detail.html", context)


@login_required
def progress(request, pk):
    """The progress fragment the page polls (htmx); once done, the page reloads itself."""
    bulk_import = bulk_import_for_customer(customer=request.user, pk=pk)
    response = render(request, "cart/_bulk_progress.html", _progress_context(bulk_import))
    if bulk_import.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


def _posted_answers(request, definitions) -> dict[str, str]:
    data = {}
    for definition in definitions:
        if definition.field_type == FieldType.MULTIPLE_CHOICE:
            data[definition.key] = ",".join(request.POST.getlist(definition.key))
        else:
            data[definition.key] = request.POST.get(definition.key, "")
    return data


@login_required
def edit_row(request, pk, number):
    """Correct one row in place, with the service page's own form and its messages."""
    bulk_import = bulk_import_for_customer(customer=request.user, pk=pk)
    row = next((r for r in bulk_import.rows if r["number"] == number), None)
    if row is None:
        raise Http404("Riga non trovata")
    detail_url = reverse("cart:bulk_detail", kwargs={"pk": bulk_import.pk})
    if bulk_import.status != BulkImportStatus.VALIDATED:
        messages.error(request, "Queste righe non possono più essere modificate.")
        return redirect(detail_url)
    service = bulk_service(bulk_import.service_id)
    definitions = spreadsheet_fields(list(service.form_fields.all()))
    # Bound from the start: the row's errors show next to its fields straight away.
    data = request.POST if request.method == "POST" else form_data(definitions, row["data"])
    form = ServiceAnswersForm(data=data, files={}, fields_definition=definitions)
    if request.method == "POST" and form.is_valid():
        try:
            bulk_actions.update_row(
                bulk_import=bulk_import,
                number=number,
                data=_posted_answers(request, definitions),
            )
        except bulk_actions.BulkImportNotReady as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"La riga {number} è stata corretta.")
        return redirect(detail_url)
    return render(
        request,
        "cart/bulk_edit_row.html",
        {"bulk_import": bulk_import, "service": service, "number": number, "form": form},
    )


@login_required
@require_POST
@buyers_only("cart:bulk_detail")
def add_to_cart(request, pk):
    """ "Aggiungi al carrello": the valid rows become cart lines (or none, all-or-nothing)."""
    bulk_import = bulk_import_for_customer(customer=request.user, pk=pk)
    detail_url = reverse("cart:bulk_detail", kwargs={"pk": bulk_import.pk})
    form = BulkAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Scegli cosa fare con le righe che contengono errori.")
        return redirect(detail_url)
    kind = actions.cart_kind_for(bulk_import.service)
    cart = actions.get_or_create_cart(request, kind)
    try:
        added = bulk_actions.add_bulk_import_to_cart(
            bulk_import=bulk_import, cart=cart, mode=form.cleaned_data["mode"]
        )
    except (bulk_actions.BulkImportNotReady, actions.CartFull) as exc:
        messages.error(request, str(exc))
        return redirect(detail_url)
    text = f"{len(added.lines)} righe di «{bulk_import.service.name}» aggiunte al carrello."
    if added.skipped:
        text += f" {added.skipped} righe con errori non sono state aggiunte."
    messages.success(request, text)
    return redirect(DETAIL_URL_NAMES[kind])


@login_required
def download_file(request, pk):
    """The file as the customer sent it (kept with the import)."""
    bulk_import = bulk_import_for_customer(customer=request.user, pk=pk)
    upload = bulk_import.upload
    return FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=upload.original_name,
        content_type=upload.content_type,
    )
