"""The JSON API (django-ninja): catalogue, orders, quotes, downloads. Docs at /api/docs
(sportello.api.docs: the shop's own page, in Italian).

Views are thin like the web's: ownership comes from the same queries as the pages
(`order_for_customer`, `quote_for_customer`, `document_for_customer`,
`outcome_file_for_user`…), orders and quote requests are written by the same actions as the
checkout and the quote cart, answers are checked by the same form.
"""

from __future__ import annotations

import contextlib
import uuid

from allauth.core import ratelimit as public_ratelimit
from django.db import transaction
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import File, Header, NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.responses import Status

from sportello.accounts.billing import billing_data_from_profile, billing_profile_for
from sportello.api.answers import AnswersInvalid, ValidatedLine, validate_answers
from sportello.api.auth import MissingScope, RateLimited, TokenAuth, retry_after_seconds
from sportello.api.docs import STATUSES, ItalianDocs
from sportello.api.errors import italian_message
from sportello.api.models import Scope
from sportello.api.purchase import (
    AnswersPurchase,
    quote_problem,
    request_quote_for_lines,
    same_lines,
)
from sportello.api.schemas import (
    NUMBER,
    SLUG,
    Error,
    LineIn,
    OrderIn,
    OrderOut,
    OrderSummaryOut,
    QuoteIn,
    QuoteOut,
    QuoteSummaryOut,
    ServiceDetailOut,
    ServiceOut,
    UploadOut,
)
from sportello.catalogue.models import Service
from sportello.catalogue.queries import active_services, form_fields_prefetch, service_with_form
from sportello.checkout.settlement import (
    CreditPaymentNotAllowed,
    pay_from_credit,
    settle_free_order,
)
from sportello.companies.queries import company_billing_data, membership_of
from sportello.contracts.queries import current_terms
from sportello.contracts.rules import TermsAcceptance
from sportello.core.files import stream_private_file
from sportello.core.state import status_label
from sportello.credit.actions import InsufficientCredit
from sportello.credit.models import PREPAID_CREDIT_METHOD
from sportello.invoicing.fatturapa import document_xml_response
from sportello.invoicing.models import FiscalDocument
from sportello.invoicing.pdf import document_pdf_response
from sportello.invoicing.queries import (
    document_for_customer,
    documents_for_order,
    invoice_of_order_for_customer,
)
from sportello.orders.models import LineStatus, Order, OrderStatus
from sportello.orders.purchase import PurchaseNotPossible
from sportello.orders.queries import order_for_customer, orders_for_customer, outcome_file_for_user
from sportello.payments.actions import PaymentNotAllowed, PaymentStartFailed, start_payment
from sportello.quotes.models import QuoteStatus
from sportello.quotes.queries import quote_detail, quote_for_customer, quotes_for_customer
from sportello.uploads.actions import store_upload
from sportello.uploads.checks import UploadRejected, check_upload

MAX_ID = 2**31 - 1
ROLE_MAY_NOT_BUY = (
    "Il tuo ruolo nell'account aziendale permette solo di consultare: chiedi a un "
    "amministratore dell'azienda."
)
ERRORS = {401: Error, 403: Error, 404: Error, 429: Error}


class SportelloAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """django-ninja's schema with the responses described in Italian (it writes HTTP's
        English reason phrases: "OK", "Unauthorized"…)."""
        schema = super().get_openapi_schema(**kwargs)
        for methods in schema["paths"].values():
            for operation in methods.values():
                for status, answer in operation.get("responses", {}).items():
                    answer["description"] = STATUSES.get(str(status), answer["description"])
        return schema


api = SportelloAPI(
    title="Sportello API",
    version="1",
    description=(
        "L'API di Sportello: consulta il catalogo, effettua ordini e richieste di preventivo, "
        "segui gli stati e scarica esiti e fatture da un tuo programma. Ti autentichi con un "
        "token personale, nell'intestazione "
        "`Authorization: Bearer spt_…`; ogni token ha solo i permessi scelti alla creazione. "
        "Le richieste sono limitate per token (429 con Retry-After). I webhook dei cambi di "
        "stato degli ordini sono firmati: `Sportello-Signature: t=<unix>,v1=<HMAC-SHA256 di "
        '"<t>.<corpo>" con il segreto del webhook>`.'
    ),
    docs=ItalianDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)


def _body(code: str, message: str, errors: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "message": message, "errors": errors}


def _error(request, status: int, code: str, message: str, errors=None) -> HttpResponse:
    return api.create_response(request, _body(code, message, errors), status=status)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    response = _error(request, 401, "unauthorized", "Token mancante, non valido o revocato.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(MissingScope)
def _forbidden(request, exc: MissingScope):
    return _error(request, 403, "missing_scope", f"Il token non ha il permesso «{exc.scope}».")


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    response = _error(request, 429, "rate_limited", "Troppe richieste: riprova più tardi.")
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", str(exc) or "Non trovato.")


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = ".".join(str(part) for part in error.get("loc", ()))
        errors.setdefault(location or "request", []).append(italian_message(error))
    return _error(request, 422, "invalid_request", "Richiesta non valida.", errors)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    """django-ninja's own refusals (a body that is not JSON), in our shape and in Italian."""
    if exc.status_code == 400:
        return _error(
            request, 400, "invalid_json", "Il corpo della richiesta non è un JSON valido."
        )
    return _error(request, exc.status_code, "invalid_request", "Richiesta non valida.")


# --- Catalogue -------------------------------------------------------------------------------


def _service_out(service: Service) -> dict:
    base = service.base_price
    return {
        "slug": service.slug,
        "name": service.name,
        "category": service.category.name,
        "summary": service.summary,
        "pricing": "quote" if service.is_on_quote else "fixed",
        "net_price": None if service.is_on_quote else service.net_price,
        "vat_rate": service.vat_rate,
        "gross_price": base.gross if base is not None else None,
        "form_version": service.form_version,
    }


@api.get(
    "/services",
    response={200: list[ServiceOut], **ERRORS},
    auth=TokenAuth(Scope.CATALOGUE_READ),
    tags=["catalogue"],
    summary="Elenco dei servizi",
    description=(
        "I servizi in vendita, per categoria: prezzo (imponibile, aliquota IVA, totale) "
        "per quelli a prezzo fisso; quelli su preventivo si richiedono con /api/quotes."
    ),
)
def list_services(request):
    services = (
        active_services()
        .select_related("category")
        .order_by("category__position", "position", "name")
    )
    return [_service_out(service) for service in services]


@api.get(
    "/services/{slug}",
    response={200: ServiceDetailOut, **ERRORS},
    auth=TokenAuth(Scope.CATALOGUE_READ),
    tags=["catalogue"],
    summary="Un servizio con il suo modulo",
    description=(
        "Il servizio con i campi del suo modulo: le risposte che un ordine o una "
        "richiesta di preventivo devono dare (chiave, tipo, obbligatorio, scelte con i "
        "supplementi di prezzo, estensioni ammesse per i file)."
    ),
)
def get_service(request, slug: str = Path(..., max_length=220, pattern=SLUG)):
    """A service with its form: the answers an order or a quote request must give."""
    try:
        service = service_with_form(slug)
    except Http404 as exc:
        # get_object_or_404's message is Django's English one.
        raise Http404("Servizio non trovato") from exc
    fields = [
        {
            "key": field.key,
            "label": field.label,
            "type": field.field_type,
            "required": field.is_required,
            "help_text": field.help_text,
            "price_supplement": field.price_supplement,
            "choices": [
                {"value": c.value, "label": c.label, "price_supplement": c.price_supplement}
                for c in field.choices.all()
            ],
            "allowed_extensions": field.upload_extensions() if field.field_type == "file" else [],
            "min_value": field.min_value,
            "max_value": field.max_value,
            "text_format": field.text_format,
            "date_limit": field.date_limit,
        }
        for field in service.form_fields.all()
    ]
    return {**_service_out(service), "description": service.description, "fields": fields}


# --- Orders ----------------------------------------------------------------------------------


def _validated_lines(lines: list[LineIn], user) -> list[ValidatedLine]:
    """Every line checked by its service's form; AnswersInvalid keyed "lines.<i>.<field>"."""
    slugs = {line.service for line in lines}
    services = {
        service.slug: service
        for service in active_services()
        .filter(slug__in=slugs)
        .select_related("category")
        .prefetch_related(form_fields_prefetch())
    }
    errors: dict[str, list[str]] = {}
    validated = []
    for position, line in enumerate(lines):
        service = services.get(line.service)
        if service is None:
            errors[f"lines.{position}.service"] = ["Servizio inesistente o non in vendita."]
            continue
        try:
            validated.append(validate_answers(service=service, answers=line.answers, user=user))
        except AnswersInvalid as exc:
            for key, messages in exc.errors.items():
                errors[f"lines.{position}.answers.{key}"] = messages
    if errors:
        raise AnswersInvalid(errors)
    return validated


@api.exception_handler(AnswersInvalid)
def _answers_invalid(request, exc: AnswersInvalid):
    return _error(request, 422, "invalid_answers", "Alcune risposte non sono valide.", exc.errors)


IDEMPOTENCY_KEY_REUSED = (
    "Questa Idempotency-Key è già stata usata per una richiesta diversa: per una nuova "
    "richiesta usa una nuova chiave."
)


def _idempotency_key(value: str | None) -> uuid.UUID:
    if not value:
        return uuid.uuid4()
    try:
        return uuid.UUID(value)
    except ValueError:
        # Any client string names one request: derive a stable UUID from it.
        return uuid.uuid5(uuid.NAMESPACE_URL, f"sportello-api:{value}")


def _order_url(order: Order) -> str:
    return reverse("api:get_order", kwargs={"number": order.number})


def _document_out(document: FiscalDocument) -> dict:
    return {
        "id": document.pk,
        "kind": document.kind,
        "number": document.number,
        "issue_date": document.issue_date,
        "total_gross": document.total_gross,
        "pdf_url": reverse("api:document_pdf", kwargs={"pk": document.pk}),
        "xml_url": reverse("api:document_xml", kwargs={"pk": document.pk})
        if document.is_company
        else None,
    }


def _order_out(order: Order) -> dict:
    lines = []
    for line in order.lines.all():
        lines.append(
            {
                "line": line.position + 1,
                "service": line.service_name,
                "status": line.status,
                "status_label": status_label(LineStatus, line.status),
                "answers": [
                    {"label": item.get("label"), "value": item.get("value")}
                    for item in (line.answers_display or [])
                ],
                "net": line.net,
                "vat": line.vat,
                "gross": line.gross,
                "outcomes": [
                    {
                        "note": outcome.note,
                        "created_at": outcome.created_at,
                        "files": [
                            {
                                "id": item.pk,
                                "name": item.original_name,
                                "size": item.size,
                                "download_url": reverse(
                                    "api:outcome_file",
                                    kwargs={"number": order.number, "file_id": item.pk},
                                ),
                            }
                            for item in outcome.files.all()
                        ],
                    }
                    for outcome in line.outcomes.all()
                ],
            }
        )
    return {
        "number": order.number,
        "status": order.status,
        "status_label": status_label(OrderStatus, order.status),
        "placed_at": order.placed_at,
        "total_net": order.total_net,
        "total_vat": order.total_vat,
        "total_gross": order.total_gross,
        "payment_method": order.payment_method,
        "url": _order_url(order),
        "lines": lines,
        "documents": [_document_out(document) for document in documents_for_order(order)],
    }


@api.post(
    "/orders",
    response={200: OrderOut, 201: OrderOut, 409: Error, 422: Error, **ERRORS},
    auth=TokenAuth(Scope.ORDERS_WRITE),
    tags=["orders"],
    summary="Crea un ordine",
    description=(
        "Ordina servizi a prezzo fisso, fatturati con i tuoi DATI DI FATTURAZIONE (o con "
        "quelli dell'azienda, per un account aziendale). Ogni riga è controllata dal "
        "modulo del servizio come sul sito; i prezzi sono sempre calcolati dal negozio. "
        'L\'ordine resta "awaiting_payment" finché non è pagato (bonifico: le istruzioni '
        "arrivano per e-mail). Ripetendo la richiesta con la stessa intestazione "
        "Idempotency-Key si riceve lo stesso ordine (200) invece di un secondo ordine; la "
        "stessa chiave con altri servizi o risposte è un errore (422, idempotency_key_reused)."
    ),
)
def create_order(
    request,
    payload: OrderIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Place an order of fixed-price services, billed to your DATI DI FATTURAZIONE. It stays
    "awaiting_payment" until paid (bank transfer: the instructions are e-mailed). Repeating a
    request with the same Idempotency-Key returns the same order (200)."""
    user = request.user
    if not payload.accept_terms:
        return Status(
            422,
            _body(
                "terms_not_accepted",
                "Per completare l'acquisto devi accettare le Condizioni generali di vendita "
                "(accept_terms).",
                {"accept_terms": ["Obbligatorio."]},
            ),
        )
    membership = membership_of(user)
    if membership is not None:
        # A company member buys for the company, billed with its data (as at the checkout).
        billing = company_billing_data(membership.company)
    else:
        profile = billing_profile_for(user)
        if profile is None:
            return Status(
                409,
                _body(
                    "billing_profile_missing",
                    "Compila i DATI DI FATTURAZIONE in IL MIO ACCOUNT prima di ordinare.",
                ),
            )
        billing = billing_data_from_profile(profile)
    source = AnswersPurchase(_validated_lines(payload.lines, user))
    is_consumer = billing.get("kind") == "person"
    by_credit = payload.payment_method == PREPAID_CREDIT_METHOD
    try:
        # Paid from credit: placed and paid in one transaction, or not placed at all.
        with transaction.atomic():
            placed = source.place_order(
                customer=user,
                billing=billing,
                payment_method=payload.payment_method,
                checkout_token=_idempotency_key(idempotency_key),
                acceptance=TermsAcceptance(
                    terms=current_terms(),
                    accepted_at=timezone.now(),
                    early_start_requested=is_consumer and payload.early_start,
                ),
            )
            if by_credit and placed.is_new and placed.order.total_gross > 0:
                pay_from_credit(order=placed.order, actor=user)
    except PurchaseNotPossible as exc:
        return Status(422, _body("not_purchasable", str(exc)))
    except CreditPaymentNotAllowed as exc:
        return Status(403, _body("credit_not_allowed", str(exc)))
    except PermissionError:
        return Status(403, _body("role_may_not_buy", ROLE_MAY_NOT_BUY))
    except InsufficientCredit as exc:
        return Status(409, _body("insufficient_credit", str(exc)))
    order = placed.order
    if not placed.is_new and not same_lines(order.lines.order_by("position", "id"), source.lines):
        return Status(422, _body("idempotency_key_reused", IDEMPOTENCY_KEY_REUSED))
    if placed.is_new and not by_credit and not settle_free_order(order=order, actor=user):
        # A failed start leaves the order awaiting payment; it can be paid from the site.
        with contextlib.suppress(PaymentNotAllowed, PaymentStartFailed):
            start_payment(order=order, provider_id=order.payment_method, request=request)
    if placed.is_new and by_credit:
        settle_free_order(order=order, actor=user)
    return Status(
        201 if placed.is_new else 200,
        _order_out(order_for_customer(customer=user, number=order.number)),
    )


@api.post(
    "/orders/{number}/pay-from-credit",
    response={200: OrderOut, 409: Error, **ERRORS},
    auth=TokenAuth(Scope.ORDERS_WRITE),
    tags=["orders"],
    summary="Paga un ordine con il credito prepagato",
    description=(
        "Paga subito, con il credito prepagato dell'azienda, un ordine in attesa di "
        "pagamento (la fattura viene emessa). Solo l'amministratore dell'azienda o "
        "l'acquirente che ha effettuato l'ordine (403: un collega che può vedere l'ordine "
        "non può pagarlo); 409 se il saldo non copre il totale o l'ordine non si può "
        "pagare così."
    ),
)
def pay_order_from_credit(request, number: str = Path(..., max_length=20, pattern=NUMBER)):
    """Pay an order awaiting payment from your company's prepaid credit, at once (the invoice
    is issued). The company's administrator or the buyer who placed it only (403); 409 when the
    balance does not cover the total or the order cannot be paid this way."""
    order = order_for_customer(customer=request.user, number=number)
    try:
        pay_from_credit(order=order, actor=request.user)
    except CreditPaymentNotAllowed as exc:
        return Status(403, _body("credit_not_allowed", str(exc)))
    except InsufficientCredit as exc:
        return Status(409, _body("insufficient_credit", str(exc)))
    except PaymentNotAllowed:
        return Status(
            409, _body("not_payable", "L'ordine non può essere pagato con il credito prepagato.")
        )
    return Status(200, _order_out(order_for_customer(customer=request.user, number=number)))


@api.get(
    "/orders",
    response={200: list[OrderSummaryOut], **ERRORS},
    auth=TokenAuth(Scope.ORDERS_READ),
    tags=["orders"],
    summary="I tuoi ordini",
    description=(
        "I tuoi ordini (e quelli dell'azienda che puoi vedere), dal più recente; a pagine"
        " con limit e offset."
    ),
)
def list_orders(
    request,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0, le=MAX_ID),
):
    """Your orders, newest first."""
    orders = orders_for_customer(request.user)[offset : offset + limit]
    return [
        {
            "number": order.number,
            "status": order.status,
            "status_label": status_label(OrderStatus, order.status),
            "placed_at": order.placed_at,
            "total_gross": order.total_gross,
            "url": _order_url(order),
        }
        for order in orders
    ]


@api.get(
    "/orders/{number}",
    response={200: OrderOut, **ERRORS},
    auth=TokenAuth(Scope.ORDERS_READ),
    tags=["orders"],
    summary="Un ordine",
    description=(
        "Stato, righe con i loro esiti e file, fatture e note di credito di un tuo ordine."
    ),
)
def get_order(request, number: str = Path(..., max_length=20, pattern=NUMBER)):
    """Status, lines with their outcomes (esiti) and files, invoices and credit notes."""
    return _order_out(order_for_customer(customer=request.user, number=number))


@api.get(
    "/orders/{number}/outcomes/{file_id}",
    response={200: None, **ERRORS},
    auth=TokenAuth(Scope.FILES_READ),
    tags=["files"],
    summary="Scarica un file di esito",
    description=("Il file di un esito (quanto consegnato) di un tuo ordine."),
)
def outcome_file(
    request,
    number: str = Path(..., max_length=20, pattern=NUMBER),
    file_id: int = Path(..., ge=1, le=MAX_ID),
):
    """Download an outcome file (the deliverable) of one of your orders."""
    item = outcome_file_for_user(user=request.user, number=number, file_id=file_id)
    return stream_private_file(item.file, filename=item.original_name)


@api.get(
    "/orders/{number}/invoice.pdf",
    response={200: None, **ERRORS},
    auth=TokenAuth(Scope.FILES_READ),
    tags=["files"],
    summary="La fattura di un ordine (PDF)",
    description=("La copia PDF della fattura di un tuo ordine, emessa quando l'ordine è pagato."),
)
def order_invoice_pdf(request, number: str = Path(..., max_length=20, pattern=NUMBER)):
    """The invoice of one of your orders, as PDF (issued once the order is paid)."""
    return document_pdf_response(
        invoice_of_order_for_customer(customer=request.user, order_number=number)
    )


@api.get(
    "/documents/{pk}/pdf",
    response={200: None, **ERRORS},
    auth=TokenAuth(Scope.FILES_READ),
    tags=["files"],
    summary="Una fattura o nota di credito (PDF)",
    description=("La copia PDF di una tua fattura o nota di credito."),
)
def document_pdf(request, pk: int = Path(..., ge=1, le=MAX_ID)):
    """An invoice or credit note of yours, as PDF."""
    return document_pdf_response(document_for_customer(customer=request.user, pk=pk))


@api.get(
    "/documents/{pk}/xml",
    response={200: None, **ERRORS},
    auth=TokenAuth(Scope.FILES_READ),
    tags=["files"],
    summary="Una fattura o nota di credito (XML FatturaPA)",
    description=(
        "Il file XML FatturaPA di una tua fattura o nota di credito (aziende e professionisti)."
    ),
)
def document_xml(request, pk: int = Path(..., ge=1, le=MAX_ID)):
    """The FatturaPA XML of an invoice or credit note (companies and professionals)."""
    return document_xml_response(document_for_customer(customer=request.user, pk=pk))


@api.post(
    "/uploads",
    response={201: UploadOut, 422: Error, **ERRORS},
    auth=TokenAuth(Scope.FILES_WRITE),
    tags=["files"],
    summary="Carica un file",
    description=(
        "Carica un file per un campo file del modulo di un servizio (stessi tipi e "
        "dimensione massima del sito); poi dai il suo id come risposta a quel campo in un"
        " ordine o in una richiesta di preventivo."
    ),
)
def upload_file(request, file: File[UploadedFile]):
    """Upload a file for a file field of a service's form (same types and size as the site);
    then give its id as that field's answer in an order or a quote request."""
    # The site's upload limit too (ACCOUNT_RATE_LIMITS "upload"), on top of the token's.
    if not public_ratelimit.consume(request, action="upload"):
        raise RateLimited(retry_after_seconds("upload"))
    try:
        checked = check_upload(file)
    except UploadRejected as exc:
        return Status(422, _body("upload_rejected", exc.messages[0], {"file": exc.messages}))
    upload = store_upload(checked, owner=request.user)
    return Status(201, {"id": upload.pk, "name": upload.original_name, "size": upload.size})


# --- Quotes ----------------------------------------------------------------------------------


def _quote_url(number: str) -> str:
    return reverse("api:get_quote", kwargs={"number": number})


@api.post(
    "/quotes",
    response={200: QuoteOut, 201: QuoteOut, 422: Error, **ERRORS},
    auth=TokenAuth(Scope.QUOTES_WRITE),
    tags=["quotes"],
    summary="Richiedi un preventivo",
    description=(
        "Richiedi un preventivo per servizi venduti su preventivo: lo staff lo prepara e "
        "tu lo accetti sul sito. Ripetendo la richiesta con la stessa intestazione "
        "Idempotency-Key si riceve la stessa richiesta (200); la stessa chiave con altri "
        "servizi o risposte è un errore (422, idempotency_key_reused)."
    ),
)
def create_quote(
    request,
    payload: QuoteIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Request a quote for services sold on quote; staff price it and you accept it on the
    site. Repeating a request with the same Idempotency-Key returns the same request (200)."""
    lines = _validated_lines(payload.lines, request.user)
    problem = quote_problem(lines)
    if problem:
        return Status(422, _body("not_on_quote", problem))
    try:
        quote, is_new = request_quote_for_lines(
            customer=request.user,
            lines=lines,
            submit_token=_idempotency_key(idempotency_key),
            message=payload.message,
            needed_by=payload.needed_by,
        )
    except PermissionError:
        return Status(403, _body("role_may_not_buy", ROLE_MAY_NOT_BUY))
    if not is_new and not same_lines(quote.lines.order_by("position", "id"), lines):
        return Status(422, _body("idempotency_key_reused", IDEMPOTENCY_KEY_REUSED))
    return Status(
        201 if is_new else 200,
        _quote_out(quote_for_customer(customer=request.user, number=quote.number)),
    )


@api.get(
    "/quotes",
    response={200: list[QuoteSummaryOut], **ERRORS},
    auth=TokenAuth(Scope.QUOTES_READ),
    tags=["quotes"],
    summary="I tuoi preventivi",
    description=(
        "Le tue richieste di preventivo e i preventivi ricevuti, dal più recente; a "
        "pagine con limit e offset."
    ),
)
def list_quotes(
    request,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0, le=MAX_ID),
):
    quotes = quotes_for_customer(request.user).order_by("-requested_at", "-id")
    return [
        {
            "number": quote.number,
            "status": quote.status,
            "status_label": status_label(QuoteStatus, quote.status),
            "requested_at": quote.requested_at,
            "valid_until": quote.valid_until,
            "url": _quote_url(quote.number),
        }
        for quote in quotes[offset : offset + limit]
    ]


def _quote_out(quote) -> dict:
    detail = quote_detail(quote, with_messages=False)
    return {
        "number": quote.number,
        "status": quote.status,
        "status_label": status_label(QuoteStatus, quote.status),
        "requested_at": quote.requested_at,
        "valid_until": quote.valid_until,
        "url": _quote_url(quote.number),
        "message": quote.customer_message,
        "total_gross": detail.price.total_gross if detail.price else None,
        "lines": [
            {
                "service": item.line.service_name,
                "answers": [
                    {"label": a.get("label"), "value": a.get("value")}
                    for a in (item.line.answers_display or [])
                ],
                "gross": item.price.gross if item.price else None,
            }
            for item in detail.lines
        ],
    }


@api.get(
    "/quotes/{number}",
    response={200: QuoteOut, **ERRORS},
    auth=TokenAuth(Scope.QUOTES_READ),
    tags=["quotes"],
    summary="Un preventivo",
    description=("Stato, righe e totale di una tua richiesta di preventivo."),
)
def get_quote(request, number: str = Path(..., max_length=20, pattern=NUMBER)):
    return _quote_out(quote_for_customer(customer=request.user, number=number))
