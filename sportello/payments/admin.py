"""Back-office views of payments and refunds: read-only. Statuses change only through actions
(confirming a bank transfer and recording refunds are buttons on the order)."""

from django.contrib import admin
from django.db.models import F, OuterRef

from sportello.core.admin import (
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    StatusHistoryInline,
    labelled_values_filter,
)
from sportello.core.money import format_euro
from sportello.orders.models import BANK_TRANSFER_METHOD
from sportello.payments.models import (
    OPEN_PAYMENT_STATUSES,
    Payment,
    PaymentStatus,
    PaymentStatusChange,
    Refund,
)
from sportello.payments.queries import payment_method_label, transfers_received_subquery


class PaymentStatusChangeInline(StatusHistoryInline):
    model = PaymentStatusChange
    status_choices = PaymentStatus


class OrderPaymentInline(ReadOnlyInline):
    """The order page's payments (the order admin that knows money adds it)."""

    model = Payment
    verbose_name_plural = "pagamenti"
    fields = (
        "provider_label",
        "amount",
        "status_display",
        "provider_reference",
        "created_at",
        "confirmed_at",
        "failure_reason",
    )
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        # Payments are part of the order: whoever may see the order sees them.
        return request.user.has_perm("orders.view_order") or request.user.has_perm(
            "orders.change_order"
        )

    @admin.display(description="metodo")
    def provider_label(self, payment):
        return payment.provider_label

    def get_queryset(self, request):
        # Transfer money already recorded on the order, in the same query: the open
        # instructions' attempt then says what is still awaited.
        return (
            super()
            .get_queryset(request)
            .annotate(
                transfers_received=transfers_received_subquery(OuterRef("order")),
                order_total=F("order__total_gross"),
            )
        )

    @admin.display(description="stato")
    def status_display(self, payment):
        label = payment.get_status_display()
        received = getattr(payment, "transfers_received", None)
        if (
            received
            and payment.provider == BANK_TRANSFER_METHOD
            and payment.status in OPEN_PAYMENT_STATUSES
        ):
            # The attempt's amount follows what is left; the order's total is the reference.
            left = max(payment.order_total - received, 0)
            return (
                f"{label} del resto: ricevuti {format_euro(received)}, restano {format_euro(left)}"
            )
        return label


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
    # data__cro: a bank transfer's CRO/TRN, kept in the receipt data when it paid the attempt.
    search_fields = ("order__number", "provider_reference", "reference", "data__cro")
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
