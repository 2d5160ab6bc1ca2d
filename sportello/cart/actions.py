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
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from sportello.cart.models import Cart, CartKind, CartLine, CartLineFile
from sportello.cart.queries import is_available, priced_cart
from sportello.cart.session import (
    SESSION_CART_IDS,
    SESSION_UPLOAD_KEY,
    session_cart_ids,
    session_upload_key,
)
from sportello.catalogue.answers import Answers, answers_snapshot
from sportello.catalogue.forms import ServiceAnswersForm
from sportello.catalogue.models import Service
from sportello.contracts.rules import TermsAcceptance
from sportello.orders.actions import create_order
from sportello.orders.emails import send_order_confirmation
from sportello.orders.models import Order, OrderLine
from sportello.orders.purchase import PlacedOrder, PurchaseNotPossible
from sportello.payments.providers.bank_transfer import (
    BankTransferProvider,
    send_bank_transfer_instructions,
)
from sportello.uploads.actions import adopt_anonymous_uploads, purge_anonymous_uploads
from sportello.uploads.models import Upload
from sportello.uploads.queries import visitor_uploads

logger = logging.getLogger(__name__)

MAX_LINES_PER_CART = 50


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


def add_line(
    *,
    cart: Cart,
    service: Service,
    answers: dict,
    form_version: int,
    flagged_fields: list[str] | None = None,
) -> CartLine:
    """A new line, even when the same service is already in the cart with other answers.

    `flagged_fields`: questions the customer must answer again ("Ordina di nuovo")."""
    _check_kind(cart, service)
    with transaction.atomic():
        if cart.lines.count() >= MAX_LINES_PER_CART:
            raise CartFull(f"A cart holds at most {MAX_LINES_PER_CART} lines")
        line = CartLine.objects.create(
            cart=cart,
            service=service,
            answers=answers,
            form_version=form_version,
            flagged_fields=list(flagged_fields or []),
        )
        link_answer_files(line)
        _touch(cart)
    return line


def link_answer_files(line: CartLine) -> None:
    """One CartLineFile per file the answers name, so the upload is known to be in use."""
    files = Answers.of(line.answers).files()
    existing = set(Upload.objects.filter(pk__in=set(files.values())).values_list("pk", flat=True))
    CartLineFile.objects.filter(line=line).delete()
    CartLineFile.objects.bulk_create(
        CartLineFile(line=line, upload_id=upload_id, field_key=key)
        for key, upload_id in files.items()
        if upload_id in existing
    )


def update_line(*, line: CartLine, answers: dict, form_version: int) -> CartLine:
    """Replace the line's answers (the customer corrected them with "Modifica")."""
    line.answers = answers
    line.form_version = form_version
    line.flagged_fields = []
    with transaction.atomic():
        line.save(update_fields=["answers", "form_version", "flagged_fields", "updated_at"])
        link_answer_files(line)
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
        adopt_anonymous_uploads(session_key=upload_key, user=user)
    request.session.pop(SESSION_CART_IDS, None)
    request.session.pop(SESSION_UPLOAD_KEY, None)


EMPTY: tuple[object, ...] = (None, "", [])


@dataclass(frozen=True)
class ReorderResult:
    """What "Ordina di nuovo" did: lines added (some with questions to answer again), the
    services no longer on sale, and whether the cart was too full for the rest."""

    added: list[CartLine]
    flagged: list[CartLine]
    unavailable: list[str]
    is_cart_full: bool = False


def reorder(*, request, order: Order) -> ReorderResult:
    """ "Ordina di nuovo": the order's lines go back into the customer's purchase cart with the
    same answers, validated again against today's form.

    `order` is the customer's own (`queries.order_to_reorder`). An answer today's form refuses,
    or a question it added, is left empty and its key flagged on the line, so the cart asks
    for it ("Modifica") before buying. A file answer is re-attached only while its upload
    still exists and is the customer's. Services no longer on sale at a fixed price are left
    out. Prices are those of today's catalogue, as for any cart line.
    """
    customer = request.user
    kept_files = visitor_uploads(user=customer)
    added: list[CartLine] = []
    flagged: list[CartLine] = []
    unavailable: list[str] = []
    with transaction.atomic():
        cart = get_or_create_cart(request, CartKind.PURCHASE)
        for order_line in order.lines.all():
            service = order_line.service
            if service is None or not is_available(service) or service.is_on_quote:
                unavailable.append(order_line.service_name)
                continue
            fields_definition = list(service.form_fields.all())
            form = ServiceAnswersForm.of_stored_answers(
                fields_definition, order_line.answers, owner_files=kept_files
            )
            form.is_valid()
            answers = form.answers()
            before = Answers.of(order_line.answers)
            # Refused answers, and answers that vanished without an error (an optional file
            # no longer kept): the customer is asked for each of them.
            to_complete = [
                key
                for key in form.fields
                if key in form.errors or (answers.get(key) is None and before.get(key) not in EMPTY)
            ]
            try:
                line = add_line(
                    cart=cart,
                    service=service,
                    answers=answers,
                    form_version=service.form_version,
                    flagged_fields=to_complete,
                )
            except CartFull:
                return ReorderResult(added, flagged, unavailable, is_cart_full=True)
            if to_complete:
                flagged.append(line)
            added.append(line)
    return ReorderResult(added, flagged, unavailable)


@dataclass(frozen=True)
class PurgeResult:
    carts: int
    files: int


def purge_abandoned_carts(*, now: dt.datetime) -> PurgeResult:
    """Delete what anonymous visitors left behind more than ANONYMOUS_CART_RETENTION_DAYS ago.

    Anonymous carts (no user) not updated since then go with their lines (and the lines'
    links to their files). Anonymous uploads older than that go too, unless something still
    uses them (a cart line, an order or quote line, a message: `uploads.queries`); their
    stored files are deleted only once the transaction has committed, so a rollback loses no
    file. Customers' carts and uploads are never touched.
    """
    cutoff = now - dt.timedelta(days=settings.ANONYMOUS_CART_RETENTION_DAYS)
    with transaction.atomic():
        # Django's collector deletes the carts and their lines in batches.
        _total, deleted = Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff).delete()
        files = purge_anonymous_uploads(created_before=cutoff)
    return PurgeResult(carts=deleted.get(Cart._meta.label, 0), files=files)


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
    acceptance: TermsAcceptance | None = None,
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
        acceptance=acceptance,
    ).order


def place_cart_order(
    *,
    customer,
    cart,
    billing: Mapping[str, str],
    payment_method: str,
    checkout_token: uuid.UUID,
    acceptance: TermsAcceptance | None = None,
) -> PlacedOrder:
    """place_order, saying whether this call placed the order or found it placed (a double
    submit waits for the first request, then finds its order: is_new=False)."""

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
                acceptance=acceptance,
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


def _create_order(
    *, customer, priced, billing, payment_method, checkout_token, acceptance=None
) -> Order:
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
        acceptance=acceptance,
        total=priced.total,
        lines=[
            OrderLine(
                position=position,
                service=line.service,
                service_name=line.service.name,
                answers=line.line.answers,
                answers_display=answers_snapshot(line.answers_summary),
                form_version=line.form_version,
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
