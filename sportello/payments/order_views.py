"""One order in I MIEI ORDINI, and the page after payment: the order with where its payment
stands (each provider shows its own pending-payment text). URL names stay "orders:detail" and
"orders:confirmation" (`payments.order_urls`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sportello.companies.queries import may_buy, placed_by
from sportello.core.state import status_label
from sportello.orders import conversation
from sportello.orders.conversation_forms import OrderMessageForm
from sportello.orders.delivery import delivery_promise
from sportello.orders.models import OrderStatus
from sportello.orders.queries import (
    is_confirmation_emailed,
    is_fully_withdrawn,
    last_withdrawal_at,
    line_timeline,
    order_for_customer,
    order_summary_for_customer,
    status_for_customer,
    total_leaves_out_withdrawn,
    withdrawal_is_open,
    withdrawal_settled,
)
from sportello.payments.models import PaymentStatus
from sportello.payments.queries import (
    order_payments,
    order_refunds,
    payment_method_label,
    payment_state,
)
from sportello.uploads.checks import UploadRejected
from sportello.uploads.limits import MESSAGES_LIMITED, allow_message


def _pay_url(order) -> str:
    return reverse("payments:pay", kwargs={"number": order.number})


def _money_received(order) -> bool:
    """Money was confirmed for the order (from its attempts, read once)."""
    return any(p.status == PaymentStatus.CONFIRMED for p in order_payments(order))


def _line_rows(order) -> list[dict]:
    """Each line with its delivery promise, timeline and open data request (the "Da fare")."""
    rows = []
    for line in order.lines.all():
        open_requests = [r for r in line.data_requests.all() if r.answered_at is None]
        rows.append(
            {
                "line": line,
                "delivery": delivery_promise(line),
                "timeline": line_timeline(line, placed_at=order.placed_at),
                "open_request": open_requests[-1] if open_requests else None,
            }
        )
    return rows


def _withdrawal_history(order) -> list[dict]:
    """The statements of withdrawal in the order's history: when each arrived and when staff
    settled it (from the prefetched lines; a statement names its lines at one time)."""
    received = {line.withdrawal_received_at for line in order.lines.all()} - {None}
    settled = {line.withdrawal_settled_at for line in order.lines.all()} - {None}
    return [{"at": at, "status": "Dichiarazione di recesso ricevuta"} for at in received] + [
        {"at": at, "status": "Recesso gestito"} for at in settled
    ]


@require_GET
@login_required
def order_detail(request, number):
    return _render_order_detail(request, number, message_form=OrderMessageForm())


def _render_order_detail(request, number, *, message_form, status=200):
    order = order_for_customer(customer=request.user, number=number)
    thread = order.customer_messages  # type: ignore[attr-defined]
    may_act = order.viewer_may_act  # type: ignore[attr-defined]
    unread_ids = {m.pk for m in thread if m.is_from_staff and m.read_at is None}
    # A colleague who only reads does not mark staff's messages read for the one who acts.
    if unread_ids and may_act:
        conversation.mark_read_by_customer(order)
    payment = payment_state(order, payments=order_payments(order))
    fully_withdrawn = is_fully_withdrawn(order)
    history = sorted(
        [
            {"at": change.created_at, "status": status_label(OrderStatus, change.to_status)}
            for change in order.status_changes.all()
        ]
        + _withdrawal_history(order),
        key=lambda item: item["at"],
    )
    # Money given back beside the payments (refunds read only when money was received).
    moves = [
        (
            p.confirmed_at or p.created_at,
            payment_method_label(p.provider),
            p.get_status_display(),
            p.amount,
        )
        for p in order_payments(order)
    ] + [
        (
            refund.created_at,
            payment_method_label(refund.payment.provider),
            "Rimborso",
            -refund.amount,
        )
        for refund in order_refunds(order)
    ]
    payments = [
        {"at": at, "method": method, "status": status, "amount": amount}
        for at, method, status, amount in sorted(moves, key=lambda move: move[0])
    ]
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "lines": order.lines.all(),
            "line_rows": _line_rows(order),
            "payment": payment,
            "payments": payments,
            "history": history,
            "pay_url": _pay_url(order)
            if payment.can_pay and may_act and not fully_withdrawn
            else "",
            "fully_withdrawn": fully_withdrawn,
            "withdrawn_money_received": fully_withdrawn and _money_received(order),
            "payment_method": payment_method_label(order.payment_method),
            # "Recedi dal contratto qui" (the withdrawals app's page) while the period is open.
            "can_withdraw": may_act and withdrawal_is_open(order),
            # A statement of withdrawal received for some or all of its services.
            "withdrawal_received_at": last_withdrawal_at(order),
            "total_leaves_out_withdrawn": total_leaves_out_withdrawn(order),
            "withdrawal_settled": withdrawal_settled(order),
            # "Recesso ricevuto" rather than "In attesa di pagamento" once nothing is to be paid.
            "order_status": status_for_customer(order),
            "may_act": may_act,
            # "Ordina di nuovo" fills a cart: not for a company's viewer.
            "may_buy": may_buy(request.user),
            # Something of the catalogue to buy again (a credit top-up has no service).
            "reorderable": any(line.service_id for line in order.lines.all()),
            "placed_by": placed_by(order, viewer=request.user),
            "thread": thread,
            "unread_ids": unread_ids,
            "message_form": message_form,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def post_message(request, number):
    """The customer writes on the order's conversation (the order page re-rendered on errors)."""
    order = order_for_customer(customer=request.user, number=number)
    if not order.viewer_may_act:  # type: ignore[attr-defined]
        raise Http404("Ordine non trovato")
    if request.method == "GET":
        return redirect(reverse("orders:detail", kwargs={"number": number}) + "#messaggi")
    form = OrderMessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_order_detail(request, number, message_form=form, status=400)
    if not allow_message(request):
        form.add_error("body", MESSAGES_LIMITED)
        return _render_order_detail(request, number, message_form=form, status=429)
    try:
        conversation.post_customer_message(
            order=order,
            customer=request.user,
            body=form.cleaned_data["body"],
            attachment=form.cleaned_data.get("attachment"),
        )
    except UploadRejected as exc:
        form.add_error("attachment", exc)
        return _render_order_detail(request, number, message_form=form, status=400)
    messages.success(request, "Messaggio inviato: ti risponderemo qui e per e-mail.")
    return redirect(reverse("orders:detail", kwargs={"number": number}) + "#messaggi")


@require_GET
@login_required
def order_confirmation(request, number):
    order = order_summary_for_customer(customer=request.user, number=number)
    payment = payment_state(order, payments=order_payments(order))
    lines = list(order.lines.all())
    for line in lines:
        line.delivery = delivery_promise(line)  # type: ignore[attr-defined]
    fully_withdrawn = is_fully_withdrawn(order)
    return render(
        request,
        "orders/confirmation.html",
        {
            "order": order,
            "lines": lines,
            "payment": payment,
            "pay_url": (
                _pay_url(order)
                if payment.can_pay
                and order.viewer_may_act  # type: ignore[attr-defined]
                and not fully_withdrawn
                else ""
            ),
            "fully_withdrawn": fully_withdrawn,
            "withdrawn_money_received": fully_withdrawn and _money_received(order),
            "is_confirmation_emailed": is_confirmation_emailed(order),
        },
    )
