from django.contrib import admin

from sportello.contracts.models import TermsOfSale


@admin.register(TermsOfSale)
class TermsOfSaleAdmin(admin.ModelAdmin):
    """Staff publish a new version rather than rewriting one that customers have accepted."""

    list_display = ["version", "title", "published_at", "updated_at"]
    search_fields = ["version", "title", "body"]
    date_hierarchy = "published_at"
    fields = ["version", "title", "published_at", "body"]

    def _is_accepted(self, obj) -> bool:
        # orders.Order.terms points here; the reverse accessor needs no import from above.
        return obj is not None and obj.orders.exists()

    def get_readonly_fields(self, request, obj=None):
        if self._is_accepted(obj):
            # Customers agreed to this exact text: changing it would falsify their contracts.
            return self.fields
        return []

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._is_accepted(obj)
