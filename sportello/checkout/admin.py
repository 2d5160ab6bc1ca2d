"""The order page of the back-office, with its money: payments, refunds, and the buttons that
settle money ("Segna bonifico ricevuto" / "Registra bonifico arrivato", "Registra rimborso").

The orders app's admin knows nothing of payments; this subclass (at the top, because its
buttons go through `checkout.settlement`) replaces it in the admin site. URLs and names are
the orders admin's own (`admin:orders_order_action` with the slugs below).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join

from sportello.checkout import settlement
from sportello.core.admin import labelled_values_filter
from sportello.core.money import format_euro
from sportello.invoicing.queries import money_beyond_owed
from sportello.orders.admin import OrderAdmin as BaseOrderAdmin
from sportello.orders.admin.inlines import OrderLineInline, OrderStatusChangeInline
from sportello.orders.models import Order, OrderStatus
from sportello.orders.queries import is_fully_withdrawn
from sportello.payments.actions import (
    RefundFailed,
    RefundNotAllowed,
    TransferAlreadyRecorded,
    TransferNotExpected,
    cancel_order,
    late_bank_transfer,
    refundable_amount,
    refundable_total,
    transfer_deadline,
    transfers_received,
)
from sportello.payments.admin import OrderPaymentInline
from sportello.payments.forms import BankTransferForm, RefundForm
from sportello.payments.models import PaymentStatus, Refund
from sportello.payments.providers.registry import UnknownPaymentMethod, get_provider
from sportello.payments.queries import may_record_transfers, may_refund

BANK_TRANSFER_ACTION = "bonifico-ricevuto"
CANCEL_ACTION = "annulla"  # orders.admin's status button
REFUND_ACTION = "rimborso"
TRANSFER_ALREADY_RECORDED = "Un bonifico con questo CRO/TRN è già stato registrato."


def _settle_transfer(order, actor, data: dict):
    """Record the transfer a `BankTransferForm` describes (amount, value date, CRO/TRN)."""
    return settlement.settle_bank_transfer(
        order=order,
        actor=actor,
        note=data["note"],
        amount=data["amount"],
        value_date=data["value_date"],
        reference=data["reference"],
    )


def _transfer_summary(data: dict) -> str:
    """The statement's line, for the order's history."""
    return (
        f"{format_euro(data['amount'])}, valuta {data['value_date']:%d/%m/%Y}, "
        f"CRO/TRN {data['reference']}"
    )


def payment_method_label(identifier: str) -> str:
    try:
        return get_provider(identifier).verbose_name or identifier
    except UnknownPaymentMethod:
        return identifier


class OrderAdmin(BaseOrderAdmin):
    change_form_template = "admin/orders/order/change_form.html"
    list_filter = (
        "status",
        labelled_values_filter("payment_method", "metodo di pagamento", payment_method_label),
        ("placed_at", admin.DateFieldListFilter),
    )
    inlines = (OrderLineInline, OrderPaymentInline, OrderStatusChangeInline)  # type: ignore[assignment]

    @admin.display(description="metodo di pagamento", ordering="payment_method")
    def payment_method_display(self, order):
        return payment_method_label(order.payment_method)

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

    def set_status(
        self, request, order, to: str, note: str, customer_note: str | None = None
    ) -> bool:
        if to == OrderStatus.CANCELLED:
            # With its open attempts: a card session left open could still take money.
            return cancel_order(
                order=order, actor=request.user, note=note, customer_note=customer_note
            )
        return super().set_status(request, order, to, note, customer_note=customer_note)

    def _refundable_payments(self, order):
        return order.payments.filter(status=PaymentStatus.CONFIRMED).order_by("created_at", "id")

    def order_action_view(self, request, order, action):
        """ "Annulla ordine" on an order whose money we hold is a refund to make: only staff who
        may refund do it, told so before, and are taken to the refund right after."""
        if action != CANCEL_ACTION:
            return super().order_action_view(request, order, action)
        held = refundable_total(order)
        if not held:
            return super().order_action_view(request, order, action)
        if not may_refund(request.user):
            self.message_user(
                request,
                f"L'ordine {order.number} è pagato: annullarlo significa rimborsare "
                f"{format_euro(held)}. Lo fa chi gestisce i rimborsi.",
                messages.ERROR,
            )
            return HttpResponseRedirect(self.change_url(order))
        if request.method != "POST":
            self.message_user(
                request,
                f"L'ordine è pagato ({format_euro(held)} rimborsabili): dopo l'annullamento "
                "registra il rimborso, nella pagina che si apre.",
                messages.WARNING,
            )
            return super().order_action_view(request, order, action)
        response = super().order_action_view(request, order, action)
        order.refresh_from_db()
        if order.status != OrderStatus.CANCELLED:
            return response
        self.message_user(
            request,
            f"Registra ora il rimborso di {format_euro(held)}: l'ordine annullato resta "
            "«Annullato» finché il denaro non è restituito.",
            messages.WARNING,
        )
        return HttpResponseRedirect(self.action_url(order, "action", REFUND_ACTION))

    def extra_buttons(self, request, order) -> list[dict]:
        buttons = []
        if may_record_transfers(request.user):
            if order.status == OrderStatus.AWAITING_PAYMENT:
                buttons.append({"slug": BANK_TRANSFER_ACTION, "label": "Segna bonifico ricevuto"})
            elif late_bank_transfer(order) is not None:
                buttons.append(
                    {"slug": BANK_TRANSFER_ACTION, "label": "Registra bonifico arrivato"}
                )
        if may_refund(request.user) and self._refundable_payments(order).exists():
            buttons.append({"slug": REFUND_ACTION, "label": "Registra rimborso"})
        return buttons

    def extra_action_view(self, request, order, action):
        if action == BANK_TRANSFER_ACTION:
            if not may_record_transfers(request.user):
                raise PermissionDenied
            return self._bank_transfer_view(request, order)
        if action == REFUND_ACTION:
            if not may_refund(request.user):
                raise PermissionDenied
            return self._refund_view(request, order)
        return None

    def _bank_transfer_view(self, request, order):
        if order.status == OrderStatus.AWAITING_PAYMENT:
            return self._transfer_received_view(request, order)
        late = late_bank_transfer(order)
        if late is None:
            return self._transfer_not_expected(request, order)
        title = "Registra bonifico arrivato"
        # What the statement says, as for a transfer on time: the amount may differ.
        form = BankTransferForm(
            request.POST or None,
            initial={"amount": late.amount},
            placed_on=timezone.localdate(order.placed_at),
            still_due=late.amount,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                confirmation = _settle_transfer(order, request.user, data)
            except TransferAlreadyRecorded:
                form.add_error("reference", TRANSFER_ALREADY_RECORDED)
            except TransferNotExpected:
                return self._transfer_not_expected(request, order)
            else:
                order.refresh_from_db()
                self.log_staff_action(
                    request,
                    order,
                    "Registrato bonifico arrivato dopo la chiusura del pagamento: "
                    + _transfer_summary(data),
                    data["note"],
                )
                self.message_user(
                    request,
                    f"Ordine {order.number}: fatto («{title}»). "
                    f"Stato attuale: «{order.get_status_display()}».",
                    messages.SUCCESS,
                )
                if confirmation.is_for_withdrawn_order:
                    self.message_user(
                        request,
                        "Il cliente ha receduto da tutti i servizi dell'ordine: il bonifico è "
                        "registrato, l'ordine non è pagato e l'importo si rimborsa gestendo il "
                        "recesso.",
                        messages.WARNING,
                    )
                if confirmation.is_extra_charge:
                    self.message_user(
                        request,
                        "Il bonifico è registrato ma l'ordine non era in attesa di pagamento: "
                        "verifica e registra il rimborso.",
                        messages.WARNING,
                    )
                return HttpResponseRedirect(self.change_url(order))
        return self._render(request, order, "admin/orders/order/action.html", title, form=form)

    def _transfer_not_expected(self, request, order):
        order.refresh_from_db()
        self.message_user(
            request,
            f"Operazione non consentita: l'ordine è «{order.get_status_display()}».",
            messages.ERROR,
        )
        return HttpResponseRedirect(self.change_url(order))

    def _transfer_received_view(self, request, order):
        """ "Segna bonifico ricevuto" with the amount, value date and CRO/TRN: a partial amount
        leaves the order awaiting the rest (the invoice is issued once it is fully paid)."""
        title = "Segna bonifico ricevuto"
        received = transfers_received(order)
        remaining = max(order.total_gross - received, Decimal("0.00"))
        form = BankTransferForm(
            request.POST or None,
            initial={"amount": remaining},
            placed_on=timezone.localdate(order.placed_at),
            still_due=remaining,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                confirmation = _settle_transfer(order, request.user, data)
            except TransferAlreadyRecorded:
                form.add_error("reference", TRANSFER_ALREADY_RECORDED)
            except TransferNotExpected:
                return self._transfer_not_expected(request, order)
            else:
                order.refresh_from_db()
                done = "Segnato bonifico ricevuto: " + _transfer_summary(data)
                self.log_staff_action(request, order, done, data["note"])
                if confirmation.order_became_paid:
                    self.message_user(
                        request, f"Ordine {order.number}: pagamento completato.", messages.SUCCESS
                    )
                elif confirmation.is_for_withdrawn_order:
                    self.message_user(
                        request,
                        f"Bonifico registrato per l'ordine {order.number}, da cui il cliente ha "
                        "receduto: l'ordine non diventa pagato. Gestisci il recesso da «Recessi "
                        "da gestire»: il rimborso di quanto ricevuto avviene lì.",
                        messages.WARNING,
                    )
                else:
                    now_received = transfers_received(order)
                    self.message_user(
                        request,
                        "Bonifico parziale registrato: ricevuti "
                        f"{format_euro(now_received)}, mancano "
                        f"{format_euro(max(order.total_gross - now_received, Decimal('0.00')))}. "
                        "L'ordine resta in attesa di pagamento.",
                        messages.WARNING,
                    )
                return HttpResponseRedirect(self.change_url(order))
        return self._render(
            request,
            order,
            "admin/orders/order/action.html",
            title,
            form=form,
            received=received,
            remaining=remaining,
            deadline=transfer_deadline(order),
            fully_withdrawn=order.is_awaiting_payment and is_fully_withdrawn(order),
        )

    def _refund_view(self, request, order):
        payments = self._refundable_payments(order)
        if not payments.exists():
            self.message_user(
                request,
                f"L'ordine {order.number} non ha pagamenti confermati da rimborsare.",
                messages.WARNING,
            )
            return HttpResponseRedirect(self.change_url(order))
        initial = {}
        # Offer what is left of the first payment not yet wholly refunded — only the money
        # beyond what the order is owed when it is still a live order paid too much (what the
        # staff alert asked to give back).
        excess = (
            money_beyond_owed(order) if order.status != OrderStatus.CANCELLED else Decimal("0.00")
        )
        for payment in payments:
            available = refundable_amount(payment)
            if available > 0:
                amount = min(available, excess) if excess > 0 else available
                initial = {"payment": payment.pk, "amount": amount}
                break
        if excess > 0 and request.method != "POST":
            self.message_user(
                request,
                f"Ricevuti {format_euro(excess)} più del dovuto: l'importo proposto è la "
                "differenza da restituire.",
                messages.INFO,
            )
        form = RefundForm(request.POST or None, payments=payments, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                refund = settlement.record_refund(
                    payment=form.cleaned_data["payment"],
                    amount=form.cleaned_data["amount"],
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except (RefundNotAllowed, RefundFailed) as exc:
                form.add_error(None, f"Rimborso non registrato: {exc}")
            else:
                self.log_staff_action(
                    request,
                    order,
                    f"Rimborso registrato: {format_euro(refund.amount)}",
                    form.cleaned_data["note"],
                )
                self.message_user(
                    request, f"Rimborso registrato per l'ordine {order.number}.", messages.SUCCESS
                )
                return HttpResponseRedirect(self.change_url(order))
        return self._render(
            request, order, "admin/orders/order/action.html", "Registra rimborso", form=form
        )


admin.site.unregister(Order)
admin.site.register(Order, OrderAdmin)
