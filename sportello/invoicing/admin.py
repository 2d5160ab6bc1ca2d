"""Back-office for invoices and credit notes: read-only documents, and the pages that act
through the actions: ZIP export of a period, SdI receipts import, VAT register (CSV),
correction and re-issue of a rejected document, PDF and XML of each document.

Looking needs "view" permission on documents; exporting, importing and correcting need
"change" (the document form itself never saves anything).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from sportello.core.admin import ReadOnlyAdminMixin, ReadOnlyInline
from sportello.core.money import format_euro
from sportello.invoicing.accounting import register_csv
from sportello.invoicing.actions import (
    BUYER_FIELDS,
    RECEIPT_STATUS,
    DocumentNotCorrectable,
    UnknownReceipt,
    import_receipt,
    reissue_document,
)
from sportello.invoicing.channels import current_channel
from sportello.invoicing.fatturapa import build_xml
from sportello.invoicing.forms import (
    BuyerCorrectionForm,
    ExportForm,
    PeriodForm,
    ReceiptsForm,
)
from sportello.invoicing.models import (
    FiscalDocument,
    FiscalDocumentLine,
    FiscalDocumentStatusChange,
    ReceiptKind,
    SdiReceipt,
    SdiStatus,
    sdi_status_label,
)
from sportello.invoicing.pdf import document_pdf_response
from sportello.invoicing.queries import documents_in_period
from sportello.invoicing.receipts import InvalidReceipt

TEMPLATES = "admin/invoicing/fiscaldocument"


class LineInline(ReadOnlyInline):
    model = FiscalDocumentLine
    fields = ("position", "description", "quantity", "unit_price", "net", "vat_rate", "natura")
    readonly_fields = fields


class StatusChangeInline(ReadOnlyInline):
    model = FiscalDocumentStatusChange
    fields = ("created_at", "from_label", "to_label", "actor", "note")
    readonly_fields = fields
    verbose_name_plural = "storico SdI"

    @admin.display(description="da")
    def from_label(self, change):
        return sdi_status_label(change.from_status)

    @admin.display(description="a")
    def to_label(self, change):
        return sdi_status_label(change.to_status)


class ReceiptInline(ReadOnlyInline):
    model = SdiReceipt
    fields = ("created_at", "kind", "file_name", "sdi_identifier", "received_at", "description")
    readonly_fields = fields


@admin.register(FiscalDocument)
class FiscalDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # The document's address is the customer's download (their own documents only): staff
    # have the PDF and XML buttons of this page.
    view_on_site = False
    list_display = ("number", "kind", "issue_date", "buyer", "total", "status", "order_link")
    list_filter = ("kind", "status", "issue_date")
    search_fields = (
        "number",
        "order__number",
        "buyer_company_name",
        "buyer_last_name",
        "buyer_partita_iva",
        "buyer_codice_fiscale",
    )
    list_select_related = ("order",)
    date_hierarchy = "issue_date"
    inlines = [LineInline, ReceiptInline, StatusChangeInline]
    change_list_template = f"{TEMPLATES}/change_list.html"
    change_form_template = f"{TEMPLATES}/change_form.html"
    fieldsets = (
        (None, {"fields": ("kind", "number", "issue_date", "status", "order_link", "corrects")}),
        (
            "Importi",
            {
                "fields": (
                    "total_net",
                    "total_vat",
                    "rounding",
                    "total_gross",
                    "stamp_duty",
                    "payment_methods",
                    "payments",
                )
            },
        ),
        ("Cliente", {"fields": tuple(f"buyer_{name}" for name in BUYER_FIELDS)}),
        (
            "SdI",
            {"fields": ("file_name", "progressivo", "transmissions", "sdi_identifier", "errors")},
        ),
    )
    readonly_fields = (
        "kind",
        "number",
        "issue_date",
        "status",
        "order_link",
        "corrects",
        "total_net",
        "total_vat",
        "rounding",
        "total_gross",
        "stamp_duty",
        "payment_methods",
        "payments",
        *(f"buyer_{name}" for name in BUYER_FIELDS),
        "file_name",
        "progressivo",
        "transmissions",
        "sdi_identifier",
        "errors",
    )

    @admin.display(description="modalità di pagamento")
    def payment_methods(self, document):
        # "Bonifico + Carta di pagamento" for a total paid in parts.
        return document.payment_methods_label

    @admin.display(description="pagamenti")
    def payments(self, document):
        return format_html_join(
            mark_safe("<br>"),
            "{}: {} ({})",
            (
                (part.label, format_euro(part.amount), date_format(part.date, "j F Y"))
                for part in document.payment_parts
            ),
        )

    @admin.display(description="cliente")
    def buyer(self, document):
        return document.buyer_name

    @admin.display(description="totale", ordering="total_gross")
    def total(self, document):
        return format_euro(document.total_gross)

    @admin.display(description="ordine")
    def order_link(self, document):
        url = reverse("admin:orders_order_change", args=[document.order_id])
        return format_html('<a href="{}">{}</a>', url, document.order.number)

    @admin.display(description="file")
    def file_name(self, document):
        return document.file_name

    @admin.display(description="errori SdI")
    def errors(self, document):
        if not document.sdi_errors:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><strong>{}</strong> {} {}</li>",
                (
                    (e.get("code"), e.get("description"), e.get("suggestion", ""))
                    for e in document.sdi_errors
                ),
            ),
        )

    # --- Pages behind the buttons ----------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("esporta/", wrap(self.export_view), name="invoicing_fiscaldocument_export"),
            path("ricevute/", wrap(self.receipts_view), name="invoicing_fiscaldocument_receipts"),
            path(
                "registro-iva/", wrap(self.register_view), name="invoicing_fiscaldocument_register"
            ),
            path("<int:pk>/pdf/", wrap(self.pdf_view), name="invoicing_fiscaldocument_pdf"),
            path("<int:pk>/xml/", wrap(self.xml_view), name="invoicing_fiscaldocument_xml"),
            path(
                "<int:pk>/correggi/",
                wrap(self.correct_view),
                name="invoicing_fiscaldocument_correct",
            ),
            *super().get_urls(),
        ]

    def _require(self, request, action: str) -> None:
        if not request.user.has_perm(f"invoicing.{action}_fiscaldocument"):
            raise PermissionDenied

    def _render(self, request, template: str, title: str, **context):
        return TemplateResponse(
            request,
            f"{TEMPLATES}/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                **context,
            },
        )

    def _changelist_url(self) -> str:
        return reverse("admin:invoicing_fiscaldocument_changelist")

    def export_view(self, request):
        """A ZIP of the XML files of a period still to send to SdI (those already sent only
        when asked, for the archive); the documents in it become "sent"."""
        self._require(request, "change")
        form = ExportForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
            issued = list(documents_in_period(start, end))
            documents = (
                issued
                if form.cleaned_data["include_sent"]
                else [d for d in issued if d.status == SdiStatus.ISSUED]
            )
            if not issued:
                form.add_error(None, "Nessun documento emesso nel periodo scelto.")
            elif not documents:
                form.add_error(
                    None,
                    "I documenti del periodo scelto sono già stati inviati allo SdI. Per "
                    "riaverli per archivio spunta «Includi i documenti già inviati allo SdI».",
                )
            else:
                content = current_channel().zip(documents, actor=request.user)
                name = f"fatture-{start or 'inizio'}-{end or timezone.localdate()}.zip"
                response = HttpResponse(content, content_type="application/zip")
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
        return self._render(
            request,
            "form.html",
            "Esporta i file XML per lo SdI",
            form=form,
            submit="Scarica lo ZIP",
        )

    def register_view(self, request):
        """The sales VAT register of a period, for the accountant."""
        self._require(request, "view")
        form = PeriodForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
            content = register_csv(documents_in_period(start, end))
            response = HttpResponse(content, content_type="text/csv; charset=utf-8")
            name = f"registro-iva-vendite-{start or 'inizio'}-{end or timezone.localdate()}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return self._render(
            request, "form.html", "Registro IVA vendite (CSV)", form=form, submit="Scarica il CSV"
        )

    def receipts_view(self, request):
        self._require(request, "change")
        form = (
            ReceiptsForm(request.POST, request.FILES)
            if request.method == "POST"
            else ReceiptsForm()
        )
        if request.method == "POST" and form.is_valid():
            for upload in form.cleaned_data["receipts"]:
                try:
                    receipt, created = import_receipt(
                        data=upload.read(), file_name=upload.name, actor=request.user
                    )
                except (InvalidReceipt, UnknownReceipt) as exc:
                    self.message_user(request, f"{upload.name}: {exc}", messages.ERROR)
                    continue
                document = receipt.document
                if created and document.status != RECEIPT_STATUS[ReceiptKind(receipt.kind)]:
                    self.message_user(
                        request,
                        f"{upload.name}: {receipt.get_kind_display()} registrata per {document}, "
                        f"che resta «{document.get_status_display()}»: riguarda un invio "
                        "ripetuto del file, che lo SdI aveva già ricevuto.",
                        messages.WARNING,
                    )
                elif created:
                    self.message_user(
                        request,
                        f"{upload.name}: {receipt.get_kind_display()} registrata per "
                        f"{document} (stato: {document.get_status_display()}).",
                        messages.SUCCESS,
                    )
                else:
                    self.message_user(
                        request, f"{upload.name}: ricevuta già importata.", messages.INFO
                    )
            return HttpResponseRedirect(self._changelist_url())
        return self._render(
            request,
            "form.html",
            "Importa le ricevute SdI",
            form=form,
            submit="Importa",
            multipart=True,
        )

    def _document(self, request, pk) -> FiscalDocument:
        self._require(request, "view")
        return get_object_or_404(FiscalDocument.objects.select_related("order", "corrects"), pk=pk)

    def pdf_view(self, request, pk):
        return document_pdf_response(self._document(request, pk))

    def xml_view(self, request, pk):
        document = self._document(request, pk)
        response = HttpResponse(build_xml(document), content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{document.file_name}"'
        return response

    def correct_view(self, request, pk):
        """Fix the buyer's data of a document SdI rejected and issue it again."""
        self._require(request, "change")
        document = self._document(request, pk)
        change_url = reverse("admin:invoicing_fiscaldocument_change", args=[document.pk])
        if document.status != SdiStatus.REJECTED:
            self.message_user(
                request, "Si può correggere solo un documento scartato dallo SdI.", messages.ERROR
            )
            return HttpResponseRedirect(change_url)
        initial = {name: getattr(document, f"buyer_{name}") for name in BUYER_FIELDS}
        form = BuyerCorrectionForm(
            request.POST if request.method == "POST" else None, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            try:
                reissue_document(
                    document=document,
                    buyer=form.cleaned_data,
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except DocumentNotCorrectable as exc:
                form.add_error(None, str(exc))
            else:
                self.log_change(request, document, "Dati del cliente corretti e documento riemesso")
                self.message_user(
                    request,
                    f"{document} corretta e riemessa: esporta di nuovo il file XML per lo SdI.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        return self._render(
            request,
            "form.html",
            f"Correggi e riemetti: {document}",
            form=form,
            submit="Correggi e riemetti",
            document=document,
            back_url=change_url,
        )

    def changelist_view(self, request, extra_context=None):
        extra = {
            "can_act": request.user.has_perm("invoicing.change_fiscaldocument"),
            "rejected_count": FiscalDocument.objects.filter(status=SdiStatus.REJECTED).count(),
        }
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"can_act": request.user.has_perm("invoicing.change_fiscaldocument")}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})
