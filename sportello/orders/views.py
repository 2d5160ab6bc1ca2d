"""I MIEI ORDINI: the customer's orders, one order, the page after payment, file downloads."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from sportello.core.files import stream_private_file
from sportello.orders.models import OrderStatus, status_label
from sportello.orders.queries import (
    answer_file_for_user,
    is_confirmation_emailed,
    order_for_customer,
    order_summary_for_customer,
    orders_for_customer,
    outcome_file_for_user,
    payment_method_label,
    payment_state,
    withdrawal_is_open,
)

ORDERS_PER_PAGE = 20


@require_GET
@login_required
def order_list(request):
    page = Paginator(orders_for_customer(request.user), ORDERS_PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    orders = list(page.object_list)
    return render(
        request,
        "orders/list.html",
        {
            "page": page,
            "orders": orders,
            "withdrawable": {order.number for order in orders if withdrawal_is_open(order)},
        },
    )


def _pay_url(order) -> str:
    return reverse("payments:pay", kwargs={"number": order.number})


@require_GET
@login_required
def order_detail(request, number):
    order = order_for_customer(customer=request.user, number=number)
    payment = payment_state(order)
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
        for p in order.payments.all()
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
            "can_withdraw": withdrawal_is_open(order),
        },
    )


@require_GET
@login_required
def order_confirmation(request, number):
    order = order_summary_for_customer(customer=request.user, number=number)
    payment = payment_state(order)
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


@require_GET
@login_required
def outcome_file(request, number, file_id):
    item = outcome_file_for_user(user=request.user, number=number, file_id=file_id)
    return stream_private_file(item.file, filename=item.original_name)


@require_GET
@login_required
def answer_file(request, number, file_id):
    item = answer_file_for_user(user=request.user, number=number, file_id=file_id)
    return stream_private_file(item.file, filename=item.original_name)
