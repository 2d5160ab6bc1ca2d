"""One function per quote e-mail. Each queues an outbox row inside the caller's transaction;
the `key` makes a repeat of the same event queue nothing new."""

from __future__ import annotations

from django.conf import settings

from sportello.notifications.actions import Attachment, queue_email
from sportello.notifications.models import OutgoingEmail
from sportello.notifications.rendering import absolute_url
from sportello.quotes.pdf import render_quote_pdf
from sportello.quotes.queries import quote_detail

TEMPLATES = "quotes/email"


def _customer_url(quote) -> str:
    return absolute_url("quotes:detail", number=quote.number)


def _staff_url(quote) -> str:
    return absolute_url("admin:quotes_quoterequest_change", quote.pk)


def _customer_name(quote) -> str:
    """The first name to greet by, as the account's and the orders' e-mails do."""
    return quote.customer.first_name.strip() or "cliente"


def _lines(quote) -> list[dict]:
    return [
        {"service_name": line.service_name, "answers": line.answers_display}
        for line in quote.lines.all()
    ]


def request_received(quote) -> None:
    queue_email(
        to=quote.customer.email,
        template=f"{TEMPLATES}/request_received",
        context={
            "name": _customer_name(quote),
            "quote": quote,
            "lines": _lines(quote),
            "quote_url": _customer_url(quote),
        },
        related=quote,
        key=f"quote-{quote.pk}-received",
    )


def staff_new_request(quote) -> None:
    queue_email(
        to=settings.STAFF_NOTIFICATION_EMAIL,
        template=f"{TEMPLATES}/staff_new_request",
        context={
            "quote": quote,
            "customer_email": quote.customer.email,
            "customer_name": quote.customer.get_full_name().strip(),
            "lines": _lines(quote),
            "staff_url": _staff_url(quote),
        },
        related=quote,
        key=f"quote-{quote.pk}-staff-new",
    )


def quote_ready(quote, price) -> None:
    """Prices, validity, the staff's notes and how to proceed, with a link to the quote; the
    quote's PDF is attached (rendered now: the version the e-mail announces)."""

    detail = quote_detail(quote, with_messages=False)
    key = f"quote-{quote.pk}-ready-v{price.version}"
    if OutgoingEmail.objects.filter(key=key).exists():
        return
    queue_email(
        attachments=[Attachment(f"preventivo-{quote.number}.pdf", render_quote_pdf(quote))],
        to=quote.customer.email,
        template=f"{TEMPLATES}/quote_ready",
        context={
            "name": _customer_name(quote),
            "quote": quote,
            "price": price,
            "lines": detail.lines,
            "quote_url": _customer_url(quote),
        },
        related=quote,
        key=key,
    )


def message_for_customer(message) -> None:
    quote = message.quote
    queue_email(
        to=quote.customer.email,
        template=f"{TEMPLATES}/message_for_customer",
        context={
            "name": _customer_name(quote),
            "quote": quote,
            "message": message,
            "quote_url": _customer_url(quote) + "#messaggi",
        },
        related=quote,
        key=f"quote-message-{message.pk}",
    )


def message_for_staff(message) -> None:
    quote = message.quote
    queue_email(
        to=settings.STAFF_NOTIFICATION_EMAIL,
        template=f"{TEMPLATES}/message_for_staff",
        context={
            "quote": quote,
            "customer_email": quote.customer.email,
            "message": message,
            "staff_url": _staff_url(quote),
        },
        related=quote,
        key=f"quote-message-{message.pk}",
    )


def quote_declined(quote) -> None:
    queue_email(
        to=settings.STAFF_NOTIFICATION_EMAIL,
        template=f"{TEMPLATES}/quote_declined",
        context={
            "quote": quote,
            "customer_email": quote.customer.email,
            "reason": quote.decline_reason,
            "staff_url": _staff_url(quote),
        },
        related=quote,
        key=f"quote-{quote.pk}-declined-v{quote.current_version}",
    )


def quote_cancelled(quote, *, reason: str) -> None:
    queue_email(
        to=quote.customer.email,
        template=f"{TEMPLATES}/quote_cancelled",
        context={
            "name": _customer_name(quote),
            "quote": quote,
            "reason": reason,
            "quote_url": _customer_url(quote),
        },
        related=quote,
        key=f"quote-{quote.pk}-cancelled",
    )


def quote_expired(quote) -> None:
    queue_email(
        to=quote.customer.email,
        template=f"{TEMPLATES}/quote_expired",
        context={
            "name": _customer_name(quote),
            "quote": quote,
            "quote_url": _customer_url(quote),
        },
        related=quote,
        key=f"quote-{quote.pk}-expired-v{quote.current_version}",
    )
