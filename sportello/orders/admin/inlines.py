"""Read-only inlines of the order page: lines (with their outcomes), history."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import BooleanField, Prefetch, Value
from django.urls import reverse
from django.utils.html import format_html

from sportello.core.admin import ReadOnlyInline as BaseReadOnlyInline
from sportello.core.admin import StatusHistoryInline
from sportello.orders.admin.rendering import answers_html, outcomes_html
from sportello.orders.models import (
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Outcome,
    OutcomeFile,
)


def can_manage_orders(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("orders.change_order")


class ReadOnlyInline(BaseReadOnlyInline):
    def has_view_permission(self, request, obj=None):
        # Lines, payments and history are parts of the order: whoever may see the order sees
        # them, without a permission per inner model.
        return request.user.has_perm("orders.view_order") or request.user.has_perm(
            "orders.change_order"
        )


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    verbose_name_plural = "servizi (righe d'ordine)"
    fields = ("service_name", "answers_list", "vat_rate", "net", "vat", "gross", "status", "esiti")
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # Whether to link the line page (acting needs "change order").
            .annotate(can_manage=Value(can_manage_orders(request.user), BooleanField()))
            .select_related("order")
            .prefetch_related(
                Prefetch(
                    "outcomes",
                    queryset=Outcome.objects.prefetch_related(
                        Prefetch("files", queryset=OutcomeFile.objects.order_by("id"))
                    ),
                )
            )
        )

    @admin.display(description="risposte")
    def answers_list(self, line):
        return answers_html(line)

    @admin.display(description="esiti e azioni")
    def esiti(self, line):
        if not getattr(line, "can_manage", False):
            return outcomes_html(line)
        manage = reverse("admin:orders_order_line", args=[line.order_id, line.pk])
        return format_html(
            '{}<p><a class="button" href="{}">Stato ed esiti del servizio</a></p>',
            outcomes_html(line),
            manage,
        )


class OrderStatusChangeInline(ReadOnlyInline, StatusHistoryInline):
    model = OrderStatusChange
    status_choices = OrderStatus
    verbose_name_plural = "storico"
