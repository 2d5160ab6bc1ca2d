"""Back-office: withdrawal statements, read-only, with the one action that settles them."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from sportello.core.admin import ReadOnlyAdminMixin, StatusHistoryInline
from sportello.core.admin_actions import ActionPage, ActionPagesAdmin, Button
from sportello.core.money import format_euro
from sportello.core.state import InvalidTransition
from sportello.invoicing.queries import money_beyond_owed
from sportello.orders.actions import was_started
from sportello.payments.actions import RefundFailed, RefundNotAllowed, refundable_total
from sportello.withdrawals import actions
from sportello.withdrawals.forms import (
    AttachToOrderForm,
    CloseUnmatchedForm,
    ProcessWithdrawalForm,
)
from sportello.withdrawals.models import WithdrawalRequest, WithdrawalStatus, WithdrawalStatusChange
from sportello.withdrawals.queries import (
    refund_for_not_started,
    service_labels,
    statement_labels,
    withdrawal_for_staff,
)

PROCESS_PERMISSION = "withdrawals.change_withdrawalrequest"


class WithdrawalStatusChangeInline(StatusHistoryInline):
    model = WithdrawalStatusChange
    status_choices = WithdrawalStatus
    verbose_name_plural = "storico"


@admin.register(WithdrawalRequest)
class WithdrawalRequestAdmin(ReadOnlyAdminMixin, ActionPagesAdmin):
    action_pages = (
        ActionPage("process", "gestisci/", "process_view"),
        ActionPage("close_unmatched", "verificato/", "close_unmatched_view"),
        ActionPage("attach", "collega/", "attach_view"),
    )
    manage_permission = PROCESS_PERMISSION
    action_object_name = "withdrawal"

    list_display = [
        "received_at",
        "order_number",
        "customer_name",
        "email",
        "source",
        "status",
        "refund_display",
    ]
    list_filter = ["status", "source"]
    search_fields = ["order_number", "customer_name", "email"]
    list_select_related = ["order"]
    date_hierarchy = "received_at"
    readonly_fields = (
        "order_link",
        "customer_name",
        "email",
        "order_number",
        "services_text",
        "withdrawn_services",
        "source",
        "received_at",
        "status",
        "refund_display",
        "left_out_display",
        "processed_at",
        "processed_by",
        "staff_note",
    )
    fields = readonly_fields
    inlines = [WithdrawalStatusChangeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lines")

    @admin.display(description="ordine")
    def order_link(self, obj):
        if obj.order is None:
            return "Nessun ordine corrisponde ai dati indicati"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:orders_order_change", args=[obj.order_id]),
            obj.order.number,
        )

    @admin.display(description="tolto dal totale prima del pagamento")
    def left_out_display(self, obj):
        return format_euro(obj.left_out_of_total)

    @admin.display(description="importo rimborsato", ordering="refund_amount")
    def refund_display(self, obj):
        return "—" if obj.refund_amount is None else format_euro(obj.refund_amount)

    @admin.display(description="servizi del recesso")
    def withdrawn_services(self, obj):
        return ", ".join(statement_labels(obj, obj.lines.all())) or "—"

    def action_buttons(self, request, obj) -> list[Button]:
        if not self.has_manage_permission(request):
            return []
        if obj.status == WithdrawalStatus.UNMATCHED:
            return [
                Button(label="Collega all'ordine", url=self.action_url(obj, "attach")),
                Button(label="Segna come verificato", url=self.action_url(obj, "close_unmatched")),
            ]
        if not _is_to_process(obj):
            return []
        return [Button(label="Gestisci il recesso", url=self.action_url(obj, "process"))]

    def attach_view(self, request, obj):
        withdrawal = withdrawal_for_staff(obj.pk)
        if withdrawal.status != WithdrawalStatus.UNMATCHED:
            self.message_user(request, "Questo recesso non è da verificare.", messages.WARNING)
            return HttpResponseRedirect(self.change_url(withdrawal))
        form = AttachToOrderForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.attach_to_order(
                    withdrawal=withdrawal,
                    order_number=form.cleaned_data["order_number"],
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except actions.CannotAttach as exc:
                form.add_error("order_number", str(exc))
            except InvalidTransition:
                self.message_user(request, "Il recesso è già stato gestito.", messages.WARNING)
                return HttpResponseRedirect(self.change_url(withdrawal))
            else:
                return self.action_done(
                    request,
                    withdrawal,
                    message=(
                        f"Recesso collegato all'ordine {withdrawal.order_reference}: ora è tra i "
                        "recessi da gestire."
                    ),
                    history=f"Recesso collegato all'ordine {withdrawal.order_reference}",
                    note=form.cleaned_data["note"],
                )
        return self.render_action_page(
            request,
            withdrawal,
            "admin/withdrawals/attach.html",
            "Collega all'ordine",
            form=form,
        )

    def close_unmatched_view(self, request, obj):
        withdrawal = withdrawal_for_staff(obj.pk)
        if withdrawal.status != WithdrawalStatus.UNMATCHED:
            self.message_user(request, "Questo recesso non è da verificare.", messages.WARNING)
            return HttpResponseRedirect(self.change_url(withdrawal))
        form = CloseUnmatchedForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            note = form.cleaned_data["note"]
            try:
                actions.close_unmatched(withdrawal=withdrawal, actor=request.user, note=note)
            except InvalidTransition:
                self.message_user(request, "Il recesso è già stato gestito.", messages.WARNING)
                return HttpResponseRedirect(self.change_url(withdrawal))
            return self.action_done(
                request,
                withdrawal,
                message="Recesso segnato come verificato.",
                history="Recesso senza ordine corrispondente verificato",
                note=note,
            )
        return self.render_action_page(
            request,
            withdrawal,
            "admin/withdrawals/close_unmatched.html",
            "Segna come verificato",
            form=form,
        )

    def process_view(self, request, obj):
        withdrawal = withdrawal_for_staff(obj.pk)
        change_url = self.change_url(withdrawal)
        if not _is_to_process(withdrawal):
            self.message_user(request, "Questo recesso non è da gestire.", messages.WARNING)
            return HttpResponseRedirect(change_url)
        lines = list(withdrawal.lines.all())
        started = [line for line in lines if was_started(line)]
        order = withdrawal.order
        assert order is not None  # _is_to_process
        labels = service_labels(order.lines.all())
        form = ProcessWithdrawalForm(request.POST or None, started_lines=started, labels=labels)
        refundable = refundable_total(order)
        if request.method == "POST" and form.is_valid():
            note = form.cleaned_data["note"]
            try:
                refunded = actions.process_withdrawal(
                    withdrawal=withdrawal,
                    started_refunds=form.started_refunds(),
                    actor=request.user,
                    note=note,
                )
            except InvalidTransition:
                self.message_user(request, "Il recesso è già stato gestito.", messages.WARNING)
            except (RefundNotAllowed, RefundFailed) as exc:
                self.message_user(request, f"Rimborso non eseguito: {exc}", messages.ERROR)
            else:
                if withdrawal.left_out_of_total and not refunded:
                    outcome = "nulla da rimborsare (servizi tolti dal totale prima del pagamento)"
                elif refunded or refundable:
                    outcome = f"rimborsati {format_euro(refunded)}"
                else:
                    outcome = "nulla da rimborsare (nessun pagamento rimborsabile)"
                return self.action_done(
                    request,
                    withdrawal,
                    message=f"Recesso gestito: {outcome}. Il cliente è stato avvisato.",
                    history=f"Recesso gestito, {outcome}",
                    note=note,
                )
            return HttpResponseRedirect(change_url)
        return self.render_action_page(
            request,
            withdrawal,
            "admin/withdrawals/process.html",
            "Gestisci il recesso",
            order=order,
            not_started=[
                {"label": labels[line.pk], "gross": line.gross}
                for line in lines
                if line not in started
            ],
            started=started,
            refundable=refundable,
            # Given back for the services not started (before the cap of what was paid).
            not_started_refund=refund_for_not_started(
                withdrawal, [line for line in lines if line not in started]
            ),
            beyond_owed=money_beyond_owed(order),
            form=form,
        )


def _is_to_process(withdrawal: WithdrawalRequest) -> bool:
    return withdrawal.status == WithdrawalStatus.RECEIVED and withdrawal.order_id is not None
