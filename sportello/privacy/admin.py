from django.contrib import admin

from sportello.core.admin import ReadOnlyAdminMixin
from sportello.privacy.models import AccountErasure, ConsentEvent, PrivacyNotice


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """Staff publish a new version rather than rewriting one that customers have accepted."""

    list_display = ["version", "title", "published_at", "updated_at"]
    search_fields = ["version", "title", "body"]
    date_hierarchy = "published_at"
    fields = ["version", "title", "published_at", "body"]

    def _is_accepted(self, obj) -> bool:
        return obj is not None and obj.consent_events.exists()

    def get_readonly_fields(self, request, obj=None):
        if self._is_accepted(obj):
            # Customers agreed to this exact text: changing it would falsify the ledger.
            return self.fields
        return []

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._is_accepted(obj)


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The consent ledger, read-only: rows are written only by sportello.privacy.actions."""

    list_display = ["created_at", "user", "purpose", "is_granted", "notice", "source"]
    list_filter = ["purpose", "is_granted", "source", "notice"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user", "notice"]
    date_hierarchy = "created_at"


@admin.register(AccountErasure)
class AccountErasureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Deleted accounts, read-only: rows are written only by sportello.privacy.erasure."""

    list_display = ["erased_at", "user", "actor", "deleted_quotes", "deleted_files"]
    search_fields = ["kept_orders", "cancelled_orders"]
    list_select_related = ["user", "actor"]
    date_hierarchy = "erased_at"
