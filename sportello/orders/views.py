"""I MIEI ORDINI: the customer's orders and file downloads.

One order's page and the page after payment show where the payment stands, so they are the
payments app's (`payments.order_views`); `payments.order_urls` puts them all under "orders".
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sportello.catalogue.answers import answers_snapshot, summarize_answers
from sportello.core.files import stream_private_file
from sportello.orders import conversation
from sportello.orders.conversation_forms import DataRequestAnswerForm
from sportello.orders.queries import (
    WITHDRAWN_STATUS,
    answer_file_for_user,
    data_request_for_customer,
    last_withdrawal_at,
    message_attachment_for_user,
    orders_for_customer,
    outcome_file_for_user,
    status_for_customer,
    withdrawal_is_open,
    withdrawal_settled,
)
from sportello.uploads.models import Upload

ORDERS_PER_PAGE = 20


@require_GET
@login_required
def order_list(request):
    page = Paginator(orders_for_customer(request.user), ORDERS_PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    orders = list(page.object_list)
    rows = []
    for order in orders:
        status, status_label = status_for_customer(order)
        rows.append(
            {
                "order": order,
                "status": status,
                "status_label": status_label,
                # "Recedi dal contratto qui" while the period is open, else where a statement
                # of withdrawal stands (unless the status already says it).
                "withdrawable": order.viewer_may_act  # type: ignore[attr-defined]
                and withdrawal_is_open(order),
                "withdrawal": ""
                if last_withdrawal_at(order) is None or status == WITHDRAWN_STATUS[0]
                else "Recesso gestito"
                if withdrawal_settled(order)
                else "Recesso ricevuto",
            }
        )
    return render(
        request,
        "orders/list.html",
        {
            "page": page,
            "orders": orders,
            "rows": rows,
            "show_placed_by": any(order.company_id for order in orders),
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


@require_GET
@login_required
def message_attachment(request, number, message_id):
    message = message_attachment_for_user(user=request.user, number=number, message_id=message_id)
    upload = message.attachment
    assert upload is not None  # the query keeps messages with an attachment only
    return stream_private_file(upload.file, filename=upload.original_name)


@require_http_methods(["GET", "POST"])
@login_required
def data_request(request, number, request_id):
    data_request = data_request_for_customer(
        customer=request.user, number=number, request_id=request_id
    )
    line = data_request.line
    order_url = reverse("orders:detail", kwargs={"number": number})
    if data_request.answered_at is not None:
        messages.info(request, "Hai già inviato i dati richiesti: grazie.")
        return redirect(order_url)
    form = DataRequestAnswerForm(
        request.POST or None,
        request.FILES or None,
        data_request=data_request,
        fields_definition=conversation.form_fields_of_line(line),
        answers=line.answers,
        owner_files=Upload.objects.filter(owner=request.user),
    )
    if request.method == "POST":
        is_valid = form.is_valid()
        # Accepted files and documents are kept, so an error elsewhere does not ask them again.
        form.store_uploads(user=request.user)
        if is_valid:
            items = summarize_answers(form.fields_definition, form.answers())
            try:
                conversation.answer_data_request(
                    data_request=data_request,
                    customer=request.user,
                    answers=form.answers(),
                    answers_display=answers_snapshot(items),
                    documents=form.documents(),
                    customer_note=form.cleaned_data.get("customer_note", ""),
                )
            except conversation.DataRequestClosed:
                messages.info(request, "Hai già inviato i dati richiesti: grazie.")
            else:
                messages.success(request, "Dati inviati: riprendiamo la lavorazione.")
            return redirect(order_url)
    return render(
        request,
        "orders/data_request.html",
        {"order": line.order, "line": line, "data_request": data_request, "form": form},
        status=400 if request.method == "POST" else 200,
    )
