"""The only code that changes cart state.

A logged-in customer has at most one cart of each kind (a unique constraint guards it).
An anonymous visitor's carts are rows with no user whose ids live in the session under
``request.session["cart_ids"] = {"purchase": id, "quote": id}``; the session key itself is
never used to find them, because Django cycles it at login.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from sportello.cart.models import Cart, CartKind, CartLine
from sportello.cart.session import (
    SESSION_CART_IDS,
    SESSION_UPLOAD_KEY,
    session_cart_ids,
    session_upload_key,
)
from sportello.catalogue.answers import answers_snapshot
from sportello.catalogue.models import AnswerFile, Service
from sportello.orders.actions import create_order
from sportello.orders.emails import send_order_confirmation
from sportello.orders.models import Order, OrderLine
from sportello.orders.purchase import PlacedOrder, PurchaseNotPossible
from sportello.payments.providers.bank_transfer import (
    BankTransferProvider,
    send_bank_transfer_instructions,
)
from sportello.quotes.models import QuoteLine

logger = logging.getLogger(__name__)

MAX_LINES_PER_CART = 50
# Rows per DELETE … WHERE id IN (…) when purging (SQLite caps the number of parameters).
PURGE_BATCH_SIZE = 500


class WrongCartKind(ValueError):
    """A service on quote goes to the quote cart, a fixed-price service to the purchase cart."""


class CartFull(ValueError):
    """A cart holds at most MAX_LINES_PER_CART lines."""


def cart_kind_for(service: Service) -> CartKind:
    return CartKind.QUOTE if service.is_on_quote else CartKind.PURCHASE


def get_or_create_cart(request, kind: str) -> Cart:
    """The visitor's cart of this kind, created on first use."""
    cart_kind = CartKind(kind)
    user = request.user
    if user.is_authenticated:
        cart, _created = Cart.objects.get_or_create(user=user, kind=cart_kind)
        return cart
    cart_ids = session_cart_ids(request)
    cart_id = cart_ids.get(cart_kind.value)
    if cart_id is not None:
        existing = Cart.objects.filter(pk=cart_id, kind=cart_kind, user__isnull=True).first()
        if existing is not None:
            return existing
    cart = Cart.objects.create(kind=cart_kind, user=None)
    cart_ids[cart_kind.value] = cart.pk
    request.session[SESSION_CART_IDS] = cart_ids
    return cart


def anonymous_upload_key(request) -> str:
    """The token an anonymous visitor's uploads are tagged with ("" for a logged-in user)."""
    if request.user.is_authenticated:
        return ""
    key = session_upload_key(request)
    if not key:
        key = secrets.token_urlsafe(32)
        request.session[SESSION_UPLOAD_KEY] = key
    return key


def _check_kind(cart: Cart, service: Service) -> None:
    if cart.kind != cart_kind_for(service):
        raise WrongCartKind(f"{service} cannot go into a {cart.kind} cart")


def _touch(cart: Cart) -> None:
    # Keeps updated_at meaningful for clean-up of abandoned anonymous carts.
    cart.save(update_fields=["updated_at"])


def add_line(*, cart: Cart, service: Service, answers: dict, form_version: int) -> CartLine:
    """A new line, even when the same service is already in the cart with other answers."""
    _check_kind(cart, service)
    with transaction.atomic():
        if cart.lines.count() >= MAX_LINES_PER_CART:
            raise CartFull(f"A cart holds at most {MAX_LINES_PER_CART} lines")
        line = CartLine.objects.create(
            cart=cart, service=service, answers=answers, form_version=form_version
        )
        _touch(cart)
    return line


def update_line(*, line: CartLine, answers: dict, form_version: int) -> CartLine:
    """Replace the line's answers (the customer corrected them with "Modifica")."""
    line.answers = answers
    line.form_version = form_version
    with transaction.atomic():
        line.save(update_fields=["answers", "form_version", "updated_at"])
        _touch(line.cart)
    return line


def remove_line(*, line: CartLine) -> None:
    cart = line.cart
    with transaction.atomic():
        line.delete()
        _touch(cart)


def empty_cart(*, cart: Cart) -> None:
    """Remove every line (the checkout calls this once the order is placed)."""
    with transaction.atomic():
        cart.lines.all().delete()
        _touch(cart)


def merge_anonymous_carts(*, request, user) -> None:
    """Move the anonymous visitor's lines into the user's carts; call it at login.

    Lines are moved, never copied, and the anonymous carts are deleted with their session
    entry, so calling it twice changes nothing the second time. Files the visitor uploaded
    anonymously become the user's, so "Modifica" still finds them.
    """
    cart_ids = session_cart_ids(request)
    upload_key = session_upload_key(request)
    with transaction.atomic():
        for kind in CartKind:
            cart_id = cart_ids.get(kind.value)
            if cart_id is None:
                continue
            anonymous = (
                Cart.objects.select_for_update()
                .filter(pk=cart_id, kind=kind, user__isnull=True)
                .first()
            )
            if anonymous is None:
                continue
            target, _created = Cart.objects.get_or_create(user=user, kind=kind)
            moved = CartLine.objects.filter(cart=anonymous).update(cart=target)
            anonymous.delete()
            if moved:
                _touch(target)
        if upload_key:
            AnswerFile.objects.filter(uploaded_by__isnull=True, session_key=upload_key).update(
                uploaded_by=user, session_key=""
            )
    request.session.pop(SESSION_CART_IDS, None)
    request.session.pop(SESSION_UPLOAD_KEY, None)


@dataclass(frozen=True)
class PurgeResult:
    carts: int
    files: int


def _file_ids_in_answers(answers) -> set[int]:
    """Ids of the uploads an answers dict ({key: {"file_id": …, "name": …}}) points to."""
    if not isinstance(answers, dict):
        return set()
    return {
        value["file_id"]
        for value in answers.values()
        if isinstance(value, dict) and isinstance(value.get("file_id"), int)
    }


def _file_ids_in_display(answers_display) -> set[int]:
    """Ids in a snapshot's display list ([{"label": …, "value": …, "file_id": …}])."""
    if not isinstance(answers_display, list):
        return set()
    return {
        item["file_id"]
        for item in answers_display
        if isinstance(item, dict) and isinstance(item.get("file_id"), int)
    }


def _referenced_file_ids(*, since: dt.datetime) -> set[int]:
    """Uploads still named by a cart line, an order line or a quote line.

    A line can only name a file that existed when it was written, so lines last written
    before `since` (the oldest candidate's upload time) cannot name a candidate.
    """
    referenced: set[int] = set()
    for answers in (
        CartLine.objects.filter(updated_at__gte=since).values_list("answers", flat=True).iterator()
    ):
        referenced |= _file_ids_in_answers(answers)
    # Order and quote lines are written once, with their order or quote.
    snapshots = (
        OrderLine.objects.filter(order__created_at__gte=since),
        QuoteLine.objects.filter(quote__created_at__gte=since),
    )
    for lines in snapshots:
        for answers, answers_display in lines.values_list("answers", "answers_display").iterator():
            referenced |= _file_ids_in_answers(answers) | _file_ids_in_display(answers_display)
    return referenced


def _delete_stored_files(names: Iterable[str]) -> None:
    storage = AnswerFile._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            # The row is gone already; a file left behind is only disk space.
            logger.exception("Could not delete the abandoned upload %s", name)


def purge_abandoned_carts(*, now: dt.datetime) -> PurgeResult:
    """Delete what anonymous visitors left behind more than ANONYMOUS_CART_RETENTION_DAYS ago.

    Anonymous carts (no user) not updated since then go with their lines. Anonymous uploads
    (no user, tagged with a visitor's upload key) older than that go too, unless a cart line,
    an order line or a quote line still names them; their stored files are deleted only once
    the transaction has committed, so a rollback loses no file. Customers' carts and uploads
    are never touched.
    """
    cutoff = now - dt.timedelta(days=settings.ANONYMOUS_CART_RETENTION_DAYS)
    with transaction.atomic():
        # Django's collector deletes the carts and their lines in batches.
        _total, deleted = Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff).delete()

        candidates = list(
            AnswerFile.objects.select_for_update()
            .filter(uploaded_by__isnull=True, created_at__lt=cutoff)
            .exclude(session_key="")
            .order_by("created_at", "id")
            .values_list("pk", "file", "created_at")
        )
        doomed: list[tuple[int, str]] = []
        if candidates:
            referenced = _referenced_file_ids(since=candidates[0][2])
            doomed = [(pk, name) for pk, name, _created_at in candidates if pk not in referenced]
            doomed_pks = [pk for pk, _name in doomed]
            for start in range(0, len(doomed_pks), PURGE_BATCH_SIZE):
                batch = doomed_pks[start : start + PURGE_BATCH_SIZE]
                AnswerFile.objects.filter(pk__in=batch).delete()
        names = [name for _pk, name in doomed if name]
        if names:
            transaction.on_commit(lambda: _delete_stored_files(names))
    return PurgeResult(carts=deleted.get(Cart._meta.label, 0), files=len(doomed))


# --- Buying the cart ------------------------------------------------------------------


class CartNotReady(PurchaseNotPossible):
    """The cart is empty or has lines whose answers must be checked again."""


def place_order(
    *,
    customer,
    cart,
    billing: Mapping[str, str],
    payment_method: str,
    checkout_token: uuid.UUID,
) -> Order:
    """Turn the customer's cart into an order, with prices recomputed from the catalogue now.

    Re-posting with the same checkout token returns the order already placed (no duplicate).
    Raises CartNotReady when there is nothing (valid) to buy.
    """
    return place_cart_order(
        customer=customer,
        cart=cart,
        billing=billing,
        payment_method=payment_method,
        checkout_token=checkout_token,
    ).order


def place_cart_order(
    *,
    customer,
    cart,
    billing: Mapping[str, str],
    payment_method: str,
    checkout_token: uuid.UUID,
) -> PlacedOrder:
    """place_order, saying whether this call placed the order or found it placed (a double
    submit waits for the first request, then finds its order: is_new=False)."""
    from sportello.cart.queries import priced_cart

    existing = Order.objects.filter(checkout_token=checkout_token, customer=customer).first()
    if existing is not None:
        return PlacedOrder(order=existing, is_new=False)
    if cart is None or cart.user_id != customer.pk:
        raise CartNotReady("Il carrello non appartiene al cliente.")
    try:
        with transaction.atomic():
            # A second request for the same cart waits here for the first to commit, then
            # finds its order (same token) or an empty cart (another token).
            Cart.objects.select_for_update().filter(pk=cart.pk).first()
            existing = Order.objects.filter(
                checkout_token=checkout_token, customer=customer
            ).first()
            if existing is not None:
                return PlacedOrder(order=existing, is_new=False)
            order = _create_order(
                customer=customer,
                priced=priced_cart(cart),
                billing=billing,
                payment_method=payment_method,
                checkout_token=checkout_token,
            )
            empty_cart(cart=cart)
            if payment_method == BankTransferProvider.identifier:
                # The customer needs the IBAN now: confirmation and instructions at once.
                send_order_confirmation(order)
                send_bank_transfer_instructions(order)
    except IntegrityError:
        # A concurrent request with the same checkout token won the race.
        existing = Order.objects.filter(checkout_token=checkout_token, customer=customer).first()
        if existing is None:
            raise
        return PlacedOrder(order=existing, is_new=False)
    return PlacedOrder(order=order, is_new=True)


def _create_order(*, customer, priced, billing, payment_method, checkout_token) -> Order:
    if priced.is_empty:
        raise CartNotReady("Il carrello è vuoto.")
    if priced.needs_review:
        raise CartNotReady("Alcuni servizi del carrello vanno verificati.")
    if any(line.price is None for line in priced.lines):
        raise CartNotReady("Il carrello contiene servizi su preventivo.")
    return create_order(
        customer=customer,
        billing=billing,
        payment_method=payment_method,
        checkout_token=checkout_token,
        total=priced.total,
        lines=[
            OrderLine(
                position=position,
                service=line.service,
                service_name=line.service.name,
                answers=line.line.answers,
                answers_display=answers_snapshot(line.answers_summary),
                form_version=line.line.form_version,
                base_net=line.price.base_net,
                supplements=[{"label": s.label, "net": str(s.net)} for s in line.price.supplements],
                vat_rate=line.price.vat_rate,
                net=line.price.price.net,
                vat=line.price.price.vat,
                gross=line.price.price.gross,
            )
            for position, line in enumerate(priced.lines)
        ],
        note="Ordine effettuato",
    )
