"""What quotes hold about a customer, for the export."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q

from sportello.core.erasure import REMOVED_TEXT, ErasureContext, treat
from sportello.core.export import ExportContext, ExportFiles, history, iso, money
from sportello.quotes.models import (
    QuoteMessage,
    QuotePrice,
    QuoteRequest,
    QuoteStatus,
    QuoteStatusChange,
)
from sportello.uploads.models import Upload

EXPORTED_MODELS: dict[str, str] = {
    "quotes.QuoteRequest": "quotes",
    "quotes.QuoteStatusChange": "quotes[].status_history",
    "quotes.QuoteLine": "quotes[].lines",
    "quotes.QuotePrice": "quotes[].prices",
    "quotes.QuotePriceLine": "quotes[].prices[].lines",
    "quotes.QuoteMessage": "quotes[].messages",
}
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {
    "quotes.QuoteLineFile": "link between a quote line and an upload (both exported)",
}


KEPT_WITH_ORDER = (
    "deleted when the quote never became an order; kept with an ordered quote or a "
    "company's quote (it belongs to the company)"
)
# Model label -> field -> what erasure does with it.
ERASURE: dict[str, dict[str, str]] = {
    "quotes.QuoteRequest": {
        **treat("blanked (the customer's words)", "customer_message", "decline_reason"),
        **treat(
            KEPT_WITH_ORDER,
            "id",
            "created_at",
            "updated_at",
            "number",
            "customer",
            "company",
            "status",
            "submit_token",
            "current_version",
            "valid_until",
            "accepted_version",
            "order",
            "requested_at",
            "assigned_to",
            "needed_by",
        ),
    },
    "quotes.QuoteStatusChange": {
        **treat("a decline reason is replaced by the removal note", "note"),
        **treat(KEPT_WITH_ORDER, "id", "from_status", "to_status", "actor", "created_at", "quote"),
    },
    "quotes.QuoteLine": treat(
        KEPT_WITH_ORDER,
        "id",
        "quote",
        "position",
        "service",
        "service_name",
        "answers",
        "answers_display",
        "form_version",
    ),
    "quotes.QuotePrice": treat(
        KEPT_WITH_ORDER,
        "id",
        "quote",
        "version",
        "valid_until",
        "notes_for_customer",
        "total_net",
        "total_vat",
        "total_gross",
        "created_by",
        "created_at",
    ),
    "quotes.QuotePriceLine": treat(
        KEPT_WITH_ORDER, "id", "price", "line", "net", "vat_rate", "vat", "gross"
    ),
    "quotes.QuoteMessage": {
        **treat("the customer's messages: replaced by the removal note", "body"),
        **treat("the customer's attachments: removed, the upload deleted", "attachment"),
        **treat(KEPT_WITH_ORDER, "id", "quote", "author", "is_from_staff", "created_at"),
    },
}


def _quotes(user, files: ExportFiles) -> list[dict[str, Any]]:
    quotes = (
        QuoteRequest.objects.filter(customer=user)
        .select_related("order")
        .prefetch_related(
            "lines",
            Prefetch("messages", queryset=QuoteMessage.objects.select_related("attachment")),
            "status_changes",
            Prefetch(
                "prices",
                queryset=QuotePrice.objects.prefetch_related("lines__line"),
            ),
        )
    )
    result = []
    for quote in quotes:
        result.append(
            {
                "number": quote.number,
                "status": quote.status,
                "status_label": quote.get_status_display(),
                "requested_at": iso(quote.requested_at),
                "customer_message": quote.customer_message,
                "valid_until": iso(quote.valid_until),
                "accepted_version": quote.accepted_version,
                "decline_reason": quote.decline_reason,
                "order_number": quote.order.number if quote.order else None,
                "lines": [
                    {
                        "service": line.service_name,
                        "answers": line.answers,
                        "answers_display": line.answers_display,
                        "form_version": line.form_version,
                    }
                    for line in quote.lines.all()
                ],
                "prices": [
                    {
                        "version": price.version,
                        "valid_until": iso(price.valid_until),
                        "notes_for_customer": price.notes_for_customer,
                        "total_net": money(price.total_net),
                        "total_vat": money(price.total_vat),
                        "total_gross": money(price.total_gross),
                        "sent_at": iso(price.created_at),
                        "lines": [
                            {
                                "service": price_line.line.service_name,
                                "net": money(price_line.net),
                                "vat_rate": money(price_line.vat_rate),
                                "vat": money(price_line.vat),
                                "gross": money(price_line.gross),
                            }
                            for price_line in price.lines.all()
                        ],
                    }
                    for price in quote.prices.all()
                ],
                "messages": [
                    {
                        "from_staff": message.is_from_staff,
                        "body": message.body,
                        "at": iso(message.created_at),
                        "attachment": _message_attachment(message, files),
                    }
                    for message in quote.messages.all()
                ],
                "status_history": history(quote.status_changes.all()),
            }
        )
    return result


def _message_attachment(message, files: ExportFiles) -> dict[str, Any] | None:
    if message.attachment is None:
        return None
    return {
        "name": message.attachment_name,
        "content_type": message.attachment_content_type,
        "size": message.attachment_size,
        "path": files.add("messaggi", message.pk, message.attachment_name, message.attachment.file),
    }


def export_data(context: ExportContext) -> None:
    context.data["quotes"] = _quotes(context.user, context.files)
    context.used_uploads.append(Q(quote_line_uses__line__quote__customer=context.user))
    # Message attachments are exported with their message, not again as uploads.
    context.own_uploads &= Q(quote_message_uses__isnull=True)


def erase_data(context: ErasureContext) -> None:
    """Private quotes that never became an order go; on the others (ordered, or a company's)
    the customer's own words go."""
    user = context.user
    quotes = QuoteRequest.objects.filter(customer=user)
    context.related[QuoteRequest] = list(quotes.values_list("pk", flat=True))
    # A company's quote requests belong to the company: kept like ordered ones.
    dropped_quotes = list(quotes.filter(order__isnull=True, company__isnull=True))
    kept_quotes = quotes.exclude(pk__in=[q.pk for q in dropped_quotes])
    # Attachments of the dropped quotes' messages, and of the customer's messages on kept
    # quotes: the uploads app deletes them once nothing uses them.
    context.uploads_to_delete |= set(
        Upload.objects.filter(
            Q(quote_message_uses__quote__in=dropped_quotes)
            | Q(
                Q(quote_message_uses__quote__company__isnull=True)
                | Q(quote_message_uses__author=user),
                quote_message_uses__quote__in=kept_quotes,
                quote_message_uses__is_from_staff=False,
            )
        ).values_list("pk", flat=True)
    )
    # On a company's quote a colleague (the administrator) may have written too: theirs stay.
    QuoteMessage.objects.filter(
        Q(quote__company__isnull=True) | Q(author=user), quote__in=kept_quotes, is_from_staff=False
    ).update(body=REMOVED_TEXT, attachment=None)
    quotes.exclude(pk__in=[q.pk for q in dropped_quotes]).update(
        customer_message="", decline_reason="", updated_at=context.now
    )
    # A decline reason is also the note of its history row.
    QuoteStatusChange.objects.filter(quote__in=kept_quotes, to_status=QuoteStatus.DECLINED).exclude(
        note=""
    ).update(note=REMOVED_TEXT)
    context.deleted_quotes = len(dropped_quotes)
    QuoteRequest.objects.filter(pk__in=[q.pk for q in dropped_quotes]).delete()
