"""The order list and the read-only order page (its buttons' views are in views.py)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join

from sportello.audit.admin import trail_html, trail_url
from sportello.audit.queries import events
from sportello.core.admin import ReadOnlyAdminMixin
from sportello.core.money import format_euro
from sportello.core.state import InvalidTransition
from sportello.orders import actions
from sportello.orders.admin.inlines import OrderLineInline, OrderStatusChangeInline
from sportello.orders.admin.views import OrderPageViews
from sportello.orders.models import Order, OrderLine, OrderStatus

# Read-only fields about money a subclass that knows payments fills (`checkout.admin`).
MONEY_FIELDS: tuple[str, ...] = ("refunds_list",)


class OrderAdmin(ReadOnlyAdminMixin, OrderPageViews):
    # Fits a 1280 px screen: who, what was bought, how much, how and where it stands.
    list_display = (
        "number",
        "placed_at_display",
        "customer_display",
        "services_bought",
        "total_display",
        "payment_method_display",
        "status",
    )
    list_filter = (
        "status",
        # Labelled by the provider's name in `checkout.admin` (orders know no providers).
        "payment_method",
        ("placed_at", admin.DateFieldListFilter),
    )
    date_hierarchy = "placed_at"
    search_fields = (
        "number",
        "customer_email",
        "billing_first_name",
        "billing_last_name",
        "billing_company_name",
        "billing_codice_fiscale",
        "billing_partita_iva",
    )
    ordering = ("-placed_at", "-id")
    list_per_page = 50
    show_full_result_count = False
    fieldsets = (
        (
            "Ordine",
            {
                "fields": (
                    "number",
                    "status",
                    "customer",
                    "company",
                    "customer_email",
                    "placed_at",
                    "paid_at",
                    "payment_method_display",
                    ("total_net", "total_vat", "total_gross"),
                    *MONEY_FIELDS,
                    "quote_link",
                )
            },
        ),
        ("Registro attività", {"fields": ("audit_trail",)}),
        (
            "Contratto",
            {
                "fields": (
                    "terms",
                    "terms_accepted_at",
                    "early_start_requested",
                    "work_start_display",
                )
            },
        ),
        (
            "Dati di fatturazione",
            {
                "fields": (
                    "billing_kind",
                    ("billing_first_name", "billing_last_name"),
                    "billing_company_name",
                    ("billing_codice_fiscale", "billing_partita_iva"),
                    ("billing_sdi_code", "billing_pec"),
                    "billing_address",
                    ("billing_cap", "billing_comune", "billing_provincia", "billing_country"),
                )
            },
        ),
    )
    readonly_fields = (
        *(field.name for field in Order._meta.concrete_fields),
        "payment_method_display",
        *MONEY_FIELDS,
        "quote_link",
        "audit_trail",
        "work_start_display",
    )
    inlines = (OrderLineInline, OrderStatusChangeInline)
    actions = ("start_processing_action", "complete_action")
    # The customer's order page checks ownership: staff would get a 404 there.
    view_on_site = False

    # Orders are created by the checkout and changed only through actions
    # (ReadOnlyAdminMixin): the page is view-only, buttons lead to the action views.

    @admin.display(description="inizio lavorazione")
    def work_start_display(self, order):
        start = order.earliest_start_date
        if start is None:
            return "Subito dopo il pagamento"
        return (
            f"Dal {start:%d/%m/%Y} (consumatore senza richiesta di esecuzione immediata: "
            "si attende la fine del periodo di recesso)"
        )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            queryset = queryset.prefetch_related(
                Prefetch("lines", queryset=OrderLine.objects.only("order_id", "service_name"))
            )
        return queryset

    @admin.display(description="effettuato il", ordering="placed_at")
    def placed_at_display(self, order):
        return formats.date_format(timezone.localtime(order.placed_at), "d/m/Y H:i")

    @admin.display(description="cliente", ordering="billing_last_name")
    def customer_display(self, order):
        return format_html("{}<br><small>{}</small>", order.billing_name, order.customer_email)

    @admin.display(description="servizi acquistati")
    def services_bought(self, order):
        return format_html_join(
            "", "<div>{}</div>", ((line.service_name,) for line in order.lines.all())
        )

    @admin.display(description="totale", ordering="total_gross")
    def total_display(self, order):
        return format_euro(order.total_gross)

    @admin.display(description="metodo di pagamento", ordering="payment_method")
    def payment_method_display(self, order):
        return order.payment_method

    @admin.display(description="dal preventivo")
    def quote_link(self, order):
        quote = getattr(order, "quote", None)
        if quote is None:
            return "—"
        url = reverse("admin:quotes_quoterequest_change", args=[quote.pk])
        return format_html('<a href="{}">{}</a>', url, quote.number)

    @admin.display(description="attività")
    def audit_trail(self, order):
        return trail_html(
            events(order_number=order.number), more_url=trail_url(order_number=order.number)
        )

    @admin.display(description="rimborsi")
    def refunds_list(self, order):
        return "—"

    # --- Bulk actions ---------------------------------------------------------------------

    def _bulk(self, request, queryset, action, done_label, to):
        moved, refused = 0, []
        for order in queryset:
            try:
                if action(order=order, actor=request.user, note=""):
                    moved += 1
                    self.log_staff_action(
                        request, order, f"Stato dell'ordine: {OrderStatus(to).label}"
                    )
            except actions.WorkCannotStartYet as too_early:
                refused.append(f"{order.number} (dal {too_early.start_date:%d/%m/%Y})")
            except (InvalidTransition, actions.OrderNotInFulfilment):
                refused.append(order.number)
        if moved:
            self.message_user(request, f"{moved} ordini {done_label}.", messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                f"Stato non modificabile per: {', '.join(refused)}.",
                messages.WARNING,
            )

    @admin.action(description="Segna in lavorazione", permissions=["manage"])
    def start_processing_action(self, request, queryset):
        self._bulk(
            request,
            queryset,
            actions.start_processing,
            "segnati in lavorazione",
            OrderStatus.IN_PROGRESS,
        )

    @admin.action(description="Segna completati", permissions=["manage"])
    def complete_action(self, request, queryset):
        self._bulk(
            request, queryset, actions.complete_order, "segnati completati", OrderStatus.COMPLETED
        )
