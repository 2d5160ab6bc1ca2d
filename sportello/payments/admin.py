"""Back-office views of payments and refunds: read-only. Statuses change only through actions
(confirming a bank transfer and recording refunds are buttons on the order)."""

from django.contrib import admin

from sportello.core.admin import ReadOnlyAdminMixin, ReadOnlyInline, labelled_values_filter
from sportello.payments.models import Payment, PaymentStatusChange, Refund, payment_status_label
from sportello.payments.providers.registry import UnknownPaymentMethod, get_provider


def payment_method_label(identifier: str) -> str:
    try:
        return get_provider(identifier).verbose_name or identifier
    except UnknownPaymentMethod:
        return identifier


class PaymentStatusChangeInline(ReadOnlyInline):
    model = PaymentStatusChange
    fields = ("created_at", "from_label", "to_label", "actor", "note")
    readonly_fields = fields

    @admin.display(description="da")
    def from_label(self, change):
        return payment_status_label(change.from_status)

    @admin.display(description="a")
    def to_label(self, change):
        return payment_status_label(change.to_status)


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ("created_at", "amount", "provider_reference", "operator", "note")
    readonly_fields = fields

    @admin.display(description="operatore")
    def operator(self, refund):
        return refund.created_by or "—"


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "order_number",
        "provider_label",
        "amount",
        "status",
        "provider_reference",
        "created_at",
        "confirmed_at",
    )
    list_filter = (
        labelled_values_filter("provider", "metodo", payment_method_label),
        "status",
    )
    search_fields = ("order__number", "provider_reference", "reference")
    list_select_related = ("order",)
    date_hierarchy = "created_at"
    fields = (
        "order",
        "reference",
        "provider_label",
        "amount",
        "status",
        "provider_reference",
        "confirmed_at",
        "failure_reason",
        "data",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    inlines = (PaymentStatusChangeInline, RefundInline)

    @admin.display(description="ordine", ordering="order__number")
    def order_number(self, payment):
        return payment.order.number

    @admin.display(description="metodo", ordering="provider")
    def provider_label(self, payment):
        return payment.provider_label


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("payment", "order_number", "amount", "provider_reference", "created_at")
    list_select_related = ("payment__order",)
    search_fields = ("payment__order__number", "provider_reference")
    list_filter = (labelled_values_filter("payment__provider", "metodo", payment_method_label),)
    fields = ("payment", "amount", "provider_reference", "note", "created_by", "created_at")
    readonly_fields = fields

    @admin.display(description="ordine", ordering="payment__order__number")
    def order_number(self, refund):
        return refund.payment.order.number
