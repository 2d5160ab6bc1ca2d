"""Back-office for orders: read everything, act only through the actions.

The order form is read-only (no field, status included, is ever saved from the admin). Staff
move orders and lines, attach outcomes, mark bank transfers received and record refunds with
the buttons of the order page, which open small pages calling the same actions the rest of
the code uses. Acting needs the "change order" permission; looking needs "view order".
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BooleanField, Prefetch, Value
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join

from sportello.core.money import format_euro
from sportello.core.state import InvalidTransition
from sportello.orders import actions
from sportello.orders.forms import LineStatusForm, OrderActionForm, OutcomeForm, RefundForm
from sportello.orders.models import (
    BANK_TRANSFER_METHOD,
    ORDER_TRANSITIONS,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Outcome,
    OutcomeFile,
    status_label,
)
from sportello.orders.queries import payment_method_label
from sportello.payments.models import Payment, PaymentStatus, Refund

# The order-level buttons: (slug, label, status it leads to or "" for payment actions).
STATUS_ACTIONS = {
    "in-lavorazione": ("Segna in lavorazione", OrderStatus.IN_PROGRESS),
    "completato": ("Segna completato", OrderStatus.COMPLETED),
    "annulla": ("Annulla ordine", OrderStatus.CANCELLED),
}
BANK_TRANSFER_ACTION = "bonifico-ricevuto"
REFUND_ACTION = "rimborso"


def _answers_html(line: OrderLine):
    if not line.answers_display:
        return "—"
    rows: list[tuple[str, object]] = []
    for answer in line.answers_display:
        value = answer.get("value", "")
        if answer.get("file_id"):
            url = reverse(
                "orders:answer_file",
                kwargs={"number": line.order.number, "file_id": answer["file_id"]},
            )
            value = format_html('<a href="{}">{}</a>', url, value)
        else:
            value = format_html("{}", value)
        rows.append((answer.get("label", ""), value))
    supplements: list[tuple[str, object]] = [
        (f"Supplemento {s['label']}", f"{s['net']} € + IVA") for s in line.supplements
    ]
    return format_html(
        "<dl>{}</dl>", format_html_join("", "<dt><b>{}</b></dt><dd>{}</dd>", rows + supplements)
    )


def _outcomes_html(line: OrderLine):
    outcomes = list(line.outcomes.all())
    if not outcomes:
        return "—"
    items = []
    for outcome in outcomes:
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (
                    reverse(
                        "orders:outcome_file",
                        kwargs={"number": line.order.number, "file_id": f.pk},
                    ),
                    f.original_name,
                )
                for f in outcome.files.all()
            ),
        )
        items.append((outcome.created_at.strftime("%d/%m/%Y"), outcome.note or "", links))
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{} · {} {}</li>", items))


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Lines, payments and history are parts of the order: whoever may see the order sees
        # them, without a permission per inner model.
        return request.user.has_perm("orders.view_order") or request.user.has_perm(
            "orders.change_order"
        )


def can_manage_orders(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("orders.change_order")


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
        return _answers_html(line)

    @admin.display(description="esiti e azioni")
    def esiti(self, line):
        if not getattr(line, "can_manage", False):
            return _outcomes_html(line)
        manage = reverse("admin:orders_order_line", args=[line.order_id, line.pk])
        return format_html(
            '{}<p><a class="button" href="{}">Stato ed esiti del servizio</a></p>',
            _outcomes_html(line),
            manage,
        )


class PaymentInline(ReadOnlyInline):
    model = Payment
    verbose_name_plural = "pagamenti"
    fields = (
        "provider_label",
        "amount",
        "status",
        "provider_reference",
        "created_at",
        "confirmed_at",
        "failure_reason",
    )
    readonly_fields = fields

    @admin.display(description="metodo")
    def provider_label(self, payment):
        return payment.provider_label


class OrderStatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    verbose_name_plural = "storico"
    fields = ("created_at", "from_label", "to_label", "actor", "note")
    readonly_fields = fields

    @admin.display(description="da")
    def from_label(self, change):
        return status_label(OrderStatus, change.from_status)

    @admin.display(description="a")
    def to_label(self, change):
        return status_label(OrderStatus, change.to_status)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "placed_at",
        "customer_email",
        "billing_name",
        "total_gross",
        "payment_method_display",
        "status",
    )
    list_filter = ("status", "payment_method", ("placed_at", admin.DateFieldListFilter))
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
                    "customer_email",
                    "placed_at",
                    "paid_at",
                    "payment_method_display",
                    ("total_net", "total_vat", "total_gross"),
                    "refunds_list",
                    "quote_link",
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
        "refunds_list",
        "quote_link",
    )
    inlines = (OrderLineInline, PaymentInline, OrderStatusChangeInline)
    actions = ("start_processing_action", "complete_action")
    change_form_template = "admin/orders/order/change_form.html"
    # The customer's order page checks ownership: staff would get a 404 there.
    view_on_site = False

    # Orders are created by the checkout and changed only through actions.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_manage_permission(self, request) -> bool:
        return can_manage_orders(request.user)

    @admin.display(description="metodo di pagamento", ordering="payment_method")
    def payment_method_display(self, order):
        return payment_method_label(order.payment_method)

    @admin.display(description="dal preventivo")
    def quote_link(self, order):
        quote = getattr(order, "quote", None)
        if quote is None:
            return "—"
        url = reverse("admin:quotes_quoterequest_change", args=[quote.pk])
        return format_html('<a href="{}">{}</a>', url, quote.number)

    @admin.display(description="rimborsi")
    def refunds_list(self, order):
        refunds = (
            Refund.objects.filter(payment__order=order)
            .select_related("payment", "created_by")
            .order_by("created_at", "id")
        )
        rows = [
            (
                formats.date_format(timezone.localtime(refund.created_at), "d/m/Y H:i"),
                format_euro(refund.amount),
                payment_method_label(refund.payment.provider),
                refund.note or "—",
                refund.created_by.email if refund.created_by else "—",
                refund.provider_reference or "—",
            )
            for refund in refunds
        ]
        if not rows:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{} · {} · {} · {} · {} · {}</li>", rows)
        )

    # --- Bulk actions ---------------------------------------------------------------------

    def _bulk(self, request, queryset, action, done_label):
        moved, refused = 0, []
        for order in queryset:
            try:
                if action(order=order, actor=request.user, note=""):
                    moved += 1
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
        self._bulk(request, queryset, actions.start_processing, "segnati in lavorazione")

    @admin.action(description="Segna completati", permissions=["manage"])
    def complete_action(self, request, queryset):
        self._bulk(request, queryset, actions.complete_order, "segnati completati")

    # --- The order page and its buttons --------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:order_id>/azione/<slug:action>/",
                view(self.order_action_view),
                name="orders_order_action",
            ),
            path(
                "<int:order_id>/servizi/<int:line_id>/",
                view(self.line_view),
                name="orders_order_line",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        order = Order.objects.filter(pk=object_id).first()
        if order is not None and self.has_manage_permission(request):
            extra_context["order_buttons"] = self._buttons(order)
        return super().change_view(request, object_id, form_url, extra_context)

    def _pending_bank_transfer(self, order) -> Payment | None:
        return (
            order.payments.filter(
                provider=BANK_TRANSFER_METHOD,
                status__in=(PaymentStatus.CREATED, PaymentStatus.PENDING),
            )
            .order_by("-created_at", "-id")
            .first()
        )

    def _late_bank_transfer(self, order) -> Payment | None:
        """A transfer the customer was told to make, for an order no longer awaiting payment
        (cancelled, or paid another way): money that still arrives must be recorded, to be
        refunded."""
        return (
            order.payments.filter(
                provider=BANK_TRANSFER_METHOD,
                status__in=(PaymentStatus.CREATED, PaymentStatus.PENDING, PaymentStatus.CANCELLED),
            )
            .order_by("-created_at", "-id")
            .first()
        )

    def _refundable_payments(self, order):
        return order.payments.filter(status=PaymentStatus.CONFIRMED).order_by("created_at", "id")

    def _buttons(self, order) -> list[dict]:
        allowed = ORDER_TRANSITIONS.get(order.status, frozenset())
        buttons = [
            {"slug": slug, "label": label}
            for slug, (label, to) in STATUS_ACTIONS.items()
            if to in allowed
        ]
        if order.status == OrderStatus.AWAITING_PAYMENT:
            buttons.append({"slug": BANK_TRANSFER_ACTION, "label": "Segna bonifico ricevuto"})
        elif self._late_bank_transfer(order) is not None:
            buttons.append({"slug": BANK_TRANSFER_ACTION, "label": "Registra bonifico arrivato"})
        if self._refundable_payments(order).exists():
            buttons.append({"slug": REFUND_ACTION, "label": "Registra rimborso"})
        for button in buttons:
            button["url"] = reverse("admin:orders_order_action", args=[order.pk, button["slug"]])
        return buttons

    def _order_or_404(self, request, order_id) -> Order:
        if not self.has_manage_permission(request):
            raise PermissionDenied
        return get_object_or_404(Order, pk=order_id)

    def _change_url(self, order) -> str:
        return reverse("admin:orders_order_change", args=[order.pk])

    def order_action_view(self, request, order_id, action):
        order = self._order_or_404(request, order_id)
        if action == REFUND_ACTION:
            return self._refund_view(request, order)
        is_late_transfer = False
        if action == BANK_TRANSFER_ACTION:
            is_late_transfer = order.status != OrderStatus.AWAITING_PAYMENT
            title = "Registra bonifico arrivato" if is_late_transfer else "Segna bonifico ricevuto"
        elif action in STATUS_ACTIONS:
            title = STATUS_ACTIONS[action][0]
        else:
            raise PermissionDenied
        form = OrderActionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            note = form.cleaned_data["note"]
            try:
                if action == BANK_TRANSFER_ACTION:
                    self._confirm_bank_transfer(request, order, note)
                else:
                    actions.set_order_status(
                        order=order, to=STATUS_ACTIONS[action][1], actor=request.user, note=note
                    )
            except (InvalidTransition, actions.OrderNotInFulfilment):
                order.refresh_from_db()
                self.message_user(
                    request,
                    f"Operazione non consentita: l'ordine è «{order.get_status_display()}».",
                    messages.ERROR,
                )
            else:
                order.refresh_from_db()
                self.message_user(
                    request,
                    f"Ordine {order.number}: {title.lower()} fatto. "
                    f"Stato attuale: «{order.get_status_display()}».",
                    messages.SUCCESS,
                )
                if is_late_transfer:
                    self.message_user(
                        request,
                        "Il bonifico è registrato ma l'ordine non era in attesa di pagamento: "
                        "verifica e registra il rimborso.",
                        messages.WARNING,
                    )
            return HttpResponseRedirect(self._change_url(order))
        return self._render(request, order, "admin/orders/order/action.html", title, form=form)

    def _confirm_bank_transfer(self, request, order, note):
        from sportello.payments.actions import confirm_payment, create_payment

        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order.pk)
            if order.status == OrderStatus.AWAITING_PAYMENT:
                payment = self._pending_bank_transfer(order)
                if payment is None:
                    # The customer chose another method at checkout but paid by transfer anyway.
                    payment = create_payment(order=order, provider=BANK_TRANSFER_METHOD)
            else:
                # Late money: recorded (the order is not reopened, staff are told) so that
                # it can be refunded.
                payment = self._late_bank_transfer(order)
                if payment is None:
                    raise InvalidTransition(order, order.status, OrderStatus.PAID)
            if not confirm_payment(payment=payment, actor=request.user, note=note):
                raise InvalidTransition(payment, payment.status, PaymentStatus.CONFIRMED)

    def _refund_view(self, request, order):
        from sportello.payments.actions import refundable_amount

        payments = self._refundable_payments(order)
        if not payments.exists():
            self.message_user(
                request,
                f"L'ordine {order.number} non ha pagamenti confermati da rimborsare.",
                messages.WARNING,
            )
            return HttpResponseRedirect(self._change_url(order))
        initial = {}
        # Offer what is left of the first payment not yet wholly refunded.
        for payment in payments:
            available = refundable_amount(payment)
            if available > 0:
                initial = {"payment": payment.pk, "amount": available}
                break
        form = RefundForm(request.POST or None, payments=payments, initial=initial)
        if request.method == "POST" and form.is_valid():
            from sportello.payments.actions import refund_payment

            try:
                refund_payment(
                    payment=form.cleaned_data["payment"],
                    amount=form.cleaned_data["amount"],
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except Exception as exc:  # the provider refused, or the state does not allow it
                form.add_error(None, f"Rimborso non registrato: {exc}")
            else:
                self.message_user(
                    request, f"Rimborso registrato per l'ordine {order.number}.", messages.SUCCESS
                )
                return HttpResponseRedirect(self._change_url(order))
        return self._render(
            request, order, "admin/orders/order/action.html", "Registra rimborso", form=form
        )

    def line_view(self, request, order_id, line_id):
        order = self._order_or_404(request, order_id)
        line = get_object_or_404(
            OrderLine.objects.select_related("order").prefetch_related(
                Prefetch("outcomes", queryset=Outcome.objects.prefetch_related("files"))
            ),
            pk=line_id,
            order=order,
        )
        # Both forms have a "note": distinct ids keep each label tied to its own field.
        status_ids, outcome_ids = "id_status_%s", "id_outcome_%s"
        status_form = LineStatusForm(None, line=line, auto_id=status_ids)
        outcome_form = OutcomeForm(None, auto_id=outcome_ids)
        if request.method == "POST":
            kind = request.POST.get("form")
            if kind == "status":
                status_form = LineStatusForm(request.POST, line=line, auto_id=status_ids)
                if status_form.is_valid():
                    return self._move_line(request, line, status_form.cleaned_data)
            elif kind == "outcome":
                outcome_form = OutcomeForm(request.POST, request.FILES, auto_id=outcome_ids)
                if outcome_form.is_valid():
                    return self._add_outcome(request, line, outcome_form.cleaned_data)
        return self._render(
            request,
            order,
            "admin/orders/order/line.html",
            f"{line.service_name} · ordine {order.number}",
            line=line,
            answers=_answers_html(line),
            outcomes=_outcomes_html(line),
            status_form=status_form,
            outcome_form=outcome_form,
            line_history=[
                {
                    "at": change.created_at,
                    "from": status_label(LineStatus, change.from_status),
                    "to": status_label(LineStatus, change.to_status),
                    "actor": change.actor,
                    "note": change.note,
                }
                for change in line.status_changes.select_related("actor").order_by(
                    "created_at", "id"
                )
            ],
        )

    def _line_url(self, line) -> str:
        return reverse("admin:orders_order_line", args=[line.order_id, line.pk])

    def _move_line(self, request, line, data):
        try:
            actions.set_line_status(line=line, to=data["to"], actor=request.user, note=data["note"])
        except (InvalidTransition, actions.OrderNotInFulfilment):
            self.message_user(
                request,
                "Stato non modificabile: il servizio o l'ordine non lo consentono.",
                messages.ERROR,
            )
        else:
            self.message_user(request, "Stato del servizio aggiornato.", messages.SUCCESS)
        return HttpResponseRedirect(self._line_url(line))

    def _add_outcome(self, request, line, data):
        try:
            actions.add_outcome(
                line=line,
                note=data["note"],
                files=data["outcome_files"],
                actor=request.user,
                complete_line=data["complete_line"],
            )
        except actions.OrderNotInFulfilment:
            self.message_user(
                request,
                "Esito non aggiunto: l'ordine non è pagato oppure è chiuso.",
                messages.ERROR,
            )
        except (actions.OutcomeFileRejected, InvalidTransition) as exc:
            self.message_user(request, f"Esito non aggiunto: {exc}", messages.ERROR)
        else:
            self.message_user(
                request, "Esito aggiunto: il cliente è stato avvisato per e-mail.", messages.SUCCESS
            )
        return HttpResponseRedirect(self._line_url(line))

    def _render(self, request, order, template, title, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "order": order,
                "title": title,
                "change_url": self._change_url(order),
                **context,
            },
        )
