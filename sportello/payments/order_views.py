"""One order in I MIEI ORDINI, and the page after payment: the order with where its payment
stands (each provider shows its own pending-payment text). URL names stay "orders:detail" and
"orders:confirmation" (`payments.order_urls`)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from sportello.core.state import status_label
from sportello.orders.models import OrderStatus
from sportello.orders.queries import (
    is_confirmation_emailed,
    order_for_customer,
    order_summary_for_customer,
    withdrawal_is_open,
)
from sportello.payments.queries import order_payments, payment_method_label, payment_state


def _pay_url(order) -> str:
    return reverse("payments:pay", kwargs={"number": order.number})


@require_GET
@login_required
def order_detail(request, number):
    order = order_for_customer(customer=request.user, number=number)
    payment = payment_state(order, payments=order_payments(order))
    history = [
        {"at": change.created_at, "status": status_label(OrderStatus, change.to_status)}
        for change in order.status_changes.all()
    ]
    payments = [
        {
            "method": payment_method_label(p.provider),
            "status": p.get_status_display(),
            "amount": p.amount,
            "at": p.confirmed_at or p.created_at,
        }
        for p in order_payments(order)
    ]
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "lines": order.lines.all(),
            "payment": payment,
            "payments": payments,
            "history": history,
            "pay_url": _pay_url(order) if payment.can_pay else "",
            "payment_method": payment_method_label(order.payment_method),
            # "Recedi dal contratto qui" (the withdrawals app's page) while the period is open.
            "can_withdraw": withdrawal_is_open(order),
        },
    )


@require_GET
@login_required
def order_confirmation(request, number):
    order = order_summary_for_customer(customer=request.user, number=number)
    payment = payment_state(order, payments=order_payments(order))
    return render(
        request,
        "orders/confirmation.html",
        {
            "order": order,
            "lines": order.lines.all(),
            "payment": payment,
            "pay_url": _pay_url(order) if payment.can_pay else "",
            "is_confirmation_emailed": is_confirmation_emailed(order),
        },
    )
