"""Reads of the visitor's carts, with the ownership check built in, and cart pricing.

Prices are never stored on cart lines: `priced_cart` computes them from the live catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from sportello.cart.models import BulkImport, Cart, CartKind, CartLine
from sportello.cart.session import session_cart_ids, session_upload_key
from sportello.catalogue.answers import AnswerItem, Answers
from sportello.catalogue.cache import remember_each
from sportello.catalogue.forms import ServiceAnswersForm
from sportello.catalogue.models import FormField, Service
from sportello.catalogue.pricing import LinePrice, price_line
from sportello.catalogue.queries import form_definitions, form_fields_prefetch
from sportello.companies.queries import visible_to
from sportello.core.money import TaxedPrice, sum_prices
from sportello.core.prefetch import attach_prefetched
from sportello.orders.models import Order, OrderLine
from sportello.uploads.models import Upload
from sportello.uploads.queries import visitor_uploads

NOTE_UNAVAILABLE = "Questo servizio non è più disponibile: rimuovilo dal carrello."
NOTE_NOW_ON_QUOTE = (
    "Questo servizio ora è disponibile solo su preventivo: rimuovilo e richiedi un preventivo."
)
NOTE_NOW_FIXED_PRICE = (
    "Questo servizio ora ha un prezzo fisso: rimuovilo e aggiungilo al carrello per acquistarlo."
)
NOTE_FORM_CHANGED = "Il modulo di questo servizio è cambiato: verifica i dati con Modifica"
NOTE_ANSWERS_TO_COMPLETE = (
    "Il modulo di questo servizio è cambiato dal tuo ordine: completa i dati segnalati con Modifica"
)


def _visitor_filter(request, prefix: str = "") -> Q | None:
    """A filter on the visitor's carts (`prefix` is the path to Cart), or None if they have none."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Q(**{f"{prefix}user": user})
    cart_ids = list(session_cart_ids(request).values())
    if not cart_ids:
        return None
    return Q(**{f"{prefix}pk__in": cart_ids, f"{prefix}user__isnull": True})


def cart_counts(request) -> dict[str, int]:
    """Lines in the visitor's purchase and quote carts: one query, none without a cart."""
    counts = {CartKind.PURCHASE.value: 0, CartKind.QUOTE.value: 0}
    visitor = _visitor_filter(request, prefix="cart__")
    if visitor is None:
        return counts
    rows = (
        CartLine.objects.filter(visitor).order_by().values("cart__kind").annotate(lines=Count("pk"))
    )
    for row in rows:
        counts[row["cart__kind"]] = row["lines"]
    return counts


def cart_for_request(request, kind: str) -> Cart | None:
    """The visitor's cart of this kind, or None if they have not started one."""
    visitor = _visitor_filter(request)
    if visitor is None:
        return None
    return Cart.objects.filter(visitor, kind=kind).first()


def line_for_request(request, pk: int) -> CartLine:
    """One line of the visitor's carts with its service's form, or 404 if it is not theirs."""
    visitor = _visitor_filter(request, prefix="cart__")
    if visitor is None:
        raise Http404("Nessuna riga del carrello")
    line = (
        CartLine.objects.filter(visitor, pk=pk)
        .select_related("cart", "service__category")
        .prefetch_related(form_fields_prefetch("service__form_fields"))
        .first()
    )
    if line is None:
        raise Http404("Nessuna riga del carrello")
    return line


def visitor_files(request) -> QuerySet[Upload]:
    """The uploaded files the visitor may reuse in a form (their own, nobody else's)."""
    return visitor_uploads(
        user=getattr(request, "user", None), session_key=session_upload_key(request)
    )


def is_available(service: Service) -> bool:
    return service.is_active and service.category.is_active


def is_editable(line: CartLine) -> bool:
    """A line can be corrected while its service is on sale in the same way (price or quote)."""
    return review_note(line) in ("", NOTE_FORM_CHANGED, NOTE_ANSWERS_TO_COMPLETE)


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    service: Service
    fields_definition: list[FormField]
    answers_summary: list[AnswerItem]
    price: LinePrice | None
    review_note: str = ""
    # The form version the answers fit: the line's, or today's when today's form still takes
    # them as they are (the order line records it).
    form_version: int = 0

    @property
    def needs_review(self) -> bool:
        return bool(self.review_note)

    @property
    def can_edit(self) -> bool:
        return is_editable(self.line)


@dataclass(frozen=True)
class PricedCart:
    cart: Cart | None
    lines: list[PricedLine] = field(default_factory=list)
    total: TaxedPrice = field(default_factory=TaxedPrice.zero)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def needs_review(self) -> bool:
        return any(line.needs_review for line in self.lines)


def review_note(line: CartLine) -> str:
    """Why the customer must look at this line again before buying, or "" if all is well."""
    cart = line.cart
    service = line.service
    if not is_available(service):
        return NOTE_UNAVAILABLE
    if cart.kind == CartKind.PURCHASE and service.is_on_quote:
        return NOTE_NOW_ON_QUOTE
    if cart.kind == CartKind.QUOTE and not service.is_on_quote:
        return NOTE_NOW_FIXED_PRICE
    if line.flagged_fields:
        return NOTE_ANSWERS_TO_COMPLETE
    if line.form_version != service.form_version:
        return NOTE_FORM_CHANGED
    return ""


def priced_cart(cart: Cart | None, *, request=None) -> PricedCart:
    """The cart's lines priced from the live catalogue: its lines with their services, then
    the services' form definitions (two queries, or from the catalogue cache when it is on and
    the `request` is given; placing an order reads them from the database)."""
    if cart is None:
        return PricedCart(cart=None)
    lines = list(cart.lines.select_related("service__category").order_by("created_at", "id"))
    service_ids = [line.service_id for line in lines]
    if request is None:
        definitions = form_definitions(service_ids)
    else:
        definitions = remember_each(request, "form-definition", service_ids, build=form_definitions)
    priced_lines = []
    for line in lines:
        service = line.service
        fields_definition = definitions[service.pk]
        attach_prefetched(service, "form_fields", FormField, fields_definition)
        note = review_note(line)
        form_version = line.form_version
        if note == NOTE_FORM_CHANGED and _fit_todays_form(
            line, fields_definition, owner_files=_owner_files(cart, request)
        ):
            # Staff changed the form (a help text, a looser limit) in a way these answers
            # do not mind: nothing for the customer to check.
            note, form_version = "", service.form_version
        price = None
        # An unavailable service has no price to show, and the quote cart never shows prices.
        if cart.kind == CartKind.PURCHASE and note != NOTE_UNAVAILABLE:
            price = price_line(service, fields_definition, line.answers)
        priced_lines.append(
            PricedLine(
                line=line,
                service=service,
                fields_definition=fields_definition,
                answers_summary=Answers.of(line.answers).display(fields_definition),
                price=price,
                review_note=note,
                form_version=form_version,
            )
        )
    total = sum_prices(p.price.price for p in priced_lines if p.price is not None)
    return PricedCart(cart=cart, lines=priced_lines, total=total)


def _owner_files(cart: Cart, request) -> QuerySet[Upload]:
    if request is not None:
        return visitor_files(request)
    return visitor_uploads(user=cart.user)


def _fit_todays_form(line: CartLine, fields_definition: list[FormField], *, owner_files) -> bool:
    """Whether answers given on an older version of the service's form pass today's."""
    return ServiceAnswersForm.of_stored_answers(
        fields_definition, line.answers, owner_files=owner_files
    ).is_valid()


def pricing_field_keys(fields_definition: list[FormField]) -> list[str]:
    """The keys of the questions whose answer can add a supplement (choices prefetched)."""
    return [definition.key for definition in fields_definition if definition.can_add_to_price]


def live_price(service: Service, data=None, *, answers: dict | None = None) -> LinePrice | None:
    """The service's price with the answers given so far: the service form's live price.

    `data` is the form's (partial) submission: its valid answers are priced exactly like a cart
    line (`catalogue.pricing.price_line`); invalid or missing ones add nothing. `answers` are
    stored answers (a cart line being edited). None for a service sold on quote.
    """
    fields_definition = list(service.form_fields.all())
    if answers is None:
        answers = {}
        if data is not None:
            form = ServiceAnswersForm(data, fields_definition=fields_definition)
            form.is_valid()
            answers = {
                key: value
                for key, value in form.answers().items()
                if key in pricing_field_keys(fields_definition)
            }
    return price_line(service, fields_definition, answers)


def order_to_reorder(*, customer, number: str) -> Order:
    """An order the customer may see (theirs, or their company's as the role allows) with its
    lines' services and today's forms ("Ordina di nuovo"); 404 for anybody else's."""
    order = (
        Order.objects.filter(visible_to(customer), number=number)
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.order_by("position", "id")
                .select_related("service__category")
                .prefetch_related(form_fields_prefetch("service__form_fields")),
            )
        )
        .first()
    )
    if order is None:
        raise Http404("Ordine non trovato")
    return order


# --- "Ordine multiplo" -----------------------------------------------------------------


def bulk_service(pk: int) -> Service:
    """The service of a bulk import with its form fields and choices (active or not)."""
    return Service.objects.prefetch_related(form_fields_prefetch()).get(pk=pk)


def bulk_import_for_customer(*, customer, pk: int) -> BulkImport:
    """The customer's own bulk import, or 404 (someone else's id included)."""
    return get_object_or_404(
        BulkImport.objects.select_related("service", "upload"), pk=pk, owner=customer
    )
