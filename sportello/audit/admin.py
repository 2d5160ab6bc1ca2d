"""The audit trail in the back-office: one read-only list, filterable per order, quote or
customer, and a short table for the pages of the apps above (`trail_html`)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from sportello.audit.models import AuditEvent
from sportello.core.admin import ReadOnlyAdminMixin

# How many of the newest rows an order or quote page shows; the list has them all.
TRAIL_ON_PAGE = 20


def _actor(event: AuditEvent) -> str:
    return event.actor.email if event.actor else "—"


def _when(event: AuditEvent) -> str:
    return formats.date_format(timezone.localtime(event.created_at), "d/m/Y H:i")


def trail_url(**filters) -> str:
    """The full list, filtered (order_number=…, quote_number=…, customer=<pk>)."""
    return f"{reverse('admin:audit_auditevent_changelist')}?{urlencode(filters)}"


def trail_html(events, *, more_url: str):
    """The newest rows as a small table, with a link to all of them. Evaluates `events` once."""
    rows = [
        (_when(event), _actor(event), event.get_source_display(), event.message)
        for event in events[:TRAIL_ON_PAGE]
    ]
    if not rows:
        return "Nessuna attività registrata."
    return format_html(
        "<table><thead><tr><th>Data</th><th>Chi</th><th>Da dove</th><th>Descrizione</th></tr>"
        '</thead><tbody>{}</tbody></table><p><a href="{}">Tutto il registro</a></p>',
        format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        more_url,
    )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "actor_email",
        "source",
        "event_type",
        "order_number",
        "quote_number",
        "customer_email",
        "message",
    )
    list_filter = ("source", "event_type")
    search_fields = ("order_number", "quote_number", "customer__email", "actor__email", "message")
    list_select_related = ("actor", "customer")
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False
    fields = (
        "created_at",
        "actor",
        "source",
        "event_type",
        "order_number",
        "quote_number",
        "customer",
        "message",
        "extra",
    )
    readonly_fields = fields

    def lookup_allowed(self, lookup, value, request=None):
        # The order, quote and customer pages link here filtered on their own rows.
        if lookup in ("order_number", "quote_number", "customer"):
            return True
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description="chi", ordering="actor__email")
    def actor_email(self, event):
        return _actor(event)

    @admin.display(description="cliente", ordering="customer__email")
    def customer_email(self, event):
        return event.customer.email if event.customer else "—"
