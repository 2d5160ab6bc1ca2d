"""The Scrivania: staff's workstation (queues) and the order's working page ("pratica")."""

from __future__ import annotations

from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sportello.core.state import InvalidTransition
from sportello.desk import queries
from sportello.desk.forms import (
    AssignForm,
    InspectionDateForm,
    QueueFilterForm,
)
from sportello.desk.queues import Filters, build_queues
from sportello.orders import conversation
from sportello.orders.actions import OrderNotInFulfilment, WorkCannotStartYet, set_line_status
from sportello.orders.conversation_forms import DataRequestForm, StaffOrderMessageForm
from sportello.orders.delivery import FROM_INSPECTION, delivery_promise, set_inspection_date
from sportello.orders.models import LineStatus, OrderMessage
from sportello.orders.queries import line_timeline
from sportello.payments.queries import may_record_transfers
from sportello.quotes.actions import assign_quote
from sportello.quotes.models import QuoteRequest


def _render(request, template: str, context: dict, status: int = 200):
    """A desk page in the back-office's frame: its header, user links (log out) and menu."""
    return render(request, template, {**admin.site.each_context(request), **context}, status=status)


def desk_view(view):
    """Staff only (admin login), with the right to work on orders."""

    @staff_member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not queries.can_work_on_orders(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@staff_member_required
def home(request):
    if not queries.can_work_on_orders(request.user):
        # The landing page after login for every staff member: the others go to the index.
        return redirect("admin:index")
    staff = list(queries.staff_members())
    choices = queries.filter_choices()
    form = QueueFilterForm(
        request.GET or None,
        services=choices["services"],
        categories=choices["categories"],
        staff=staff,
    )
    filters = Filters()
    mine = request.GET.get("miei") == "1"
    if form.is_valid():
        filters = Filters(
            service_id=form.cleaned_data["servizio"],
            category_id=form.cleaned_data["categoria"],
            assignee_id=form.cleaned_data["assegnatario"],
        )
    if mine:
        filters = Filters(
            service_id=filters.service_id,
            category_id=filters.category_id,
            assignee_id=request.user.pk,
        )
    return _render(
        request,
        "desk/home.html",
        {
            "title": "Scrivania",
            "queues": build_queues(filters),
            "filter_form": form,
            "mine": mine,
        },
    )


def _next_or(request, fallback: str) -> str:
    """The page to go back to (a queue on the desk), if it is one of ours; else `fallback`."""
    wanted = request.POST.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


def _order_url(number: str, anchor: str = "") -> str:
    return reverse("desk:order", args=[number]) + (f"#{anchor}" if anchor else "")


def _line_rows(order, staff) -> list[dict]:
    today = timezone.localdate()
    rows = []
    for line in order.lines.all():
        requests = list(line.data_requests.all())
        open_request = next((r for r in reversed(requests) if r.answered_at is None), None)
        rows.append(
            {
                "line": line,
                "delivery": delivery_promise(line),
                "is_late": bool(
                    line.due_on and line.due_on < today and line.status != LineStatus.COMPLETED
                ),
                "timeline": line_timeline(line, placed_at=order.placed_at),
                "requests": requests,
                "open_request": open_request,
                "waiting_days": (today - timezone.localdate(open_request.created_at)).days
                if open_request
                else None,
                "revisions": list(line.answer_revisions.all()),
                "assign_form": AssignForm(
                    staff=staff,
                    initial={"assigned_to": line.assigned_to_id},
                    prefix=f"line{line.pk}",
                ),
                # A service named in a statement of withdrawal waits for "Gestisci il recesso".
                "can_start": line.status == LineStatus.RECEIVED
                and line.withdrawal_received_at is None,
                "inspection_form": InspectionDateForm(
                    initial={"inspection_on": line.clock_started_on}, prefix=f"line{line.pk}"
                )
                if line.delivery_starts_from == FROM_INSPECTION
                and line.delivery_working_days is not None
                else None,
                # Not from a customer whose account is closed (erased): nobody would answer.
                "can_request_data": order.customer.is_active
                and line.status in (LineStatus.RECEIVED, LineStatus.IN_PROGRESS),
            }
        )
    return rows


def _render_order(request, number, *, message_form=None, status=200):
    order = queries.order_for_staff(number)
    staff = list(queries.staff_members())
    thread = list(order.messages.all())
    unread_ids = {m.pk for m in thread if not m.is_from_staff and m.read_at is None}
    if unread_ids:
        conversation.mark_read_by_staff(order)
    return _render(
        request,
        "desk/order.html",
        {
            "title": f"Pratica dell'ordine {order.number}",
            "order": order,
            "line_rows": _line_rows(order, staff),
            "thread": thread,
            "unread_ids": unread_ids,
            "message_form": message_form or StaffOrderMessageForm(),
            "admin_url": reverse("admin:orders_order_change", args=[order.pk]),
            "may_record_transfers": may_record_transfers(request.user),
        },
        status=status,
    )


@require_GET
@desk_view
def order(request, number):
    return _render_order(request, number)


@require_POST
@desk_view
def post_message(request, number):
    order = queries.order_for_staff(number)
    form = StaffOrderMessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_order(request, number, message_form=form, status=400)
    conversation.post_staff_message(
        order=order,
        actor=request.user,
        body=form.cleaned_data["body"],
        attachment=form.cleaned_data.get("attachment"),
        is_internal=form.cleaned_data["is_internal"],
    )
    if form.cleaned_data["is_internal"]:
        messages.success(request, "Nota interna salvata (il cliente non la vede).")
    else:
        messages.success(request, "Messaggio inviato al cliente.")
    return redirect(_order_url(number, "messaggi"))


@require_POST
@desk_view
def mark_answered(request, number, message_id):
    message = get_object_or_404(
        OrderMessage, pk=message_id, order__number=number, is_from_staff=False
    )
    conversation.mark_answered(message)
    messages.success(request, "Messaggio segnato come gestito.")
    return redirect(_next_or(request, _order_url(number, "messaggi")))


@require_POST
@desk_view
def start_line(request, number, line_id):
    line = queries.line_for_staff(number=number, line_id=line_id)
    try:
        set_line_status(line=line, to=LineStatus.IN_PROGRESS, actor=request.user)
    except WorkCannotStartYet as exc:
        # Why, and from when: the consumer's withdrawal period is still running.
        messages.error(request, str(exc))
    except (InvalidTransition, OrderNotInFulfilment):
        messages.error(request, "Operazione non consentita nello stato attuale.")
    else:
        messages.success(request, f"«{line.service_name}»: lavorazione iniziata.")
    return redirect(_next_or(request, _order_url(number, f"riga-{line.pk}")))


@require_POST
@desk_view
def assign_line(request, number, line_id):
    line = queries.line_for_staff(number=number, line_id=line_id)
    staff = list(queries.staff_members())
    form = AssignForm(request.POST, staff=staff, prefix=f"line{line.pk}")
    if form.is_valid():
        member = next((u for u in staff if u.pk == form.cleaned_data["assigned_to"]), None)
        conversation.assign_line(line=line, staff_member=member, actor=request.user)
        messages.success(request, "Assegnazione aggiornata.")
    return redirect(_order_url(number, f"riga-{line.pk}"))


@require_POST
@desk_view
def set_inspection(request, number, line_id):
    line = queries.line_for_staff(number=number, line_id=line_id)
    form = InspectionDateForm(request.POST, prefix=f"line{line.pk}")
    if form.is_valid() and line.delivery_starts_from == FROM_INSPECTION:
        set_inspection_date(line, form.cleaned_data["inspection_on"])
        messages.success(request, "Data del sopralluogo registrata: consegna prevista aggiornata.")
    else:
        messages.error(request, "Indica una data valida.")
    return redirect(_order_url(number, f"riga-{line.pk}"))


@require_POST
@desk_view
def assign_quote_view(request, quote_id):
    quote = get_object_or_404(QuoteRequest, pk=quote_id)
    staff = list(queries.staff_members())
    form = AssignForm(request.POST, staff=staff)
    if form.is_valid():
        member = next((u for u in staff if u.pk == form.cleaned_data["assigned_to"]), None)
        assign_quote(quote=quote, staff_member=member, actor=request.user)
        messages.success(request, f"Preventivo {quote.number}: assegnazione aggiornata.")
    return redirect(_next_or(request, reverse("admin:quotes_quoterequest_change", args=[quote.pk])))


@require_http_methods(["GET", "POST"])
@desk_view
def request_data(request, number, line_id):
    line = queries.line_for_staff(number=number, line_id=line_id)
    fields_definition = conversation.form_fields_of_line(line)
    form = DataRequestForm(request.POST or None, fields_definition=fields_definition)
    if request.method == "POST" and form.is_valid():
        try:
            conversation.request_data(
                line=line,
                actor=request.user,
                note=form.cleaned_data["note"],
                field_keys=form.cleaned_data["field_keys"],
                documents=form.cleaned_data["documents"],
            )
        except (InvalidTransition, OrderNotInFulfilment):
            messages.error(request, "Operazione non consentita nello stato attuale.")
        else:
            messages.success(request, "Richiesta integrazione inviata al cliente.")
        return redirect(_order_url(number, f"riga-{line.pk}"))
    return _render(
        request,
        "desk/request_data.html",
        {"title": "Richiesta integrazione", "order": line.order, "line": line, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def land_on_desk(login_view):
    """Wrap the back-office login: staff who did not ask for a page start at the Scrivania.

    The admin login sends staff to the shop's login (`secure_admin_login`: rate limits, e-mail
    code, second factor) with `next`; when `next` is the back-office index (or missing), it
    becomes the Scrivania, which sends staff who do not work on orders on to the index.
    """

    @wraps(login_view)
    def view(request, *args, **kwargs):
        asked_for = request.GET.get("next", "")
        if asked_for in ("", reverse("admin:index")):
            query = request.GET.copy()
            query["next"] = reverse("desk:home")
            request.GET = query
        return login_view(request, *args, **kwargs)

    return view
