"""I MIEI ORDINI: the customer's orders and file downloads.

One order's page and the page after payment show where the payment stands, so they are the
payments app's (`payments.order_views`); `payments.order_urls` puts them all under "orders".
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sportello.core.files import stream_private_file
from sportello.orders.queries import (
    answer_file_for_user,
    orders_for_customer,
    outcome_file_for_user,
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
