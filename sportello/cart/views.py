import functools

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from sportello.accounts.prefill import contact_answers
from sportello.cart import actions
from sportello.cart.models import CartKind
from sportello.cart.queries import (
    cart_for_request,
    is_editable,
    line_for_request,
    live_price,
    order_to_reorder,
    priced_cart,
    pricing_field_keys,
    review_note,
    visitor_files,
)
from sportello.catalogue.cache import remember, whole_page_for_new_visitors
from sportello.catalogue.forms import ServiceAnswersForm
from sportello.catalogue.queries import service_with_form
from sportello.companies.queries import VIEWER_CANNOT_BUY, may_buy

DETAIL_URL_NAMES = {CartKind.PURCHASE: "cart:detail", CartKind.QUOTE: "cart:quote_detail"}
ADDED_MESSAGES = {
    CartKind.PURCHASE: "«{name}» è stato aggiunto al carrello.",
    CartKind.QUOTE: "«{name}» è stato aggiunto al carrello preventivi.",
}
# "PROCEDI ALL'ACQUISTO" links to the checkout app's first step; without that app it leads to
# `proceed` (log in, then back to the cart). The quote request page will replace `quote_proceed`.
CHECKOUT_URL_NAME = "checkout:start"
# The ACCOUNT_RATE_LIMITS entry counting form submissions that carry files.
UPLOAD_RATE_LIMIT = "upload"


def buyers_only(back_to: str):
    """A company's viewer may not fill a cart: the views that start a purchase ("ACQUISTA",
    "Ordina di nuovo", "Ordine multiplo") send them back to `back_to` (a URL name taking the
    view's arguments) with the reason, before anything is stored. Everyone else goes on."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not may_buy(request.user):
                messages.error(request, VIEWER_CANNOT_BUY)
                return redirect(back_to, *args, **kwargs)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _detail_url(kind: str) -> str:
    return reverse(DETAIL_URL_NAMES[CartKind(kind)])


def _safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def is_blank(form: ServiceAnswersForm) -> bool:
    """Nothing in the form is this visitor's: not submitted, no answers, no kept files."""
    return (
        not form.is_bound
        and not form.initial
        and not any(getattr(field.widget, "kept", None) for field in form.fields.values())
    )


def _answers_form(request, *, service, answers=None, prefill=False) -> ServiceAnswersForm:
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    fields_definition = list(service.form_fields.all())
    extra = {}
    if prefill and not data and answers is None:
        # A quote request starts with the referente, e-mail and company from the account.
        keys = {field.key for field in fields_definition}
        known = contact_answers(request.user)
        extra["initial"] = {key: value for key, value in known.items() if key in keys}
    return ServiceAnswersForm(
        *data,
        fields_definition=fields_definition,
        owner_files=visitor_files(request),
        answers=answers,
        **extra,
    )


UPLOADS_LIMITED = (
    "Hai caricato molti file in poco tempo: attendi qualche minuto e riprova. "
    "I dati che hai inserito sono stati conservati."
)


def _validate_and_store(request, form: ServiceAnswersForm) -> bool:
    is_valid = form.is_valid()
    # Anyone may upload without an account: a per-address limit keeps the disk from filling up.
    if request.FILES and not ratelimit.consume(request, action=UPLOAD_RATE_LIMIT):
        for name in request.FILES:
            form.add_error(name if name in form.fields else None, UPLOADS_LIMITED)
        return False
    # Accepted uploads are stored even when another field has an error, so they are kept.
    # Only a visitor who actually sends a file gets an upload key in their session.
    upload_key = actions.anonymous_upload_key(request) if request.FILES else ""
    form.store_uploads(user=request.user, session_key=upload_key)
    return is_valid


def _live_price_context(service, price) -> dict:
    """The service form's live price: where htmx asks for it, which answers it sends."""
    keys = pricing_field_keys(list(service.form_fields.all()))
    return {
        "live_price": price,
        "live_price_url": reverse("cart:live_price", kwargs={"slug": service.slug})
        if keys and price is not None
        else "",
        "live_price_params": ",".join(keys),
        # Only a change of an answer that can add a supplement asks for the price again.
        "live_price_trigger": ", ".join(f"change from:[name={key}]" for key in keys),
    }


@require_GET
def live_price_view(request, slug):
    """The price with the supplements chosen so far (htmx, on every change of the form)."""
    service = service_with_form(slug)
    return render(
        request,
        "cart/_live_price.html",
        {"live_price": live_price(service, request.GET), "service": service},
    )


@buyers_only("catalogue:service")
@whole_page_for_new_visitors
def add(request, slug):
    """The service's form; submitting it adds a line to the purchase or the quote cart."""
    service = remember(request, "service-form", slug, build=lambda: service_with_form(slug))
    kind = actions.cart_kind_for(service)
    form = _answers_form(request, service=service, prefill=service.is_on_quote)
    if request.method == "POST" and _validate_and_store(request, form):
        cart = actions.get_or_create_cart(request, kind)
        try:
            actions.add_line(
                cart=cart,
                service=service,
                answers=form.answers(),
                form_version=service.form_version,
            )
        except actions.CartFull:
            messages.error(
                request,
                f"Il carrello contiene già {actions.MAX_LINES_PER_CART} servizi: "
                "completa o svuota il carrello prima di aggiungerne altri.",
            )
        else:
            messages.success(request, ADDED_MESSAGES[kind].format(name=service.name))
        return redirect(_detail_url(kind))
    return render(
        request,
        "cart/service_form.html",
        {
            "service": service,
            "form": form,
            "action_url": reverse("cart:add", kwargs={"slug": service.slug}),
            "submit_label": "RICHIEDI PREVENTIVO"
            if service.is_on_quote
            else "Aggiungi al carrello",
            "cancel_url": service.get_absolute_url(),
            "next_url": "",
            "is_edit": False,
            **_live_price_context(
                service, live_price(service, request.POST if request.method == "POST" else None)
            ),
            # An empty form is the same for every visitor on a given day (date pickers limit
            # their days from today): its fields' HTML can be cached.
            "fields_fragment": f"form-{service.slug}-{timezone.localdate().isoformat()}"
            if is_blank(form)
            else None,
        },
    )


def edit_line(request, pk):
    """ "Modifica": the form pre-filled with the line's answers; saving updates that line."""
    line = line_for_request(request, pk)
    service = line.service
    next_url = _safe_next(request)
    back_url = next_url or _detail_url(line.cart.kind)
    if not is_editable(line):
        messages.error(request, f"«{service.name}» non può essere modificato: {review_note(line)}")
        return redirect(back_url)
    form = _answers_form(request, service=service, answers=line.answers)
    if request.method != "POST" and (
        line.flagged_fields or line.form_version != service.form_version
    ):
        form = _flagged_form(request, service=service, line=line) or form
    if request.method == "POST" and _validate_and_store(request, form):
        actions.update_line(line=line, answers=form.answers(), form_version=service.form_version)
        messages.success(request, f"I dati di «{service.name}» sono stati aggiornati.")
        return redirect(back_url)
    return render(
        request,
        "cart/service_form.html",
        {
            "service": service,
            "form": form,
            "action_url": reverse("cart:edit_line", kwargs={"pk": line.pk}),
            "submit_label": "Salva le modifiche",
            "cancel_url": back_url,
            "next_url": next_url,
            "is_edit": True,
            **_live_price_context(
                service,
                live_price(service, request.POST)
                if request.method == "POST"
                else live_price(service, answers=line.answers),
            ),
        },
    )


FLAGGED_FIELD = "Il modulo è cambiato dal tuo ordine: compila di nuovo questo campo."
FLAGGED_SUMMARY = (
    "Il modulo di questo servizio è cambiato dal tuo ordine: abbiamo ripreso i dati ancora "
    "validi, completa i campi segnalati."
)
CHANGED_SUMMARY = (
    "Il modulo di questo servizio è cambiato da quando l'hai aggiunto al carrello: "
    "correggi i campi segnalati."
)


def _flagged_form(request, *, service, line) -> ServiceAnswersForm | None:
    """A line whose form changed since it was filled (staff edited it, or "Ordina di nuovo"
    flagged answers today's form refused): the form as if its answers had just been sent, so
    each answer today's form refuses (a new required question, a tighter limit) has its
    message next to it before the customer saves. None when today's form takes them all."""
    form = ServiceAnswersForm.of_stored_answers(
        list(service.form_fields.all()), line.answers, owner_files=visitor_files(request)
    )
    if form.is_valid() and not line.flagged_fields:
        return None
    for key in line.flagged_fields:
        if key in form.fields and key not in form.errors:
            form.add_error(key, FLAGGED_FIELD)
    form.add_error(None, FLAGGED_SUMMARY if line.flagged_fields else CHANGED_SUMMARY)
    return form


@require_POST
@login_required
@buyers_only("orders:detail")
def reorder(request, number):
    """ "Ordina di nuovo" (an order in I MIEI ORDINI): its lines back into the cart."""
    order = order_to_reorder(customer=request.user, number=number)
    result = actions.reorder(request=request, order=order)
    if result.added:
        messages.success(
            request,
            f"I servizi dell'ordine {order.number} sono stati aggiunti al carrello "
            f"({len(result.added)}).",
        )
    if result.flagged:
        names = ", ".join(f"«{line.service.name}»" for line in result.flagged)
        messages.warning(
            request,
            f"Il modulo di {names} è cambiato: completa i dati segnalati con «Modifica».",
        )
    if result.unavailable:
        names = ", ".join(f"«{name}»" for name in result.unavailable)
        messages.warning(request, f"Non più acquistabili online, non aggiunti: {names}.")
    if result.is_cart_full:
        messages.error(
            request,
            f"Il carrello contiene già {actions.MAX_LINES_PER_CART} servizi: "
            "alcuni servizi dell'ordine non sono stati aggiunti.",
        )
    return redirect(_detail_url(CartKind.PURCHASE))


@require_POST
def remove_line(request, pk):
    """ "Rimuovi": back to the cart (or a safe ?next=); with htmx, the cart is swapped in place."""
    line = line_for_request(request, pk)
    kind = line.cart.kind
    name = line.service.name
    actions.remove_line(line=line)
    notice = f"«{name}» è stato rimosso."
    if request.htmx:
        context = _cart_context(request, kind)
        context["notice"] = notice
        return render(request, "cart/_cart_update.html", context)
    messages.success(request, notice)
    return redirect(_safe_next(request) or _detail_url(kind))


def _checkout_url() -> str:
    try:
        return reverse(CHECKOUT_URL_NAME)
    except NoReverseMatch:
        return ""


def _cart_context(request, kind: str) -> dict:
    priced = priced_cart(cart_for_request(request, kind), request=request)
    return {
        "kind": kind,
        "priced": priced,
        "is_quote": kind == CartKind.QUOTE,
        "proceed_url": (
            reverse("cart:quote_proceed")
            if kind == CartKind.QUOTE
            else _checkout_url() or reverse("cart:proceed")
        ),
    }


def detail(request):
    return render(request, "cart/detail.html", _cart_context(request, CartKind.PURCHASE))


def quote_detail(request):
    return render(request, "cart/detail.html", _cart_context(request, CartKind.QUOTE))


def _proceed(request, kind: str, *, next_step: str, pending_notice: str):
    priced = priced_cart(cart_for_request(request, kind), request=request)
    if priced.is_empty:
        messages.info(request, "Il carrello è vuoto.")
        return redirect(_detail_url(kind))
    if priced.needs_review:
        messages.warning(request, "Prima di procedere verifica i servizi segnalati.")
        return redirect(_detail_url(kind))
    if next_step:
        return redirect(next_step)
    messages.info(request, pending_notice)
    return redirect(_detail_url(kind))


@login_required
def proceed(request):
    """ "PROCEDI ALL'ACQUISTO": log in or register first, then on to the checkout."""
    return _proceed(
        request,
        CartKind.PURCHASE,
        next_step=_checkout_url(),
        pending_notice=(
            "Il pagamento online sarà il prossimo passaggio: i servizi restano nel carrello."
        ),
    )


@login_required
def quote_proceed(request):
    """ "PROCEDI ALLA RICHIESTA DI PREVENTIVO": log in or register first, then the request."""
    return _proceed(
        request,
        CartKind.QUOTE,
        next_step=reverse("quotes:request"),
        pending_notice=(
            "L'invio della richiesta di preventivo sarà il prossimo passaggio: "
            "i servizi restano nel carrello preventivi."
        ),
    )
