"""Back-office for quote requests: read everything, act only through the actions.

The quote form is read-only (no field, status included, is ever saved from the admin). Staff
price and send a quote, write to the customer (or ask for details), take a request in charge
and cancel it with the buttons of the quote page, which open small pages calling the quote
actions. Acting needs the "change quote request" permission; looking needs "view". Each thing
staff do here is also written to the quote's admin history (the "Storico" button), with who did
it: the actions themselves do not, since customers and tasks call them too.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from sportello.audit.admin import trail_html, trail_url
from sportello.audit.queries import events
from sportello.core.admin import ReadOnlyAdminMixin, ReadOnlyInline, StatusHistoryInline
from sportello.core.admin_actions import VIEW, ActionPage, ActionPagesAdmin, Button
from sportello.core.files import stream_private_file
from sportello.core.money import format_euro, format_vat_rate
from sportello.core.state import InvalidTransition
from sportello.quotes import actions
from sportello.quotes.forms import CancelForm, PricingForm, StaffMessageForm
from sportello.quotes.models import (
    PRICEABLE,
    QUOTE_TRANSITIONS,
    QuoteLine,
    QuoteMessage,
    QuotePrice,
    QuoteRequest,
    QuoteStatus,
    QuoteStatusChange,
)
from sportello.quotes.pdf import quote_pdf_response
from sportello.quotes.queries import (
    answer_file_for_staff,
    current_price,
    message_for_staff,
    quote_detail,
    quotes_for_staff,
)


def _answers_html(line: QuoteLine):
    if not line.answers_display:
        return "—"
    rows = []
    for answer in line.answers_display:
        value = answer.get("value", "")
        if answer.get("file_id"):
            url = reverse(
                "admin:quotes_quoterequest_answer_file", args=[line.quote_id, answer["file_id"]]
            )
            value = format_html('<a href="{}">{}</a>', url, value)
        else:
            value = format_html("{}", value)
        rows.append((answer.get("label", ""), value))
    return format_html("<dl>{}</dl>", format_html_join("", "<dt><b>{}</b></dt><dd>{}</dd>", rows))


class QuoteLineInline(ReadOnlyInline):
    model = QuoteLine
    verbose_name_plural = "servizi richiesti"
    fields = ("service_name", "answers_list", "form_version")
    readonly_fields = fields

    @admin.display(description="risposte")
    def answers_list(self, line):
        return _answers_html(line)


class QuotePriceInline(ReadOnlyInline):
    model = QuotePrice
    verbose_name_plural = "versioni inviate (la più recente è quella che vede il cliente)"
    fields = (
        "version",
        "created_at",
        "created_by",
        "valid_until",
        "line_prices",
        "total_net",
        "total_vat",
        "total_gross",
        "notes_for_customer",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lines__line").order_by("-version")

    @admin.display(description="prezzi delle righe")
    def line_prices(self, price):
        return format_html_join(
            "",
            "<div>{}: {} + IVA {} = {}</div>",
            (
                (
                    row.line.service_name,
                    format_euro(row.net),
                    format_vat_rate(row.vat_rate),
                    format_euro(row.gross),
                )
                for row in price.lines.all()
            ),
        )


class QuoteMessageInline(ReadOnlyInline):
    model = QuoteMessage
    verbose_name_plural = "messaggi"
    fields = ("created_at", "sender", "body", "attachment_link")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "attachment")

    @admin.display(description="da")
    def sender(self, message):
        who = message.author.email if message.author else "—"
        return f"Staff ({who})" if message.is_from_staff else f"Cliente ({who})"

    @admin.display(description="allegato")
    def attachment_link(self, message):
        if message.attachment_id is None:
            return "—"
        url = reverse("admin:quotes_quoterequest_attachment", args=[message.quote_id, message.pk])
        return format_html('<a href="{}">{}</a>', url, message.attachment_name)


class QuoteStatusChangeInline(StatusHistoryInline):
    model = QuoteStatusChange
    status_choices = QuoteStatus
    verbose_name_plural = "storico"


@admin.register(QuoteRequest)
class QuoteRequestAdmin(ReadOnlyAdminMixin, ActionPagesAdmin):
    list_display = (
        "number",
        "requested_at",
        "customer_email",
        "status",
        "current_version",
        "valid_until",
    )
    list_filter = ("status",)
    search_fields = ("number", "customer__email", "customer__last_name")
    list_per_page = 50
    show_full_result_count = False
    fields = (
        "number",
        "status",
        "customer",
        "company",
        "requested_at",
        "needed_by",
        "customer_message",
        "current_version",
        "valid_until",
        "accepted_version",
        "decline_reason",
        "order_link",
        "audit_trail",
    )
    readonly_fields = fields
    inlines = (QuoteLineInline, QuotePriceInline, QuoteMessageInline, QuoteStatusChangeInline)
    # The pages behind the quote page's buttons (ActionPagesAdmin).
    manage_permission = "quotes.change_quoterequest"
    action_object_name = "quote"
    action_pages = (
        ActionPage("pricing", "prezzi/", "pricing_view"),
        ActionPage("message", "messaggio/", "message_view"),
        ActionPage("start", "prendi-in-carico/", "start_view"),
        ActionPage("cancel", "annulla/", "cancel_view"),
        ActionPage("pdf", "pdf/", "pdf_view", needs=VIEW),
        ActionPage(
            "attachment", "messaggi/<int:message_id>/allegato/", "attachment_view", needs=VIEW
        ),
        ActionPage("answer_file", "allegati/<int:file_id>/", "answer_file_view", needs=VIEW),
    )
    # The customer's page answers 404 to anyone but the customer.
    view_on_site = False

    # Requests are created by customers and changed only through the actions
    # (ReadOnlyAdminMixin).

    def get_queryset(self, request):
        return quotes_for_staff()

    def get_ordering(self, request):
        # Those still waiting for a price first, then the newest.
        return ["-awaits_price", "-requested_at", "-id"]

    @admin.display(description="cliente", ordering="customer__email")
    def customer_email(self, quote):
        return quote.customer.email

    @admin.display(description="registro attività")
    def audit_trail(self, quote):
        return trail_html(
            events(quote_number=quote.number), more_url=trail_url(quote_number=quote.number)
        )

    @admin.display(description="ordine")
    def order_link(self, quote):
        if not quote.order_id:
            return "—"
        url = reverse("admin:orders_order_change", args=[quote.order_id])
        return format_html('<a href="{}">{}</a>', url, quote.order.number)

    # --- The quote page and its buttons (routing, permission, ending: ActionPagesAdmin) ----

    def action_queryset(self, request):
        return QuoteRequest.objects.select_related("customer")

    def action_buttons(self, request, quote) -> list[Button]:
        pages = []
        if quote.is_priced:
            pages.append(("pdf", "PDF del preventivo"))
        if self.has_manage_permission(request):
            if quote.status in PRICEABLE:
                label = "Nuova versione del preventivo" if quote.is_priced else "Prezzi e invio"
                pages.append(("pricing", label))
            pages.append(("message", "Scrivi al cliente"))
            if quote.status == QuoteStatus.SENT:
                pages.append(("start", "Prendi in carico"))
            if QuoteStatus.CANCELLED in QUOTE_TRANSITIONS[quote.status]:
                pages.append(("cancel", "Annulla la richiesta"))
        return [Button(label=label, url=self.action_url(quote, name)) for name, label in pages]

    def _refused(self, request, quote, what: str):
        quote.refresh_from_db()
        return self.action_refused(
            request,
            quote,
            f"{what}: non consentito quando il preventivo è «{quote.get_status_display()}».",
        )

    def pricing_view(self, request, quote):
        lines = list(quote.lines.all())
        price = current_price(quote)
        initial_prices = (
            {row.line_id: (row.net, row.vat_rate) for row in price.lines.all()} if price else {}
        )
        initial = {
            "valid_until": actions.default_valid_until(),
            "notes_for_customer": price.notes_for_customer if price else "",
        }
        form = PricingForm(
            request.POST if request.method == "POST" else None,
            lines=lines,
            initial_prices=initial_prices,
            initial=initial,
        )
        if request.method == "POST" and form.is_valid():
            try:
                sent = actions.send_prices(
                    quote=quote,
                    actor=request.user,
                    line_prices=form.line_prices(),
                    valid_until=form.cleaned_data["valid_until"],
                    notes_for_customer=form.cleaned_data["notes_for_customer"],
                )
            except InvalidTransition:
                return self._refused(request, quote, "Invio del preventivo")
            except actions.PricingError as exc:
                form.add_error(None, str(exc))
            else:
                return self.action_done(
                    request,
                    quote,
                    history=f"Preventivo inviato (versione {sent.version}): "
                    f"totale {format_euro(sent.total_gross)}",
                    message=f"Preventivo {quote.number} (versione {sent.version}) inviato al "
                    f"cliente: totale {format_euro(sent.total_gross)}.",
                )
        return self._render(
            request,
            quote,
            "admin/quotes/quoterequest/pricing.html",
            "Nuova versione del preventivo" if quote.is_priced else "Prezzi e invio",
            form=form,
            rows=[(line, _answers_html(line), net, vat) for line, net, vat in form.line_fields()],
        )

    def message_view(self, request, quote):
        form = StaffMessageForm(
            *((request.POST, request.FILES) if request.method == "POST" else ()),
            can_ask_for_details=actions.can_ask_for_details(quote),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data.get("ask_for_details"):
                    actions.ask_for_details(
                        quote=quote,
                        actor=request.user,
                        body=data["body"],
                        attachment=data.get("attachment"),
                    )
                else:
                    actions.post_message(
                        quote=quote,
                        author=request.user,
                        body=data["body"],
                        attachment=data.get("attachment"),
                        is_from_staff=True,
                    )
            except InvalidTransition:
                # The quote moved meanwhile: the message stays in the form, nothing is sent.
                quote.refresh_from_db()
                form.add_error(
                    "ask_for_details" if "ask_for_details" in form.fields else None,
                    "Non si possono più chiedere dettagli: il preventivo è "
                    f"«{quote.get_status_display()}». Togli la spunta per inviare il messaggio.",
                )
            else:
                return self.action_done(
                    request,
                    quote,
                    history="Chiesti dettagli al cliente"
                    if data.get("ask_for_details")
                    else "Messaggio inviato al cliente",
                    message="Messaggio inviato al cliente.",
                )
        detail = quote_detail(quote)
        return self._render(
            request,
            quote,
            "admin/quotes/quoterequest/action.html",
            "Scrivi al cliente",
            form=form,
            thread=detail.messages,
            is_multipart=True,
        )

    def start_view(self, request, quote):
        if request.method == "POST":
            try:
                moved = actions.start_work(quote=quote, actor=request.user)
            except InvalidTransition:
                return self._refused(request, quote, "Presa in carico")
            return self.action_done(
                request,
                quote,
                history="Richiesta presa in carico" if moved else "",
                message="Richiesta presa in carico.",
            )
        return self._render(
            request, quote, "admin/quotes/quoterequest/action.html", "Prendi in carico", form=None
        )

    def cancel_view(self, request, quote):
        form = CancelForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                moved = actions.cancel_quote(
                    quote=quote, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except InvalidTransition:
                return self._refused(request, quote, "Annullamento")
            reason = form.cleaned_data["reason"].strip()
            history = f"Richiesta annullata (motivo: {reason})" if reason else "Richiesta annullata"
            return self.action_done(
                request,
                quote,
                history=history if moved else "",
                message=f"Richiesta {quote.number} annullata: il cliente è stato avvisato.",
            )
        return self._render(
            request,
            quote,
            "admin/quotes/quoterequest/action.html",
            "Annulla la richiesta",
            form=form,
        )

    def pdf_view(self, request, quote):
        if not quote.is_priced:
            raise Http404("Il preventivo non ha ancora prezzi")
        return quote_pdf_response(quote)

    def attachment_view(self, request, quote, message_id):
        message = message_for_staff(quote_pk=quote.pk, pk=message_id)
        if message.attachment is None:
            raise Http404("Allegato non trovato")
        return stream_private_file(message.attachment.file, filename=message.attachment_name)

    def answer_file_view(self, request, quote, file_id):
        item = answer_file_for_staff(quote_pk=quote.pk, file_id=file_id)
        return stream_private_file(item.file, filename=item.original_name)

    def _render(self, request, quote, template, title, **context):
        return self.render_action_page(
            request, quote, template, f"{title} · {quote.number}", action_label=title, **context
        )
