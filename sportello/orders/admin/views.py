"""The order page's buttons: the small pages behind them, each calling an action.

`OrderPageViews` adds them to the order admin over `ActionPagesAdmin` (routing, permission,
object lookup, admin history): its pages (`admin:orders_order_action`,
`admin:orders_order_line`), the buttons shown on the change page, and the views. Acting needs
the "change order" permission. Each thing staff do here is also written to the admin history of
the order (the "Storico" button); the actions themselves write the audit trail.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404

from sportello.core.admin_actions import ActionPage, ActionPagesAdmin, Button
from sportello.core.state import InvalidTransition, status_label
from sportello.orders import actions
from sportello.orders.admin.inlines import can_manage_orders
from sportello.orders.admin.rendering import answers_html, outcomes_html
from sportello.orders.forms import LineStatusForm, OrderActionForm, OutcomeForm
from sportello.orders.models import (
    ORDER_TRANSITIONS,
    LineStatus,
    OrderLine,
    OrderStatus,
    Outcome,
)

# The order-level buttons: (slug, label, status it leads to). The money buttons (bank transfer,
# refund) are added by the layer that settles money (`sportello.checkout.admin`).
STATUS_ACTIONS = {
    "in-lavorazione": ("Segna in lavorazione", OrderStatus.IN_PROGRESS),
    "completato": ("Segna completato", OrderStatus.COMPLETED),
    "annulla": ("Annulla ordine", OrderStatus.CANCELLED),
}


class OrderPageViews(ActionPagesAdmin):
    """The order admin's own pages; `OrderAdmin` subclasses it."""

    manage_permission = "orders.change_order"
    action_object_name = "order"
    action_pages = (
        ActionPage("action", "azione/<slug:action>/", "order_action_view"),
        ActionPage("line", "servizi/<int:line_id>/", "line_view"),
    )

    def has_manage_permission(self, request) -> bool:
        return can_manage_orders(request.user)

    def set_status(
        self, request, order, to: str, note: str, customer_note: str | None = None
    ) -> bool:
        """The status buttons' action; a subclass that knows payments cancels them too.

        With `customer_note`, `note` is internal (history only) and the e-mail says the former.
        """
        return actions.set_order_status(
            order=order, to=to, actor=request.user, note=note, customer_note=customer_note
        )

    def extra_buttons(self, request, order) -> list[dict]:
        """Buttons a subclass adds after the status ones ({"slug", "label"})."""
        return []

    def extra_action_view(self, request, order, action):
        """The page of a button added by `extra_buttons`, or None for an unknown slug."""
        return None

    def action_buttons(self, request, order) -> list[Button]:
        if not self.has_manage_permission(request):
            return []
        allowed = ORDER_TRANSITIONS.get(order.status, frozenset())
        buttons = [
            {"slug": slug, "label": label}
            for slug, (label, to) in STATUS_ACTIONS.items()
            if to in allowed
        ]
        buttons.extend(self.extra_buttons(request, order))
        return [
            Button(label=button["label"], url=self.action_url(order, "action", button["slug"]))
            for button in buttons
        ]

    def order_action_view(self, request, order, action):
        if action not in STATUS_ACTIONS:
            response = self.extra_action_view(request, order, action)
            if response is None:
                raise PermissionDenied
            return response
        title = STATUS_ACTIONS[action][0]
        form = OrderActionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            note = form.cleaned_data["note"]
            try:
                to = STATUS_ACTIONS[action][1]
                moved = self.set_status(
                    request, order, to, note, customer_note=form.cleaned_data["customer_note"]
                )
                done = f"Stato dell'ordine: {OrderStatus(to).label}" if moved else ""
            except actions.WorkCannotStartYet as too_early:
                self.message_user(
                    request, f"Operazione non consentita. {too_early}", messages.ERROR
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
                if done:
                    self.log_staff_action(request, order, done, note)
                self.message_user(
                    request,
                    f"Ordine {order.number}: fatto («{title}»). "
                    f"Stato attuale: «{order.get_status_display()}».",
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(self.change_url(order))
        return self._render(request, order, "admin/orders/order/action.html", title, form=form)

    def line_view(self, request, order, line_id):
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
        return self.action_url(line.order, "line", line.pk)

    def _move_line(self, request, line, data):
        try:
            moved = actions.set_line_status(
                line=line, to=data["to"], actor=request.user, note=data["note"]
            )
        except actions.WorkCannotStartYet as too_early:
            self.message_user(request, f"Stato non modificabile. {too_early}", messages.ERROR)
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
        except actions.WorkCannotStartYet as too_early:
            self.message_user(request, f"Esito non aggiunto. {too_early}", messages.ERROR)
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
        return self.render_action_page(request, order, template, title, **context)
