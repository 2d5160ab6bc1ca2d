"""What orders hold about a customer, for the export."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q

from sportello.core.erasure import REMOVED_TEXT, ErasureContext, treat
from sportello.core.export import ExportContext, ExportFiles, history, iso, money
from sportello.orders.models import (
    DataRequest,
    Order,
    OrderLine,
    OrderMessage,
    OrderStatus,
    Outcome,
)

# Orders whose service is still owed: the account cannot be deleted until they are done.
BLOCKING_ORDER_STATUSES = (OrderStatus.PAID, OrderStatus.IN_PROGRESS)

EXPORTED_MODELS: dict[str, str] = {
    "orders.Order": "orders",
    "orders.OrderStatusChange": "orders[].status_history",
    "orders.OrderLine": "orders[].lines",
    "orders.OrderLineStatusChange": "orders[].lines[].status_history",
    "orders.Outcome": "orders[].lines[].outcomes",
    "orders.OutcomeFile": "orders[].lines[].outcomes[].files",
    "orders.OrderMessage": "orders[].messages",  # staff's internal notes excluded
    "orders.DataRequest": "orders[].lines[].data_requests",
    "orders.LineAnswersRevision": "orders[].lines[].previous_answers",
}
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {
    "orders.OrderLineFile": "link between an order line and an upload (both exported)",
}


KEPT_FISCAL = (
    "kept: accounting record and the contract behind it (art. 2220 c.c., DPR 600/1973 art. 22)"
)
# Model label -> field -> what erasure does with it.
ERASURE: dict[str, dict[str, str]] = {
    "orders.Order": {
        **treat("replaced by deleted-<id>@invalid", "customer_email"),
        **treat(
            KEPT_FISCAL,
            "id",
            "created_at",
            "updated_at",
            "number",
            "customer",
            "company",
            "status",
            "checkout_token",
            "payment_method",
            "total_net",
            "total_vat",
            "total_gross",
            "placed_at",
            "confirmation_sent_at",
            "paid_at",
            "billing_kind",
            "billing_first_name",
            "billing_last_name",
            "billing_company_name",
            "billing_codice_fiscale",
            "billing_partita_iva",
            "billing_sdi_code",
            "billing_pec",
            "billing_address",
            "billing_cap",
            "billing_comune",
            "billing_provincia",
            "billing_country",
            "terms",
            "terms_accepted_at",
            "early_start_requested",
        ),
    },
    "orders.OrderStatusChange": treat(
        KEPT_FISCAL, "id", "from_status", "to_status", "actor", "note", "created_at", "order"
    ),
    "orders.OrderLine": treat(
        KEPT_FISCAL,
        "id",
        "order",
        "position",
        "service",
        "service_name",
        "answers",
        "answers_display",
        "form_version",
        "base_net",
        "supplements",
        "vat_rate",
        "net",
        "vat",
        "gross",
        "status",
        "delivery_working_days",
        "delivery_starts_from",
        "clock_started_on",
        "paused_working_days",
        "due_on",
        "assigned_to",
        "withdrawal_received_at",
        "withdrawal_settled_at",
    ),
    "orders.OrderLineStatusChange": treat(
        KEPT_FISCAL, "id", "from_status", "to_status", "actor", "note", "created_at", "line"
    ),
    "orders.Outcome": treat(
        KEPT_FISCAL, "id", "created_at", "updated_at", "line", "note", "created_by"
    ),
    "orders.OutcomeFile": treat(
        KEPT_FISCAL, "id", "outcome", "file", "original_name", "content_type", "size"
    ),
    "orders.OrderMessage": {
        **treat("the customer's own messages: text removed", "body"),
        **treat("the customer's attachments: removed, the upload deleted", "attachment"),
        **treat(
            "kept: staff's side of the conversation and its dates (who did what on a kept order)",
            "id",
            "order",
            "author",
            "is_from_staff",
            "is_internal",
            "created_at",
            "read_at",
            "answered_at",
        ),
    },
    "orders.DataRequest": {
        **treat("the customer's note: removed when they wrote it", "customer_note"),
        **treat(
            "kept: who answered (a link to the account, like a message's author)",
            "answered_by",
        ),
        **treat(
            "kept: what staff asked on a kept order line, and when",
            "id",
            "line",
            "note",
            "field_keys",
            "documents",
            "requested_by",
            "created_at",
            "answered_at",
            "reminded_at",
        ),
    },
    "orders.LineAnswersRevision": treat(
        KEPT_FISCAL + "; the line's previous answers, like its answers",
        "id",
        "line",
        "data_request",
        "answers",
        "answers_display",
        "created_at",
    ),
}


def _orders(user, files: ExportFiles) -> list[dict[str, Any]]:
    orders = (
        Order.objects.filter(customer=user)
        .select_related("terms")
        .prefetch_related(
            "status_changes",
            Prefetch(
                "lines",
                queryset=OrderLine.objects.prefetch_related(
                    "status_changes",
                    "data_requests",
                    "answer_revisions",
                    Prefetch("outcomes", queryset=Outcome.objects.prefetch_related("files")),
                ),
            ),
            Prefetch(
                "messages",
                queryset=OrderMessage.objects.filter(is_internal=False)
                .select_related("attachment")
                .order_by("created_at", "id"),
            ),
        )
    )
    result = []
    for order in orders:
        lines = []
        for line in order.lines.all():
            lines.append(
                {
                    "service": line.service_name,
                    "answers": line.answers,
                    "answers_display": line.answers_display,
                    "form_version": line.form_version,
                    "base_net": money(line.base_net),
                    "supplements": line.supplements,
                    "vat_rate": money(line.vat_rate),
                    "net": money(line.net),
                    "vat": money(line.vat),
                    "gross": money(line.gross),
                    "status": line.status,
                    "withdrawal_received_at": iso(line.withdrawal_received_at),
                    "withdrawal_settled_at": iso(line.withdrawal_settled_at),
                    "status_history": history(line.status_changes.all()),
                    "data_requests": [
                        {
                            "note": request.note,
                            "requested_at": iso(request.created_at),
                            "answered_at": iso(request.answered_at),
                            "customer_note": request.customer_note,
                        }
                        for request in line.data_requests.all()
                    ],
                    "previous_answers": [
                        {"replaced_at": iso(rev.created_at), "answers": rev.answers_display}
                        for rev in line.answer_revisions.all()
                    ],
                    "outcomes": [
                        {
                            "note": outcome.note,
                            "at": iso(outcome.created_at),
                            "files": [
                                {
                                    "name": f.original_name,
                                    "content_type": f.content_type,
                                    "size": f.size,
                                    "path": files.add("esiti", f.pk, f.original_name, f.file),
                                }
                                for f in outcome.files.all()
                            ],
                        }
                        for outcome in line.outcomes.all()
                    ],
                }
            )
        result.append(
            {
                "number": order.number,
                "status": order.status,
                "status_label": order.get_status_display(),
                "placed_at": iso(order.placed_at),
                "paid_at": iso(order.paid_at),
                "payment_method": order.payment_method,
                "customer_email": order.customer_email,
                "total_net": money(order.total_net),
                "total_vat": money(order.total_vat),
                "total_gross": money(order.total_gross),
                "billing": {
                    "kind": order.billing_kind,
                    "first_name": order.billing_first_name,
                    "last_name": order.billing_last_name,
                    "company_name": order.billing_company_name,
                    "codice_fiscale": order.billing_codice_fiscale,
                    "partita_iva": order.billing_partita_iva,
                    "sdi_code": order.billing_sdi_code,
                    "pec": order.billing_pec,
                    "address": order.billing_address,
                    "cap": order.billing_cap,
                    "comune": order.billing_comune,
                    "provincia": order.billing_provincia,
                    "country": order.billing_country,
                },
                "lines": lines,
                "terms_version": order.terms.version if order.terms else None,
                "terms_accepted_at": iso(order.terms_accepted_at),
                "early_start_requested": order.early_start_requested,
                "messages": [
                    {
                        "from_staff": message.is_from_staff,
                        "at": iso(message.created_at),
                        "body": message.body,
                        "attachment": files.add(
                            "messaggi",
                            message.pk,
                            message.attachment.original_name,
                            message.attachment.file,
                        )
                        if message.attachment is not None
                        else None,
                    }
                    for message in order.messages.all()
                ],
                "status_history": history(order.status_changes.all()),
            }
        )
    return result


def export_data(context: ExportContext) -> None:
    context.data["orders"] = _orders(context.user, context.files)
    context.used_uploads.append(Q(order_line_uses__line__order__customer=context.user))
    context.used_uploads.append(
        Q(order_message_uses__order__customer=context.user, order_message_uses__is_internal=False)
    )


def erasure_blockers(user) -> tuple[list[Order], list[Order]]:
    """(orders that block the erasure, orders awaiting payment it would cancel).

    Only the person's private orders: those placed for a company belong to it and carry on
    (paid, in progress or awaiting payment) whoever placed them.
    """
    orders = list(
        Order.objects.filter(customer=user, company__isnull=True).order_by("placed_at", "id")
    )
    blocking = [o for o in orders if o.status in BLOCKING_ORDER_STATUSES]
    to_cancel = [o for o in orders if o.status == OrderStatus.AWAITING_PAYMENT]
    return blocking, to_cancel


def erase_data(context: ErasureContext) -> None:
    """Every remaining order is kept (10-year accounting records, art. 2220 c.c.): billing
    snapshot, amounts, lines, answers, outcomes untouched; only the contact address goes."""
    kept = list(Order.objects.filter(customer=context.user))
    Order.objects.filter(customer=context.user).update(
        customer_email=context.placeholder, updated_at=context.now
    )
    # The order conversation: the person's own words and files go, staff's stay. On a private
    # order every customer message is theirs; on a company's order (theirs or a colleague's)
    # only those they wrote: a colleague's messages belong to that colleague and the company.
    # The uploads the messages no longer use are deleted by the uploads app (after this one).
    OrderMessage.objects.filter(
        Q(order__customer=context.user, order__company__isnull=True) | Q(author=context.user),
        is_from_staff=False,
    ).update(body=REMOVED_TEXT, attachment=None)
    # The notes they wrote answering data requests, on any order; answers recorded before
    # `answered_by` existed count as the order's customer's.
    DataRequest.objects.filter(
        Q(answered_by=context.user)
        | Q(answered_by__isnull=True, line__order__customer=context.user)
    ).exclude(customer_note="").update(customer_note=REMOVED_TEXT)
    context.kept_orders = [order.number for order in kept]
    context.related[Order] = [order.pk for order in kept]
