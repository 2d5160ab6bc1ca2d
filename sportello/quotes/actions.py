"""The only code that changes quotes: request, pricing, messages, accept / decline / expire,
cancellation, and the order placed from an accepted quote.

Every status change goes through `set_quote_status` (a compare-and-set on the row plus a
history row); e-mails go into the outbox inside the same transaction and leave after commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from sportello.audit.actions import record, record_status_change
from sportello.audit.models import EventType
from sportello.cart.actions import empty_cart
from sportello.cart.models import Cart, CartKind
from sportello.cart.queries import priced_cart
from sportello.catalogue.answers import answers_snapshot, link_snapshot_files
from sportello.companies.queries import company_for_new_order, may_act
from sportello.contracts.rules import TermsAcceptance
from sportello.core.money import TaxedPrice, format_euro, sum_prices, to_money
from sportello.core.numbering import format_number, local_year, next_number
from sportello.core.state import InvalidTransition, change_status
from sportello.orders.actions import create_order
from sportello.orders.models import Order, OrderLine
from sportello.orders.purchase import PlacedOrder
from sportello.quotes import emails
from sportello.quotes.listeners import status_changed
from sportello.quotes.models import (
    PRICEABLE,
    QUOTE_TRANSITIONS,
    QuoteLine,
    QuoteLineFile,
    QuoteMessage,
    QuotePrice,
    QuotePriceLine,
    QuoteRequest,
    QuoteStatus,
    QuoteStatusChange,
)
from sportello.uploads.actions import store_upload
from sportello.uploads.limits import check_stored_bytes
from sportello.uploads.models import Upload

QUOTE_NUMBER_PREFIX = "P"
MAX_VAT_RATE = Decimal("100")


class QuoteCartNotReady(Exception):
    """The quote cart is empty or has lines the customer must check again."""


class PricingError(ValueError):
    """The prices sent by staff do not cover exactly the quote's lines, or are not valid."""


class QuoteNotAcceptable(Exception):
    """The quote cannot be accepted (or bought) in its current state."""


class QuoteExpired(QuoteNotAcceptable):
    """The quote's validity has passed: it is now expired."""


class QuoteChanged(QuoteNotAcceptable):
    """Staff sent a new version after the customer loaded the page they acted on."""


class QuoteNotDeclinable(Exception):
    """Only a quote that is ready (or accepted and not yet bought) can be declined."""


def new_quote_number(now) -> str:
    """The next readable quote number of `now`'s year (P-2026-000042). Inside a transaction."""
    year = local_year(now)
    return format_number(
        year, next_number(prefix=QUOTE_NUMBER_PREFIX, year=year), prefix=QUOTE_NUMBER_PREFIX
    )


def default_valid_until(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(days=settings.QUOTE_VALIDITY_DAYS)


def set_quote_status(
    *, quote: QuoteRequest, to: str, actor=None, note: str = "", extra: dict | None = None
) -> bool:
    return change_status(
        quote,
        to=to,
        transitions=QUOTE_TRANSITIONS,
        history=QuoteStatusChange,
        history_fk="quote",
        actor=actor,
        note=note,
        extra=extra,
        on_change=lambda from_status, to_status: _quote_changed(
            quote, from_status, to_status, note=note, actor=actor
        ),
    )


def _quote_changed(
    quote: QuoteRequest, from_status: str, to_status: str, *, note: str, actor
) -> None:
    """In the change's transaction: the audit trail, then whoever listens (the API's webhooks)."""
    record_status_change(
        event_type=EventType.QUOTE_STATUS,
        subject=f"Preventivo {quote.number}",
        choices=QuoteStatus,
        from_status=from_status,
        to_status=to_status,
        note=note,
        quote_number=quote.number,
        customer_id=quote.customer_id,
        actor=actor,
    )
    status_changed(quote, from_status=from_status, to_status=to_status)


# --- Request --------------------------------------------------------------------------------


def request_quote(
    *,
    customer,
    cart,
    message: str = "",
    submit_token: uuid.UUID,
    needed_by: dt.date | None = None,
) -> QuoteRequest:
    """Turn the customer's quote cart into a quote request and empty the cart.

    Re-posting the same form (same token) returns the request already made.
    """

    existing = QuoteRequest.objects.filter(submit_token=submit_token, customer=customer).first()
    if existing is not None:
        return existing
    if cart is None or cart.kind != CartKind.QUOTE or cart.user_id != customer.pk:
        raise QuoteCartNotReady("Il carrello preventivi è vuoto.")
    try:
        with transaction.atomic():
            # Serialises two submissions of different forms on PostgreSQL; SQLite's IMMEDIATE
            # transactions already do.
            Cart.objects.select_for_update().filter(pk=cart.pk).first()
            # The lock may have waited for a twin post of this form: it made the request.
            existing = QuoteRequest.objects.filter(
                submit_token=submit_token, customer=customer
            ).first()
            if existing is not None:
                return existing
            priced = priced_cart(cart)
            if priced.is_empty:
                raise QuoteCartNotReady("Il carrello preventivi è vuoto.")
            if priced.needs_review:
                raise QuoteCartNotReady("Alcuni servizi del carrello preventivi vanno verificati.")
            quote = create_quote_request(
                customer=customer,
                submit_token=submit_token,
                message=message,
                needed_by=needed_by,
                lines=[
                    QuoteLine(
                        position=position,
                        service=line.service,
                        service_name=line.service.name,
                        answers=line.line.answers,
                        answers_display=answers_snapshot(line.answers_summary),
                        form_version=line.line.form_version,
                    )
                    for position, line in enumerate(priced.lines)
                ],
            )
            empty_cart(cart=cart)
    except IntegrityError:
        # A concurrent post of the same form won the race.
        existing = QuoteRequest.objects.filter(submit_token=submit_token, customer=customer).first()
        if existing is None:
            raise
        return existing
    return quote


def create_quote_request(
    *,
    customer,
    submit_token: uuid.UUID,
    lines: list[QuoteLine],
    message: str = "",
    needed_by: dt.date | None = None,
) -> QuoteRequest:
    """Write a request "sent" with its (unsaved) line snapshots, first history row and the
    two e-mails. The one place requests are created (the quote cart, the API); must run inside
    the caller's transaction, which checks the submit token first."""
    now = timezone.now()
    quote = QuoteRequest.objects.create(
        number=new_quote_number(now),
        customer=customer,
        # A member asks for the company (a viewer may not: PermissionError).
        company=company_for_new_order(customer),
        submit_token=submit_token,
        customer_message=message.strip(),
        requested_at=now,
        needed_by=needed_by,
    )
    for line in lines:
        line.quote = quote
    quote_lines = QuoteLine.objects.bulk_create(lines)
    link_answer_files(quote_lines)
    QuoteStatusChange.objects.create(
        quote=quote,
        from_status="",
        to_status=QuoteStatus.SENT,
        actor=customer,
        note="Richiesta inviata",
    )
    status_changed(quote, from_status="", to_status=QuoteStatus.SENT)
    emails.request_received(quote)
    emails.staff_new_request(quote)
    return quote


# --- Staff ----------------------------------------------------------------------------------


def link_answer_files(lines: list[QuoteLine]) -> None:
    """One QuoteLineFile per upload the lines' answers name: the quote keeps those files."""
    link_snapshot_files(lines, QuoteLineFile)


def start_work(*, quote: QuoteRequest, actor) -> bool:
    """Staff take the request in charge (inviata -> in lavorazione)."""
    return set_quote_status(quote=quote, to=QuoteStatus.IN_PROGRESS, actor=actor)


def _checked_line_prices(
    quote: QuoteRequest, line_prices: Mapping[int, tuple[Decimal, Decimal]]
) -> dict[int, tuple[Decimal, Decimal]]:
    line_ids = set(quote.lines.values_list("pk", flat=True))
    if set(line_prices) != line_ids:
        raise PricingError("Serve un prezzo per ogni riga del preventivo, e solo per quelle.")
    checked = {}
    for line_id, (net, vat_rate) in line_prices.items():
        net, vat_rate = Decimal(net), Decimal(vat_rate)
        if net < 0 or net != to_money(net):
            raise PricingError(f"Prezzo non valido per la riga {line_id}: {net}")
        if not Decimal("0") <= vat_rate <= MAX_VAT_RATE:
            raise PricingError(f"Aliquota IVA non valida per la riga {line_id}: {vat_rate}")
        checked[line_id] = (net, vat_rate)
    return checked


def send_prices(
    *,
    quote: QuoteRequest,
    actor,
    line_prices: Mapping[int, tuple[Decimal, Decimal]],
    valid_until: dt.date,
    notes_for_customer: str = "",
) -> QuotePrice:
    """Price every line (net, VAT rate), save it as a new version and send it (-> pronto).

    Used both for the first pricing and to re-issue a quote that was questioned, declined or
    expired: older versions are kept, the customer sees the newest.
    """
    if valid_until < timezone.localdate():
        raise PricingError("La data di validità non può essere nel passato.")
    checked = _checked_line_prices(quote, line_prices)
    with transaction.atomic():
        locked = QuoteRequest.objects.select_for_update().get(pk=quote.pk)
        if locked.status not in PRICEABLE:
            raise InvalidTransition(quote, locked.status, QuoteStatus.READY)
        version = locked.current_version + 1
        line_amounts = {
            line_id: (vat_rate, TaxedPrice.from_net(net, vat_rate))
            for line_id, (net, vat_rate) in checked.items()
        }
        total = sum_prices(amount for _rate, amount in line_amounts.values())
        if total.gross <= 0:
            # Nothing to pay: the checkout could not start a payment for it.
            raise PricingError("Il totale del preventivo deve essere maggiore di zero.")
        price = QuotePrice.objects.create(
            quote=quote,
            version=version,
            valid_until=valid_until,
            notes_for_customer=notes_for_customer.strip(),
            total_net=total.net,
            total_vat=total.vat,
            total_gross=total.gross,
            created_by=actor,
        )
        QuotePriceLine.objects.bulk_create(
            [
                QuotePriceLine(
                    price=price,
                    line_id=line_id,
                    net=amount.net,
                    vat_rate=vat_rate,
                    vat=amount.vat,
                    gross=amount.gross,
                )
                for line_id, (vat_rate, amount) in sorted(line_amounts.items())
            ]
        )
        set_quote_status(
            quote=quote,
            to=QuoteStatus.READY,
            actor=actor,
            note=f"Versione {version} inviata al cliente",
            extra={"current_version": version, "valid_until": valid_until},
        )
        record(
            event_type=EventType.QUOTE_PRICED,
            message=f"Preventivo {quote.number}: versione {version} inviata al cliente, totale "
            f"{format_euro(total.gross)}, valido fino al {valid_until:%d/%m/%Y}",
            quote_number=quote.number,
            customer_id=quote.customer_id,
            actor=actor,
            extra={"version": version, "total_gross": str(total.gross)},
        )
        emails.quote_ready(quote, price)
    return price


def cancel_quote(*, quote: QuoteRequest, actor, reason: str = "") -> bool:
    """Staff close a request for good (annullato); the customer is told why."""
    with transaction.atomic():
        moved = set_quote_status(
            quote=quote, to=QuoteStatus.CANCELLED, actor=actor, note=reason.strip()
        )
        emails.quote_cancelled(quote, reason=reason.strip())
    return moved


# --- Messages -------------------------------------------------------------------------------


def post_message(
    *,
    quote: QuoteRequest,
    author,
    body: str,
    attachment: UploadedFile | None = None,
    is_from_staff: bool = False,
) -> QuoteMessage:
    """A message in the quote's thread; the other side is told by e-mail.

    A customer's attachment is refused (UploadRejected, nothing saved) when it would take the
    bytes they stored on this quote past UPLOAD_MAX_BYTES_PER_CONVERSATION.
    """
    with transaction.atomic():
        message = QuoteMessage(
            quote=quote, author=author, is_from_staff=is_from_staff, body=body.strip()
        )
        if attachment is not None:
            if not is_from_staff:
                # The lock makes two concurrent messages count each other's bytes.
                QuoteRequest.objects.select_for_update().filter(pk=quote.pk).first()
                check_stored_bytes(customer_attachments(quote), attachment)
            message.attachment = store_upload(attachment, owner=author)
        message.save()
        record(
            event_type=EventType.QUOTE_MESSAGE,
            message=f"Preventivo {quote.number}: "
            + ("messaggio dello staff al cliente" if is_from_staff else "messaggio del cliente")
            + (f" con allegato «{message.attachment_name}»" if attachment is not None else ""),
            quote_number=quote.number,
            customer_id=quote.customer_id,
            actor=author,
            extra={"message": message.pk},
        )
        if is_from_staff:
            emails.message_for_customer(message)
        else:
            emails.message_for_staff(message)
    return message


def customer_attachments(quote: QuoteRequest):
    """The uploads the customer attached to this quote's messages."""
    return Upload.objects.filter(
        quote_message_uses__quote=quote, quote_message_uses__is_from_staff=False
    )


def can_ask_for_details(quote: QuoteRequest) -> bool:
    """Whether staff may still ask the customer for details (the quote back «In lavorazione»)."""
    return quote.status == QuoteStatus.IN_PROGRESS or (
        QuoteStatus.IN_PROGRESS in QUOTE_TRANSITIONS[quote.status]
    )


def ask_for_details(
    *, quote: QuoteRequest, actor, body: str, attachment: UploadedFile | None = None
) -> QuoteMessage:
    """Staff need something from the customer: a message, and the quote goes back to work."""
    with transaction.atomic():
        # Checked before the message is written: a refused request must leave no stored file.
        current = (
            QuoteRequest.objects.select_for_update()
            .values_list("status", flat=True)
            .get(pk=quote.pk)
        )
        if current != QuoteStatus.IN_PROGRESS and (
            QuoteStatus.IN_PROGRESS not in QUOTE_TRANSITIONS[current]
        ):
            raise InvalidTransition(quote, current, QuoteStatus.IN_PROGRESS)
        message = post_message(
            quote=quote, author=actor, body=body, attachment=attachment, is_from_staff=True
        )
        if current != QuoteStatus.IN_PROGRESS:
            set_quote_status(
                quote=quote,
                to=QuoteStatus.IN_PROGRESS,
                actor=actor,
                note="Richiesti dettagli al cliente",
            )
    return message


# --- Customer decisions ---------------------------------------------------------------------


def _expire(quote: QuoteRequest, *, note: str) -> bool:
    """pronto / accettato -> scaduto in its own transaction, so it sticks when the caller fails."""
    try:
        with transaction.atomic():
            moved = set_quote_status(quote=quote, to=QuoteStatus.EXPIRED, note=note)
            emails.quote_expired(quote)
    except InvalidTransition:
        return False
    return moved


def expire_quote(quote: QuoteRequest, *, note: str) -> bool:
    """A quote found past its validity (e.g. at the purchase click): scaduto, with its e-mail."""
    return _expire(quote, note=note)


def _check_owner(quote: QuoteRequest, customer) -> None:
    if not may_act(customer, customer_id=quote.customer_id, company_id=quote.company_id):
        # Views find quotes through queries that check the owner; this is the last guard.
        raise QuoteRequest.DoesNotExist(f"Quote {quote.pk} is not {customer.pk}'s")


def accept_quote(
    *, quote: QuoteRequest, customer, version: int, today: dt.date | None = None
) -> QuoteRequest:
    """The customer accepts the version they saw (pronto -> accettato); next comes checkout.

    Accepting again an accepted quote is a no-op (double click). A quote past its validity is
    set to scaduto and refused, whatever the periodic task has done so far.
    """
    _check_owner(quote, customer)
    try:
        with transaction.atomic():
            # Locked like send_prices does: staff cannot send a new version between the
            # version check below and the status change (the status alone would not tell).
            locked = QuoteRequest.objects.select_for_update().get(pk=quote.pk)
            if locked.status == QuoteStatus.ACCEPTED and locked.accepted_version == version:
                quote.refresh_from_db()
                return quote
            if locked.status != QuoteStatus.READY:
                raise QuoteNotAcceptable(f"Quote {quote.number} is {locked.status}")
            if locked.current_version != version:
                raise QuoteChanged(f"Quote {quote.number} is at version {locked.current_version}")
            is_expired = locked.is_past_validity(today)
            if not is_expired:
                set_quote_status(
                    quote=locked,
                    to=QuoteStatus.ACCEPTED,
                    actor=customer,
                    note=f"Versione {version} accettata",
                    extra={"accepted_version": version},
                )
    except InvalidTransition as exc:
        # A concurrent request moved it first: fine if it was the same acceptance.
        quote.refresh_from_db()
        if quote.status == QuoteStatus.ACCEPTED and quote.accepted_version == version:
            return quote
        raise QuoteNotAcceptable(f"Quote {quote.number} is {quote.status}") from exc
    quote.refresh_from_db()
    if is_expired:
        # Outside the block above, so that the expiry sticks while the acceptance is refused.
        _expire(quote, note="Scaduto al momento dell'accettazione")
        raise QuoteExpired(f"Quote {quote.number} expired on {quote.valid_until}")
    return quote


def decline_quote(*, quote: QuoteRequest, customer, reason: str = "") -> bool:
    """The customer says no, optionally with a reason; staff are told."""
    _check_owner(quote, customer)
    reason = reason.strip()
    try:
        with transaction.atomic():
            locked = QuoteRequest.objects.select_for_update().get(pk=quote.pk)
            if locked.status not in (QuoteStatus.READY, QuoteStatus.ACCEPTED):
                raise QuoteNotDeclinable(f"Quote {quote.number} is {locked.status}")
            moved = set_quote_status(
                quote=quote,
                to=QuoteStatus.DECLINED,
                actor=customer,
                note=reason,
                extra={"decline_reason": reason},
            )
            emails.quote_declined(quote)
    except InvalidTransition as exc:
        raise QuoteNotDeclinable(str(exc)) from exc
    return moved


def expire_overdue_quotes(*, today: dt.date | None = None) -> int:
    """Set to scaduto every quote still open whose validity has passed. Returns how many."""
    today = today or timezone.localdate()
    overdue = QuoteRequest.objects.filter(
        status__in=(QuoteStatus.READY, QuoteStatus.ACCEPTED), valid_until__lt=today
    ).only("pk", "number", "status", "valid_until", "customer_id")
    return sum(1 for quote in overdue if _expire(quote, note="Validità scaduta"))


# --- Purchase -------------------------------------------------------------------------------


def place_order_for_quote(
    *,
    quote: QuoteRequest,
    customer,
    billing: Mapping[str, str],
    payment_method: str,
    checkout_token: uuid.UUID,
    today: dt.date | None = None,
    acceptance: TermsAcceptance | None = None,
):
    """place_quote_order, returning the order only."""
    return place_quote_order(
        quote=quote,
        customer=customer,
        billing=billing,
        payment_method=payment_method,
        checkout_token=checkout_token,
        today=today,
        acceptance=acceptance,
    ).order


def place_quote_order(
    *,
    quote: QuoteRequest,
    customer,
    billing: Mapping[str, str],
    payment_method: str,
    checkout_token: uuid.UUID,
    today: dt.date | None = None,
    acceptance: TermsAcceptance | None = None,
) -> PlacedOrder:
    """Create the order for an accepted quote, at the prices of the accepted version.

    The quote moves accettato -> ordinato in the same transaction (compare-and-set), so two
    concurrent purchases make one order. Re-posting with the same checkout token returns the
    order already placed (is_new=False), also to the requests of a double submit that waited
    for the first one. An expired, declined or already ordered quote is refused.
    """
    _check_owner(quote, customer)
    quote.refresh_from_db()
    existing = _order_of_token(quote, customer, checkout_token)
    if existing is not None:
        return PlacedOrder(order=existing, is_new=False)
    if quote.status != QuoteStatus.ACCEPTED or quote.accepted_version is None:
        raise QuoteNotAcceptable(f"Quote {quote.number} is {quote.status}")
    accepted_version: int = quote.accepted_version
    if quote.is_past_validity(today):
        _expire(quote, note="Scaduto prima del completamento dell'acquisto")
        raise QuoteExpired(f"Quote {quote.number} expired on {quote.valid_until}")
    try:
        with transaction.atomic():
            # Locked: the quote cannot be reopened, re-priced and accepted again while its
            # order is built from the version read above.
            locked = QuoteRequest.objects.select_for_update().get(pk=quote.pk)
            # A double submit: the first request placed the order while this one waited.
            existing = _order_of_token(locked, customer, checkout_token)
            if existing is not None:
                return PlacedOrder(order=existing, is_new=False)
            if locked.status != QuoteStatus.ACCEPTED or locked.accepted_version != accepted_version:
                raise QuoteNotAcceptable(f"Quote {quote.number} changed while being bought")
            price = (
                QuotePrice.objects.filter(quote=quote, version=accepted_version)
                .prefetch_related("lines")
                .get()
            )
            price_by_line = {price_line.line_id: price_line for price_line in price.lines.all()}
            lines = list(quote.lines.all())
            order = create_order(
                customer=customer,
                billing=billing,
                payment_method=payment_method,
                checkout_token=checkout_token,
                acceptance=acceptance,
                total=TaxedPrice(net=price.total_net, vat=price.total_vat, gross=price.total_gross),
                lines=[
                    OrderLine(
                        position=line.position,
                        service=line.service,
                        service_name=line.service_name,
                        answers=line.answers,
                        answers_display=line.answers_display,
                        form_version=line.form_version,
                        base_net=price_by_line[line.pk].net,
                        supplements=[],
                        vat_rate=price_by_line[line.pk].vat_rate,
                        net=price_by_line[line.pk].net,
                        vat=price_by_line[line.pk].vat,
                        gross=price_by_line[line.pk].gross,
                    )
                    for line in lines
                ],
                note=f"Ordine effettuato dal preventivo {quote.number}",
            )
            # The compare-and-set that makes one order per quote: a concurrent purchase that
            # got here second fails and rolls its order back.
            set_quote_status(
                quote=quote,
                to=QuoteStatus.ORDERED,
                actor=customer,
                note=f"Ordine {order.number}",
                extra={"order": order},
            )
    except (InvalidTransition, IntegrityError) as exc:
        # Another request won the race: with the same checkout token its order is this
        # checkout's order; otherwise the quote was bought (or changed) meanwhile.
        quote.refresh_from_db()
        existing = _order_of_token(quote, customer, checkout_token)
        if existing is not None:
            return PlacedOrder(order=existing, is_new=False)
        if isinstance(exc, IntegrityError):
            raise
        raise QuoteNotAcceptable(f"Quote {quote.number} is {quote.status}") from exc
    return PlacedOrder(order=order, is_new=True)


def _order_of_token(quote: QuoteRequest, customer, checkout_token: uuid.UUID) -> Order | None:
    """The order this checkout token placed for this quote; QuoteNotAcceptable if the token
    placed another order."""
    existing = Order.objects.filter(checkout_token=checkout_token, customer=customer).first()
    if existing is None:
        return None
    if quote.order_id != existing.pk:
        raise QuoteNotAcceptable(f"Checkout token already used by order {existing.number}")
    return existing


def assign_quote(*, quote: QuoteRequest, staff_member, actor=None) -> None:
    """Give the quote to a staff member to price (None: to nobody)."""
    if staff_member is not None and not staff_member.is_staff:
        raise ValueError("Quotes are assigned to staff members only")
    with transaction.atomic():
        QuoteRequest.objects.filter(pk=quote.pk).update(assigned_to=staff_member)
        quote.assigned_to = staff_member
        record(
            event_type=EventType.ORDER_ASSIGNED,
            message=f"Preventivo {quote.number}: assegnato a "
            + (staff_member.get_full_name() or staff_member.email if staff_member else "nessuno"),
            quote_number=quote.number,
            customer_id=quote.customer_id,
            actor=actor,
            extra={"assigned_to": staff_member.pk if staff_member else None},
        )
