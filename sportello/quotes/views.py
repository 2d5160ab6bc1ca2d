"""I MIEI PREVENTIVI and the quote request page. Every view finds the quote through queries that
check its owner, so another customer's quote number answers 404."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from sportello.cart.models import CartKind
from sportello.cart.queries import cart_for_request, priced_cart
from sportello.companies.queries import may_buy, placed_by
from sportello.core.dates import long_date
from sportello.core.files import stream_private_file
from sportello.quotes import actions
from sportello.quotes.forms import AcceptForm, DeclineForm, MessageForm, QuoteRequestForm
from sportello.quotes.models import QuoteStatus
from sportello.quotes.pdf import quote_pdf_response
from sportello.quotes.queries import (
    answer_file_for_customer,
    message_for_customer,
    quote_detail,
    quote_for_customer,
    quote_to_act_on,
    quotes_for_customer,
)
from sportello.uploads.checks import UploadRejected
from sportello.uploads.limits import MESSAGES_LIMITED, allow_message

# The checkout's entry point for an accepted quote; until it exists the quote page says so.
CHECKOUT_URL_NAME = "checkout:start_quote"
QUOTES_PER_PAGE = 20


def _checkout_url(quote) -> str:
    try:
        return reverse(CHECKOUT_URL_NAME, kwargs={"number": quote.number})
    except NoReverseMatch:
        return ""


@require_GET
@login_required
def quote_list(request):
    page = Paginator(quotes_for_customer(request.user), QUOTES_PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    show_placed_by = any(quote.company_id for quote in page.object_list)
    return render(request, "quotes/list.html", {"page": page, "show_placed_by": show_placed_by})


@login_required
def request_quote(request):
    """The quote cart's lines, an optional message and the button "RICHIEDI PREVENTIVO"."""
    if not may_buy(request.user):
        messages.error(
            request,
            "Nell'account aziendale hai il ruolo di visualizzatore: non puoi richiedere "
            "preventivi. Chiedi all'amministratore di renderti acquirente.",
        )
        return redirect("cart:quote_detail")
    cart = cart_for_request(request, CartKind.QUOTE)
    if request.method == "POST":
        form = QuoteRequestForm(request.POST)
        if form.is_valid():
            try:
                quote = actions.request_quote(
                    customer=request.user,
                    cart=cart,
                    message=form.cleaned_data["message"],
                    submit_token=form.cleaned_data["submit_token"],
                    needed_by=form.cleaned_data.get("needed_by"),
                )
            except actions.QuoteCartNotReady as exc:
                messages.warning(request, str(exc))
                return redirect("cart:quote_detail")
            return redirect("quotes:confirmation", number=quote.number)
    else:
        form = QuoteRequestForm(initial={"submit_token": uuid.uuid4()})
    priced = priced_cart(cart, request=request)
    if priced.is_empty:
        messages.info(request, "Il carrello preventivi è vuoto.")
        return redirect("cart:quote_detail")
    if priced.needs_review:
        messages.warning(request, "Prima di procedere verifica i servizi segnalati.")
        return redirect("cart:quote_detail")
    return render(request, "quotes/request.html", {"priced": priced, "form": form})


@require_GET
@login_required
def confirmation(request, number):
    quote = quote_for_customer(customer=request.user, number=number)
    return render(
        request, "quotes/confirmation.html", {"quote": quote, "detail": quote_detail(quote)}
    )


def _detail_context(request, quote, **forms) -> dict:
    detail = quote_detail(quote)
    price = detail.price
    status = quote.status
    # Past its validity but not yet marked scaduto by the periodic task: nothing to buy.
    is_expired_now = (
        status in (QuoteStatus.READY, QuoteStatus.ACCEPTED) and quote.is_past_validity()
    )
    may_act = quote.viewer_may_act  # type: ignore[attr-defined]
    return {
        "quote": quote,
        "detail": detail,
        "may_act": may_act,
        "placed_by": placed_by(quote, viewer=request.user),
        "show_prices": price is not None and status != QuoteStatus.CANCELLED,
        "is_under_revision": price is not None and status == QuoteStatus.IN_PROGRESS,
        "is_expired_now": is_expired_now,
        "can_accept": may_act and status == QuoteStatus.READY and not is_expired_now,
        "can_decline": may_act and status in (QuoteStatus.READY, QuoteStatus.ACCEPTED),
        "checkout_url": (
            _checkout_url(quote)
            if may_act and status == QuoteStatus.ACCEPTED and not is_expired_now
            else ""
        ),
        "accept_form": AcceptForm(initial={"version": quote.current_version}),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "message_form": forms.get("message_form") or MessageForm(),
        "order_url": quote.order.get_absolute_url() if quote.order_id else "",
    }


@require_GET
@login_required
def detail(request, number):
    quote = quote_for_customer(customer=request.user, number=number)
    return render(request, "quotes/detail.html", _detail_context(request, quote))


@require_POST
@login_required
def post_message(request, number):
    quote = quote_to_act_on(customer=request.user, number=number)
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _detail_context(request, quote, message_form=form)
        return render(request, "quotes/detail.html", context, status=400)
    # Each message e-mails staff and may carry a file: a customer cannot send them in bursts.
    if not allow_message(request):
        form.add_error("body", MESSAGES_LIMITED)
        context = _detail_context(request, quote, message_form=form)
        return render(request, "quotes/detail.html", context, status=429)
    try:
        actions.post_message(
            quote=quote,
            author=request.user,
            body=form.cleaned_data["body"],
            attachment=form.cleaned_data.get("attachment"),
        )
    except UploadRejected as exc:
        form.add_error("attachment", exc)
        context = _detail_context(request, quote, message_form=form)
        return render(request, "quotes/detail.html", context, status=400)
    messages.success(request, "Messaggio inviato: ti risponderemo il prima possibile.")
    return redirect(f"{quote.get_absolute_url()}#messaggi")


@require_POST
@login_required
def accept(request, number):
    quote = quote_to_act_on(customer=request.user, number=number)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Richiesta non valida: ricarica la pagina e riprova.")
        return redirect(quote.get_absolute_url())
    try:
        actions.accept_quote(
            quote=quote, customer=request.user, version=form.cleaned_data["version"]
        )
    except actions.QuoteExpired:
        assert quote.valid_until is not None  # only a quote with a validity date expires
        valid_until = long_date(quote.valid_until)
        messages.error(
            request,
            f"Il preventivo è scaduto {valid_until} e non può più essere accettato. "
            "Scrivici qui sotto se vuoi una nuova versione.",
        )
        return redirect(quote.get_absolute_url())
    except actions.QuoteChanged:
        messages.warning(
            request,
            "Il preventivo è stato aggiornato nel frattempo: controlla la nuova versione "
            "prima di accettarla.",
        )
        return redirect(quote.get_absolute_url())
    except actions.QuoteNotAcceptable:
        messages.error(request, "Questo preventivo non può essere accettato.")
        return redirect(quote.get_absolute_url())
    checkout_url = _checkout_url(quote)
    if checkout_url:
        return redirect(checkout_url)
    messages.success(request, "Preventivo accettato.")
    return redirect(quote.get_absolute_url())


@require_POST
@login_required
def decline(request, number):
    quote = quote_to_act_on(customer=request.user, number=number)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, quote, decline_form=form)
        return render(request, "quotes/detail.html", context, status=400)
    try:
        actions.decline_quote(
            quote=quote, customer=request.user, reason=form.cleaned_data["reason"]
        )
    except actions.QuoteNotDeclinable:
        messages.error(request, "Questo preventivo non può essere rifiutato.")
    else:
        messages.success(request, "Hai rifiutato il preventivo. Grazie per avercelo fatto sapere.")
    return redirect(quote.get_absolute_url())


@require_GET
@login_required
def pdf(request, number):
    quote = quote_for_customer(customer=request.user, number=number)
    if not quote.is_priced or quote.status == QuoteStatus.CANCELLED:
        raise Http404("Il preventivo non è ancora pronto")
    return quote_pdf_response(quote)


@require_GET
@login_required
def message_attachment(request, number, pk):
    message = message_for_customer(customer=request.user, number=number, pk=pk)
    if message.attachment is None:
        raise Http404("Allegato non trovato")
    return stream_private_file(message.attachment.file, filename=message.attachment_name)


@require_GET
@login_required
def answer_file(request, number, file_id):
    item = answer_file_for_customer(customer=request.user, number=number, file_id=file_id)
    return stream_private_file(item.file, filename=item.original_name)
