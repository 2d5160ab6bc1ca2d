from django.contrib import admin

from sportello.api.models import ApiToken, WebhookDelivery, WebhookEndpoint
from sportello.core.admin import ReadOnlyAdminMixin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Customers create and revoke their tokens in IL MIO ACCOUNT; the hash is never shown."""

    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user"]
    exclude = ["secret_hash"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["url", "user", "is_active", "created_at"]
    search_fields = ["url", "user__email"]
    list_select_related = ["user"]
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "event_type", "endpoint", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "event_type"]
    search_fields = ["endpoint__url", "endpoint__user__email"]
    list_select_related = ["endpoint"]
