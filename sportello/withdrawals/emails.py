"""Withdrawal messages: the acknowledgement (durable medium, at once) and the settlement."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from sportello.core.dates import long_date
from sportello.invoicing.models import FiscalDocument
from sportello.notifications.actions import queue_email
from sportello.notifications.models import OutgoingEmail
from sportello.notifications.rendering import absolute_url
from sportello.withdrawals.models import WithdrawalRequest
from sportello.withdrawals.queries import statement_labels

TEMPLATES = "withdrawals/email"


def _context(withdrawal: WithdrawalRequest) -> dict:
    received_at = timezone.localtime(withdrawal.received_at)  # Europe/Rome
    return {
        "withdrawal": withdrawal,
        "received_date": long_date(received_at),
        "received_time": f"{received_at:%H:%M}",
        # What the consumer stated: the services they ticked, or the text they wrote.
        "services": statement_labels(withdrawal, withdrawal.lines.all())
        if withdrawal.order_id and not withdrawal.services_text
        else [],
        "orders_url": absolute_url("orders:list"),
    }


def send_acknowledgement(withdrawal: WithdrawalRequest) -> OutgoingEmail:
    """Sent at once, to the address in the statement, with its content and time of receipt.

    Identical whether or not the statement matched an order (the public form reveals nothing).
    """
    return queue_email(
        to=withdrawal.email,
        template=f"{TEMPLATES}/acknowledgement",
        context=_context(withdrawal),
        related=withdrawal,
        key=f"withdrawal-{withdrawal.pk}-acknowledgement",
    )


def send_processed(
    withdrawal: WithdrawalRequest,
    *,
    cancelled,
    started,
    refunded,
    was_paid: bool = True,
    still_to_pay: Decimal | None = None,
    refunds=(),
) -> OutgoingEmail:
    """The settlement: what was cancelled, what was refunded (an order never paid has nothing
    to refund, and the message says so instead of "0,00 €")."""
    return queue_email(
        to=withdrawal.order.customer_email if withdrawal.order else withdrawal.email,
        template=f"{TEMPLATES}/processed",
        context={
            **_context(withdrawal),
            "cancelled": statement_labels(withdrawal, cancelled),
            "started": statement_labels(withdrawal, started),
            "refunded": refunded,
            "was_paid": was_paid,
            "still_to_pay": still_to_pay,
            "left_out": withdrawal.left_out_of_total,
            "note": withdrawal.staff_note,
            # As the shop's other refund e-mails: the credit notes, and for money that came by
            # bank transfer, where to send another IBAN.
            "credit_note_urls": [
                absolute_url(note.get_absolute_url())
                for refund in refunds
                if (note := FiscalDocument.objects.filter(refund=refund).first()) is not None
            ],
            "by_transfer": any(refund.payment.provider == "bank_transfer" for refund in refunds),
        },
        related=withdrawal,
        key=f"withdrawal-{withdrawal.pk}-processed",
    )
