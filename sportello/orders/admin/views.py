"""The order page's buttons: the small pages behind them, each calling an action.

`OrderPageViews` adds them to the order admin: its URLs (`admin:orders_order_action`,
`admin:orders_order_line`), the buttons shown on the change page, and the views. Acting needs
the "change order" permission. Each thing staff do here is also written to the admin history of
the order (the "Storia" button), with who did it: the actions themselves do not, since
customers, webhooks and tasks call them too.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from sportello.core.money import format_euro
from sportello.core.state import InvalidTransition
from sportello.orders import actions
from sportello.orders.admin.inlines import can_manage_orders
from sportello.orders.admin.rendering import answers_html, outcomes_html
from sportello.orders.forms import LineStatusForm, OrderActionForm, OutcomeForm, RefundForm
from sportello.orders.models import (
    BANK_TRANSFER_METHOD,
    ORDER_TRANSITIONS,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    Outcome,
    status_label,
)
from sportello.payments.models import Payment, PaymentStatus

# The order-level buttons: (slug, label, status it leads to or "" for payment actions).
STATUS_ACTIONS = {
    "in-lavorazione": ("Segna in lavorazione", OrderStatus.IN_PROGRESS),
    "completato": ("Segna completato", OrderStatus.COMPLETED),
    "annulla": ("Annulla ordine", OrderStatus.CANCELLED),
}
BANK_TRANSFER_ACTION = "bonifico-ricevuto"
REFUND_ACTION = "rimborso"


class OrderPageViews(admin.ModelAdmin):
    """The order admin's own pages; `OrderAdmin` subclasses it."""

    def has_manage_permission(self, request) -> bool:
        return can_manage_orders(request.user)

    def log_staff_action(self, request, order, message: str, note: str = "") -> None:
        """Write what staff did to the order's admin history, with their note if any."""
        if note.strip():
            message = f"{message} (nota: {note.strip()})"
        self.log_change(request, order, message)

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
                    done = (
                        "Registrato bonifico arrivato dopo la chiusura del pagamento"
                        if is_late_transfer
                        else "Segnato bonifico ricevuto"
                    )
                else:
                    to = STATUS_ACTIONS[action][1]
                    moved = actions.set_order_status(
                        order=order,
                        to=to,
                        actor=request.user,
                        note=note,
                        customer_note=form.cleaned_data["customer_note"],
                    )
                    done = f"Stato dell'ordine: {OrderStatus(to).label}" if moved else ""
            except (InvalidTransition, actions.OrderNotInFulfilment):
                order.refresh_from_db()
                self.message_user(
                    request,
                    f"Operazione non consentita: l'ordine è «{order.get_status_display()}».",
                    messages.ERROR,
                )
            else:
                order.refresh_from_db()
                if done:
                    self.log_staff_action(request, order, done, note)
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
                refund = refund_payment(
                    payment=form.cleaned_data["payment"],
                    amount=form.cleaned_data["amount"],
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except Exception as exc:  # the provider refused, or the state does not allow it
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
            answers=answers_html(line),
            outcomes=outcomes_html(line),
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
            moved = actions.set_line_status(
                line=line, to=data["to"], actor=request.user, note=data["note"]
            )
        except (InvalidTransition, actions.OrderNotInFulfilment):
            self.message_user(
                request,
                "Stato non modificabile: il servizio o l'ordine non lo consentono.",
                messages.ERROR,
            )
        else:
            if moved:
                self.log_staff_action(
                    request,
                    line.order,
                    f"Stato della riga «{line.service_name}»: {LineStatus(data['to']).label}",
                    data["note"],
                )
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
            done = f"Esito allegato alla riga «{line.service_name}»"
            if data["complete_line"]:
                done += ", riga completata"
            self.log_staff_action(request, line.order, done)
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
