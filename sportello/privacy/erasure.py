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

Each app erases its own data in its `privacy.py` (`erase_data(context)`, through its own
actions); this module checks that the account may go and runs them in order (`ERASERS`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from sportello.accounts import privacy as accounts_privacy
from sportello.accounts.models import User
from sportello.api import privacy as api_privacy
from sportello.cart import privacy as cart_privacy
from sportello.companies import privacy as companies_privacy
from sportello.core.erasure import REMOVED_TEXT, ErasureContext
from sportello.notifications import privacy as notifications_privacy
from sportello.orders import privacy as orders_privacy
from sportello.orders.models import Order
from sportello.orders.privacy import BLOCKING_ORDER_STATUSES  # noqa: F401
from sportello.payments import privacy as payments_privacy
from sportello.privacy import emails
from sportello.privacy.models import AccountErasure
from sportello.quotes import privacy as quotes_privacy
from sportello.uploads import privacy as uploads_privacy
from sportello.withdrawals import privacy as withdrawals_privacy

__all__ = ["ERASERS", "REMOVED_TEXT", "ErasureRefused", "erase_customer", "erasure_preview"]

# In this order: uploads after the apps that stop using them, accounts' user row and the
# outbox last (they need the old address and the objects the others listed).
ERASERS = (
    orders_privacy,
    withdrawals_privacy,
    quotes_privacy,
    cart_privacy,
    api_privacy,
    companies_privacy,
    uploads_privacy,
    accounts_privacy,
    notifications_privacy,
)


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
    blocking, to_cancel = orders_privacy.erasure_blockers(user)
    return ErasurePreview(blocking_orders=blocking, orders_to_cancel=to_cancel)


def _blocking_message(orders: list[Order]) -> str:
    listed = ", ".join(f"n. {o.number} ({o.get_status_display().lower()})" for o in orders)
    return (
        "Non possiamo ancora cancellare l'account: questi ordini sono in corso e dobbiamo "
        f"completarli: {listed}. Potrai cancellare l'account quando saranno completati; "
        "per annullarli scrivi al servizio clienti."
    )


def erase_customer(*, user, actor) -> AccountErasure:
    """Close `user`'s account and anonymise their personal data, keeping the tax records.

    Raises ErasureRefused (changing nothing) for staff accounts, accounts already deleted and
    accounts with orders paid or in progress.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_staff:
            raise ErasureRefused(
                "Gli account dello staff si gestiscono dal back-office, non da questa pagina."
            )
        if is_erased(user):
            raise ErasureRefused("Questo account è già stato cancellato.")
        company_blocker = companies_privacy.erasure_blocker(user)
        if company_blocker:
            raise ErasureRefused(company_blocker)
        preview = erasure_preview(user=user)
        if preview.blocking_orders:
            raise ErasureRefused(
                _blocking_message(preview.blocking_orders), orders=preview.blocking_orders
            )

        context = ErasureContext(
            user=user,
            actor=actor,
            now=timezone.now(),
            old_email=user.email,
            placeholder=placeholder_email(user),
        )
        payments_privacy.cancel_open_orders(context, preview.orders_to_cancel)
        # Sent before the address disappears; queued rows keep their recipient until sent.
        emails.send_account_erased(to=context.old_email, erased_at=context.now, user=user)
        for module in ERASERS:
            module.erase_data(context)

        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        ).update(object_repr=context.placeholder)

        erasure = AccountErasure.objects.create(
            user=user,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            erased_at=context.now,
            kept_orders=context.kept_orders,
            cancelled_orders=context.cancelled_orders,
            deleted_quotes=context.deleted_quotes,
            deleted_files=context.deleted_files,
        )
    return erasure
