"""Deleting a customer's account (GDPR art. 17): anonymise at once, keep the tax records.

What happens, in one transaction (`erase_customer`):
- orders awaiting payment are cancelled (with their open payment attempts); an order that is
  paid or in progress blocks the deletion (`ErasureBlocked`): the service is still owed, and
  the customer is told which orders to wait for;
- every remaining order is kept: Italian law (art. 2220 c.c., DPR 600/1973 art. 22) requires
  the accounting records for 10 years, and the contract data (lines, answers, outcomes,
  payments) back them for the same limitation period. Their billing snapshot and amounts are
  untouched; only the contact address on the order is replaced by the placeholder. Staff see
  them as belonging to a deleted account: the customer is `deleted-<id>@invalid`, inactive,
  with an `AccountErasure` row;
- quotes that never became an order are deleted with their lines, prices and messages; on a
  quote kept with its order, the customer's own words (message, decline reason also in its
  history row, their messages and attachments) are removed;
- uploaded files not referenced by a kept order or quote, the carts, the billing profile and
  the allauth e-mail addresses are deleted; the user row is anonymised (name, phone, e-mail),
  made inactive with an unusable password, so no login works and other sessions end;
- the consent ledger is kept (it proves what the customer agreed to) with optional consents
  withdrawn; outbox rows already sent to the customer have address, subject and body replaced,
  and those sent to staff about the customer's quotes and orders have subject and body replaced;
- the confirmation e-mail is queued to the old address before it is removed. Its outbox row,
  like any row still waiting to be sent, keeps that address (it has to be delivered); its
  body is minimal: no name, no order details.
Files are removed from storage only after the transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from sportello.accounts.models import BillingProfile, User
from sportello.cart.models import Cart
from sportello.catalogue.models import AnswerFile
from sportello.notifications.models import EmailStatus, OutgoingEmail
from sportello.orders.actions import cancel_order
from sportello.orders.models import (
    DataRequest,
    LineAnswersRevision,
    Order,
    OrderMessage,
    OrderStatus,
)
from sportello.privacy import emails
from sportello.privacy.actions import OPTIONAL_PURPOSES, update_optional_consents
from sportello.privacy.export import emails_to
from sportello.privacy.models import AccountErasure, ConsentSource
from sportello.privacy.queries import current_notice
from sportello.quotes.models import QuoteMessage, QuoteRequest, QuoteStatus, QuoteStatusChange

# Orders whose service is still owed: the account cannot be deleted until they are done.
BLOCKING_ORDER_STATUSES = (OrderStatus.PAID, OrderStatus.IN_PROGRESS)
REMOVED_TEXT = "[rimosso: account cancellato]"


class ErasureRefused(Exception):
    """The account cannot be deleted (yet); `message` says why, in Italian, for the customer."""

    def __init__(self, message: str, orders: list[Order] | None = None):
        super().__init__(message)
        self.message = message
        self.orders = orders or []


@dataclass(frozen=True)
class ErasurePreview:
    """What deleting the account would do now, for the confirmation page."""

    blocking_orders: list[Order]
    orders_to_cancel: list[Order]


def placeholder_email(user) -> str:
    return f"deleted-{user.pk}@invalid"


def is_erased(user) -> bool:
    return AccountErasure.objects.filter(user=user).exists()


def erasure_preview(*, user) -> ErasurePreview:
    orders = list(Order.objects.filter(customer=user).order_by("placed_at", "id"))
    blocking = [o for o in orders if o.status in BLOCKING_ORDER_STATUSES]
    to_cancel = [o for o in orders if o.status == OrderStatus.AWAITING_PAYMENT]
    return ErasurePreview(blocking_orders=blocking, orders_to_cancel=to_cancel)


def _blocking_message(orders: list[Order]) -> str:
    listed = ", ".join(f"n. {o.number} ({o.get_status_display().lower()})" for o in orders)
    return (
        "Non possiamo ancora cancellare l'account: questi ordini sono in corso e dobbiamo "
        f"completarli: {listed}. Potrai cancellare l'account quando saranno completati; "
        "per annullarli scrivi al servizio clienti."
    )


def _file_ids(answers: dict) -> set[int]:
    return {
        value["file_id"]
        for value in (answers or {}).values()
        if isinstance(value, dict) and isinstance(value.get("file_id"), int)
    }


def erase_customer(*, user, actor) -> AccountErasure:
    """Close `user`'s account and anonymise their personal data, keeping the tax records.

    Raises ErasureRefused (changing nothing) for staff accounts, accounts already deleted and
    accounts with orders paid or in progress.
    """
    files_to_delete = []
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_staff:
            raise ErasureRefused(
                "Gli account dello staff si gestiscono dal back-office, non da questa pagina."
            )
        if is_erased(user):
            raise ErasureRefused("Questo account è già stato cancellato.")
        preview = erasure_preview(user=user)
        if preview.blocking_orders:
            raise ErasureRefused(
                _blocking_message(preview.blocking_orders), orders=preview.blocking_orders
            )

        old_email = user.email
        placeholder = placeholder_email(user)
        now = timezone.now()

        cancelled = []
        for order in preview.orders_to_cancel:
            cancel_order(
                order=order, actor=actor, note="Annullato: il cliente ha cancellato l'account."
            )
            cancelled.append(order.number)

        # Sent before the address disappears; queued rows keep their recipient until sent.
        emails.send_account_erased(to=old_email, erased_at=now, user=user)

        kept_orders = list(Order.objects.filter(customer=user).prefetch_related("lines"))
        kept_file_ids: set[int] = set()
        for order in kept_orders:
            for line in order.lines.all():
                kept_file_ids |= _file_ids(line.answers)
        Order.objects.filter(customer=user).update(customer_email=placeholder, updated_at=now)
        # The order conversation: the customer's own words and files go, staff's stay.
        order_messages = OrderMessage.objects.filter(order__customer=user, is_from_staff=False)
        files_to_delete += [m.attachment for m in order_messages if m.attachment]
        order_messages.update(
            body=REMOVED_TEXT,
            attachment="",
            attachment_name="",
            attachment_content_type="",
            attachment_size=0,
        )
        DataRequest.objects.filter(line__order__customer=user).exclude(customer_note="").update(
            customer_note=REMOVED_TEXT
        )
        for revision in LineAnswersRevision.objects.filter(line__order__customer=user):
            kept_file_ids |= _file_ids(revision.answers)

        # Quotes: those without an order go; the others keep lines and prices only.
        quotes = QuoteRequest.objects.filter(customer=user)
        quote_pks = list(quotes.values_list("pk", flat=True))
        dropped_quotes = list(quotes.filter(order__isnull=True).prefetch_related("messages"))
        for quote in dropped_quotes:
            files_to_delete += [m.attachment for m in quote.messages.all() if m.attachment]
        for quote in quotes.filter(order__isnull=False).prefetch_related("lines"):
            for quote_line in quote.lines.all():
                kept_file_ids |= _file_ids(quote_line.answers)
        customer_messages = QuoteMessage.objects.filter(
            quote__customer=user, quote__order__isnull=False, is_from_staff=False
        )
        files_to_delete += [m.attachment for m in customer_messages if m.attachment]
        customer_messages.update(
            body=REMOVED_TEXT,
            attachment="",
            attachment_name="",
            attachment_content_type="",
            attachment_size=0,
        )
        quotes.filter(order__isnull=False).update(
            customer_message="", decline_reason="", updated_at=now
        )
        # A decline reason is also the note of its history row.
        QuoteStatusChange.objects.filter(
            quote__customer=user, quote__order__isnull=False, to_status=QuoteStatus.DECLINED
        ).exclude(note="").update(note=REMOVED_TEXT)
        deleted_quotes = len(dropped_quotes)
        QuoteRequest.objects.filter(pk__in=[q.pk for q in dropped_quotes]).delete()

        uploads = AnswerFile.objects.filter(uploaded_by=user).exclude(pk__in=kept_file_ids)
        upload_list = list(uploads)
        files_to_delete += [upload.file for upload in upload_list if upload.file]
        AnswerFile.objects.filter(pk__in=[u.pk for u in upload_list]).delete()

        Cart.objects.filter(user=user).delete()
        BillingProfile.objects.filter(user=user).delete()
        EmailAddress.objects.filter(user=user).delete()

        update_optional_consents(
            user=user,
            choices={purpose.value: False for purpose in OPTIONAL_PURPOSES},
            source=ConsentSource.ACCOUNT,
            notice=current_notice(),
        )

        # Copies of what was sent to staff about the customer's quotes and orders (answers,
        # messages, name, address): the order rows keep what the law needs, not these.
        _scrub_related_emails(
            {
                QuoteRequest: quote_pks,
                Order: [order.pk for order in kept_orders],
            },
            now=now,
        )
        for email in emails_to(old_email):
            if email.status in (EmailStatus.SENT, EmailStatus.FAILED):
                recipients = [
                    placeholder if r.lower() == old_email.lower() else r
                    for r in email.recipient_list
                ]
                OutgoingEmail.objects.filter(pk=email.pk).update(
                    to=", ".join(recipients),
                    subject=REMOVED_TEXT,
                    text_body="",
                    html_body="",
                    updated_at=now,
                )

        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        ).update(object_repr=placeholder)

        user.email = placeholder
        user.first_name = ""
        user.last_name = ""
        user.phone = ""
        user.is_active = False
        user.set_unusable_password()
        user.save(
            update_fields=["email", "first_name", "last_name", "phone", "is_active", "password"]
        )

        erasure = AccountErasure.objects.create(
            user=user,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            erased_at=now,
            kept_orders=[order.number for order in kept_orders],
            cancelled_orders=cancelled,
            deleted_quotes=deleted_quotes,
            deleted_files=len(files_to_delete),
        )
        transaction.on_commit(lambda: _delete_stored_files(files_to_delete))
    return erasure


def _scrub_related_emails(related: dict, *, now) -> None:
    """Blank the outbox rows already sent (or given up) about these objects, whoever got them.

    Rows still waiting to be sent are left alone: they go out as written.
    """
    for model, pks in related.items():
        if not pks:
            continue
        OutgoingEmail.objects.filter(
            related_content_type=ContentType.objects.get_for_model(model),
            related_object_id__in=[str(pk) for pk in pks],
            status__in=(EmailStatus.SENT, EmailStatus.FAILED),
        ).update(subject=REMOVED_TEXT, text_body="", html_body="", updated_at=now)


def _delete_stored_files(field_files) -> None:
    for field_file in field_files:
        field_file.storage.delete(field_file.name)
