"""I MIEI ORDINI: the customer's orders, one order, the page after payment, file downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sportello.catalogue.answers import answers_snapshot, summarize_answers
from sportello.catalogue.models import AnswerFile
from sportello.core.files import stream_private_file
from sportello.orders import conversation
from sportello.orders.conversation_forms import DataRequestAnswerForm, OrderMessageForm
from sportello.orders.delivery import delivery_promise
from sportello.orders.models import OrderStatus, status_label
from sportello.orders.queries import (
    answer_file_for_user,
    data_request_for_customer,
    is_confirmation_emailed,
    line_timeline,
    message_attachment_for_user,
    order_for_customer,
    order_summary_for_customer,
    orders_for_customer,
    outcome_file_for_user,
    payment_method_label,
    payment_state,
)

ORDERS_PER_PAGE = 20


@require_GET
@login_required
def order_list(request):
    page = Paginator(orders_for_customer(request.user), ORDERS_PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    return render(request, "orders/list.html", {"page": page, "orders": list(page.object_list)})


def _pay_url(order) -> str:
    return reverse("payments:pay", kwargs={"number": order.number})


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


@require_GET
@login_required
def order_detail(request, number):
    return _render_order_detail(request, number, message_form=OrderMessageForm())


def _render_order_detail(request, number, *, message_form, status=200):
    order = order_for_customer(customer=request.user, number=number)
    thread = order.customer_messages  # type: ignore[attr-defined]
    unread_ids = {m.pk for m in thread if m.is_from_staff and m.read_at is None}
    if unread_ids:
        conversation.mark_read_by_customer(order)
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
            "line_rows": _line_rows(order),
            "payment": payment,
            "payments": payments,
            "history": history,
            "pay_url": _pay_url(order) if payment.can_pay else "",
            "payment_method": payment_method_label(order.payment_method),
            "thread": thread,
            "unread_ids": unread_ids,
            "message_form": message_form,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def post_message(request, number):
    order = order_for_customer(customer=request.user, number=number)
    if request.method == "GET":
        return redirect(reverse("orders:detail", kwargs={"number": number}) + "#messaggi")
    form = OrderMessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_order_detail(request, number, message_form=form, status=400)
    try:
        conversation.post_customer_message(
            order=order,
            customer=request.user,
            body=form.cleaned_data["body"],
            attachment=form.cleaned_data.get("attachment"),
        )
    except conversation.MessageRateExceeded:
        form.add_error(None, "Hai inviato troppi messaggi in poco tempo: riprova tra un'ora.")
        return _render_order_detail(request, number, message_form=form, status=429)
    messages.success(request, "Messaggio inviato: ti risponderemo qui e per e-mail.")
    return redirect(reverse("orders:detail", kwargs={"number": number}) + "#messaggi")


@require_GET
@login_required
def message_attachment(request, number, message_id):
    message = message_attachment_for_user(user=request.user, number=number, message_id=message_id)
    return stream_private_file(message.attachment, filename=message.attachment_name)


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
        owner_files=AnswerFile.objects.filter(uploaded_by=request.user),
    )
    if request.method == "POST":
        is_valid = form.is_valid()
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


@require_GET
@login_required
def order_confirmation(request, number):
    order = order_summary_for_customer(customer=request.user, number=number)
    payment = payment_state(order)
    lines = list(order.lines.all())
    for line in lines:
        line.delivery = delivery_promise(line)  # type: ignore[attr-defined]
    return render(
        request,
        "orders/confirmation.html",
        {
            "order": order,
            "lines": lines,
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
