"""Back-office view of the customers' "Ordine multiplo" files: read-only, for support.

When a customer says a file was refused or rows went missing, staff see what the shop read:
each row with its errors, the warnings on the file, how many rows went to the cart, and the
file itself ("Scarica il file"). Nothing here changes an import: the customer corrects rows on
their own page.
"""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from sportello.cart.models import BulkImport
from sportello.core.admin import ReadOnlyAdminMixin
from sportello.core.admin_actions import VIEW, ActionPage, ActionPagesAdmin, Button
from sportello.core.files import stream_private_file


@admin.register(BulkImport)
class BulkImportAdmin(ReadOnlyAdminMixin, ActionPagesAdmin):
    action_pages = (ActionPage("file", "file/", "file_view", needs=VIEW),)
    action_object_name = "bulk_import"

    list_display = [
        "created_at",
        "owner",
        "service",
        "status",
        "mode",
        "total_rows",
        "valid_rows",
        "lines_added",
    ]
    list_filter = ["status", "mode"]
    search_fields = ["owner__email", "owner__last_name", "service__name"]
    list_select_related = ["owner", "service"]
    date_hierarchy = "created_at"
    readonly_fields = (
        "owner",
        "service",
        "file_name",
        "created_at",
        "status",
        "mode",
        "form_version",
        "total_rows",
        "processed_rows",
        "valid_rows",
        "lines_added",
        "file_warnings",
        "rows_with_errors",
    )
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner", "service", "upload")

    def action_queryset(self, request):
        return self.get_queryset(request)

    def action_buttons(self, request, obj) -> list[Button]:
        return [Button("Scarica il file", self.action_url(obj, "file"))]

    def file_view(self, request, obj):
        return stream_private_file(obj.upload.file, filename=obj.upload.original_name)

    @admin.display(description="file")
    def file_name(self, obj):
        return obj.upload.original_name

    @admin.display(description="righe aggiunte al carrello")
    def lines_added(self, obj):
        return len(obj.created_line_ids)

    @admin.display(description="avvisi sul file")
    def file_warnings(self, obj):
        if not obj.file_errors:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((e,) for e in obj.file_errors))
        )

    @admin.display(description="righe con errori")
    def rows_with_errors(self, obj):
        wrong = [row for row in obj.rows if row.get("errors")]
        if not wrong:
            return "Nessuna" if obj.is_finished else "—"
        labels = dict(obj.service.form_fields.values_list("key", "label"))
        items = (
            (
                row.get("number", "?"),
                labels.get(key, "intera riga" if key == "__all__" else key),
                " ".join(messages),
                row.get("data", {}).get(key, ""),
            )
            for row in wrong
            for key, messages in row["errors"].items()
        )
        return format_html(
            "<table><thead><tr><th>riga</th><th>campo</th><th>errore</th><th>valore letto</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", items),
        )
