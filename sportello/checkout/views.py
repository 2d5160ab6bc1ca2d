import datetime as dt
from urllib.parse import urlencode

from allauth.account.internal.flows.email_verification_by_code import (
    EMAIL_VERIFICATION_CODE_SESSION_KEY,
)
from allauth.account.utils import passthrough_next_redirect_url
from allauth.account.views import LoginView, SignupView
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sportello.accounts.billing import (
    billing_data_from_profile,
    billing_profile_for,
    billing_summary,
)
from sportello.accounts.signup import ConfirmEmailCodeView
from sportello.cart.purchase import CART_EMPTY
from sportello.checkout import actions
from sportello.checkout.forms import CheckoutBillingForm, PaymentMethodForm, PlaceOrderForm
from sportello.checkout.payment_views import settle_from_credit
from sportello.checkout.queries import (
    enabled_payment_providers,
    order_placed_by,
    purchase_source,
)
from sportello.checkout.session import load_state
from sportello.checkout.steps import CheckoutFlow, LoginStep, PaymentStep
from sportello.companies.queries import (
    VIEWER_CANNOT_BUY,
    company_billing_data,
    membership_of,
)
from sportello.contracts.queries import current_terms
from sportello.credit.forms import TopUpForm
from sportello.credit.models import PREPAID_CREDIT_METHOD
from sportello.credit.purchase import TopUpPurchase
from sportello.credit.queries import credit_standing
from sportello.orders.models import CustomerKind
from sportello.orders.purchase import PurchaseNotPossible
from sportello.payments.views import confirmation_url, pay_url, redirect_to_payment
from sportello.quotes.purchase import QuotePurchase

LOGIN_NOTICE = (
    "Per completare l'acquisto accedi con il tuo account oppure registrati: "
    "i servizi restano nel carrello."
)
# Set on allauth's e-mail code state by the checkout's sign-up.
SIGNED_UP_IN_CHECKOUT = "sportello_signed_up_in_checkout"
METHOD_WITHDRAWN = (
    "Il metodo di pagamento scelto non è più disponibile per questo ordine (per esempio il "
    "credito prepagato non copre più il totale): scegline un altro."
)


def _gate(request, flow: CheckoutFlow, identifier: str):
    """(what is being bought, None) when the step may be shown, else (None, a redirect)."""
    source = purchase_source(request, flow.state)
    problem = source.problem()
    just_placed = _just_placed_order(request) if problem == CART_EMPTY else None
    if just_placed is not None:
        # "Back" from the payment or the confirmation to a checkout step: the order is placed
        # (the cart is empty now): to that order, not to an empty cart.
        messages.info(request, f"L'ordine {just_placed.number} è già stato registrato.")
        return None, redirect(_existing_order_url(just_placed))
    if problem:
        # The quote can no longer be bought: back to buying the cart (no-op for the cart).
        actions.leave_quote_checkout(request)
        messages.warning(request, problem)
        return None, redirect(source.back_url)
    blocking = flow.blocking_step(identifier)
    if blocking is not None:
        if isinstance(blocking, LoginStep):
            messages.info(request, LOGIN_NOTICE)
        _tell_if_method_withdrawn(request, flow.state, blocking)
        return None, redirect(blocking.url(flow))
    return source, None


def _tell_if_method_withdrawn(request, state, blocking) -> None:
    """Back to "Pagamento" although a method was chosen: it is no longer offered (the
    company's credit no longer covers the total, say). Say so rather than bounce silently."""
    if isinstance(blocking, PaymentStep) and state.payment_method:
        messages.warning(request, METHOD_WITHDRAWN)


def _next_step_url(request) -> str:
    """Where the checkout carries on after a step: the quote's checkout, or the cart's."""
    state = load_state(request)
    if state.quote:
        return reverse("checkout:start_quote", kwargs={"number": state.quote})
    if state.top_up:
        return reverse("checkout:top_up")
    return reverse("checkout:start")


def _after_step_url(request) -> str:
    """After a step is saved: straight to the first step still to be done (the cart's or the
    quote's checkout, as the session says). That step's page checks what is being bought
    again, so the hop through `checkout:start` would only cost a request."""
    flow = CheckoutFlow(request)
    return flow.first_incomplete().url(flow)


def _context(flow: CheckoutFlow, identifier: str, *, source, **extra) -> dict:
    """Every step shows where the customer is and what they are buying (the order summary)."""
    return {
        "progress": flow.progress(identifier),
        "summary_lines": source.review_lines(),
        "summary_total": source.total,
        **extra,
    }


def _access_context(request) -> dict:
    """The "Accesso" step's progress and order summary."""
    flow = CheckoutFlow(request)
    return _context(flow, LoginStep.identifier, source=purchase_source(request, flow.state))


class _AccessStep:
    """The "Accesso" step's pages (log in, sign up) with the checkout's progress and order
    summary, linking to each other within the checkout (keeping `next`)."""

    request: HttpRequest

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        return {
            **context,
            **_access_context(self.request),
            "login_url": self._keeping_next("checkout:login"),
            "signup_url": self._keeping_next("checkout:signup"),
        }

    def _keeping_next(self, name: str) -> str:
        return passthrough_next_redirect_url(self.request, reverse(name), REDIRECT_FIELD_NAME)


class CheckoutLoginView(_AccessStep, LoginView):
    """The "Accesso" step: allauth's login view (its rules, rate limits, MFA and redirect to
    `next`), shown with the checkout's progress and order summary."""

    template_name = "checkout/login.html"


class CheckoutConfirmEmailCodeView(ConfirmEmailCodeView):
    """The e-mail code page. After a sign-up made in the checkout's "Accesso" step it is shown
    with the checkout's progress and order summary; anywhere else it is the account's page."""

    def get_template_names(self):
        if self._in_checkout():
            return ["checkout/confirm_email_code.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self._in_checkout():
            return context
        return {
            **context,
            **_access_context(self.request),
            # "Annulla" goes back to the checkout's Accesso step, not to the account's login.
            "cancel_login_url": f"{reverse('checkout:login')}?"
            + urlencode({REDIRECT_FIELD_NAME: reverse("checkout:start")}),
        }

    def _in_checkout(self) -> bool:
        # Marked on the code process by the checkout's sign-up, whatever the address: a taken
        # address has no pending login to read a `next` from, and the page must not differ.
        return bool(self._process and self._process.state.get(SIGNED_UP_IN_CHECKOUT))


class CheckoutSignupView(_AccessStep, SignupView):
    """The "Accesso" step for a new customer: allauth's sign-up view (its rules, rate limits,
    e-mail code and redirect to `next`), shown with the checkout's progress and order
    summary."""

    template_name = "checkout/signup.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        # The code page that follows, for a new or a taken address alike, is still the
        # checkout's (allauth keeps its own keys of this state and ignores others).
        state = self.request.session.get(EMAIL_VERIFICATION_CODE_SESSION_KEY)
        if state is not None:
            state[SIGNED_UP_IN_CHECKOUT] = True
            self.request.session.modified = True
        return response


def start(request):
    """ "PROCEDI ALL'ACQUISTO": on to the first step still to be done."""
    # From the cart: buy the cart, even if a quote's checkout was left half way.
    actions.leave_quote_checkout(request)
    flow = CheckoutFlow(request)
    source = purchase_source(request, flow.state)
    problem = source.problem()
    if problem:
        messages.warning(request, problem)
        return redirect(source.back_url)
    if request.user.is_authenticated:
        # A returning customer: saved billing data and last payment method → the Riepilogo.
        actions.prefill_returning_checkout(request)
        flow = CheckoutFlow(request)
    step = flow.first_incomplete()
    if isinstance(step, LoginStep):
        messages.info(request, LOGIN_NOTICE)
    return redirect(step.url(flow))


def _billing_initial(request, flow: CheckoutFlow) -> tuple[dict, bool]:
    """Prefill: this checkout's data, else the saved profile, else the account's name."""
    profile = billing_profile_for(request.user)
    initial: dict[str, str | bool]
    if flow.state.billing:
        initial = {**flow.state.billing}
    elif profile is not None:
        initial = {**billing_data_from_profile(profile)}
    else:
        initial = {"first_name": request.user.first_name, "last_name": request.user.last_name}
    initial["save_profile"] = profile is None
    return initial, profile is not None


def _company_billing(request, flow: CheckoutFlow, membership, source):
    """A company member buys for the company, billed with its data (shown, not editable)."""
    if not membership.can_buy:
        messages.error(request, VIEWER_CANNOT_BUY)
        return redirect("cart:detail")
    data = company_billing_data(membership.company)
    if request.method == "POST":
        actions.confirm_billing(request=request, data=data, save_profile=False)
        return redirect(_after_step_url(request))
    return render(
        request,
        "checkout/billing_company.html",
        _context(
            flow,
            "billing",
            source=source,
            company=membership.company,
            summary=billing_summary(data),
        ),
    )


def billing(request):
    flow = CheckoutFlow(request)
    source, gate = _gate(request, flow, "billing")
    if gate:
        return gate
    membership = membership_of(request.user)
    if membership is not None:
        return _company_billing(request, flow, membership, source)
    initial, has_profile = _billing_initial(request, flow)
    if request.method == "POST":
        form = CheckoutBillingForm(request.POST, initial=initial)
        if form.is_valid():
            actions.confirm_billing(
                request=request,
                data=form.billing_data(),
                save_profile=form.cleaned_data["save_profile"],
            )
            if form.cleaned_data["save_profile"]:
                messages.success(request, "Dati di fatturazione salvati per i prossimi acquisti.")
            return redirect(_after_step_url(request))
    else:
        form = CheckoutBillingForm(initial=initial)
    return render(
        request,
        "checkout/billing.html",
        _context(flow, "billing", source=source, form=form, has_profile=has_profile),
    )


def payment(request):
    flow = CheckoutFlow(request)
    source, gate = _gate(request, flow, "payment")
    if gate:
        return gate
    providers = flow.payment_providers
    chosen = flow.state.payment_method
    initial = {"payment_method": chosen} if chosen in {p.identifier for p in providers} else {}
    note = _credit_note(request, source)
    credit = note.get("credit_standing")
    if request.method == "POST":
        form = PaymentMethodForm(request.POST, providers=providers, initial=initial, credit=credit)
        if form.is_valid():
            actions.choose_payment_method(
                request=request, provider_id=form.cleaned_data["payment_method"]
            )
            return redirect(_after_step_url(request))
    else:
        form = PaymentMethodForm(providers=providers, initial=initial, credit=credit)
    return render(
        request,
        "checkout/payment.html",
        _context(flow, "payment", source=source, form=form, **note),
    )


def _credit_note(request, source) -> dict:
    """The company's credit beside the methods: its balance when "Credito prepagato" is
    offered, why it is missing when the credit does not cover the total (a top-up is never
    paid from credit: no note there)."""
    if isinstance(source, TopUpPurchase):
        return {}
    enabled = {provider.identifier for provider in enabled_payment_providers()}
    if PREPAID_CREDIT_METHOD not in enabled:
        return {}
    return {"credit_standing": credit_standing(request.user, source.total.gross)}


def _is_consumer_checkout(request) -> bool:
    """A "Privato" buyer (billing kind person): the withdrawal rules apply."""
    return load_state(request).billing.get("kind") == CustomerKind.PERSON


def review(request, form: PlaceOrderForm | None = None):
    """The Riepilogo; `form` is the posted one when the terms were not accepted."""
    flow = CheckoutFlow(request)
    source, gate = _gate(request, flow, "review")
    if gate:
        return gate
    return render(request, "checkout/review.html", _review_context(request, flow, source, form))


def _review_context(request, flow: CheckoutFlow, source, form=None, **editing) -> dict:
    """The Riepilogo's context; `editing` holds the billing or payment form shown in place."""
    token = actions.ensure_checkout_token(request)
    lines = source.review_lines()
    is_consumer = _is_consumer_checkout(request)
    if form is None:
        form = PlaceOrderForm(
            initial={"checkout_token": token, "cart_version": source.fingerprint()},
            is_consumer=is_consumer,
        )
    return {
        "progress": flow.progress("review"),
        "source": source,
        "lines": lines,
        "total": source.total,
        # Many services (and a quote's lines) have no supplements: no empty column then.
        "has_supplements": any(line.price.supplements for line in lines),
        "billing_rows": billing_summary(flow.state.billing),
        "payment_provider": flow.chosen_provider,
        # The credit's balance for the chosen "Credito prepagato" (the payment card's editor
        # brings its own in `editing`: not read twice).
        **(
            _credit_note(request, source)
            if "credit_standing" not in editing
            and flow.chosen_provider
            and flow.chosen_provider.identifier == PREPAID_CREDIT_METHOD
            else {}
        ),
        "billing_url": reverse("checkout:review_billing"),
        "payment_url": reverse("checkout:review_payment"),
        "form": form,
        "terms": current_terms(),
        "is_consumer": is_consumer,
        "billing_form": None,
        "payment_form": None,
        "saved_card": "",
        **editing,
    }


def _htmx_redirect(request, response):
    """A redirect an htmx request must follow as a page load (not swapped into a card)."""
    if not request.htmx:
        return response
    redirected = HttpResponse(status=204)
    redirected["HX-Redirect"] = response.url
    return redirected


def _review_gate(request):
    """(flow, source, None) when the Riepilogo may be shown, else (None, None, a redirect)."""
    if not request.user.is_authenticated:
        return None, None, _htmx_redirect(request, redirect("checkout:start"))
    flow = CheckoutFlow(request)
    source, gate = _gate(request, flow, "review")
    if gate:
        return None, None, _htmx_redirect(request, gate)
    return flow, source, None


def _review_section(request, flow, source, *, template: str, **editing):
    """A Riepilogo card being edited: alone for htmx, else in the whole page (no JavaScript)."""
    context = _review_context(request, flow, source, **editing)
    if request.htmx:
        return render(request, template, context)
    return render(request, "checkout/review.html", context)


def _review_saved(request, notice: str, *, card: str):
    """Saved from the Riepilogo: with htmx the whole Riepilogo is swapped in place (prices and
    the withdrawal terms depend on the billing data), else back to it."""
    if not request.htmx:
        messages.success(request, notice)
        return redirect("checkout:review")
    flow, source, gate = _review_gate(request)
    if gate:
        return gate
    context = _review_context(request, flow, source, review_notice=notice, saved_card=card)
    response = render(request, "checkout/review.html", context)
    response["HX-Retarget"] = "#review-page"
    response["HX-Reselect"] = "#review-page"
    response["HX-Reswap"] = "outerHTML"
    return response


def review_billing(request):
    """ "Modifica" the billing data on the Riepilogo itself."""
    flow, source, gate = _review_gate(request)
    if gate:
        return gate
    if membership_of(request.user) is not None:
        # A company buys with the company's data: shown on the billing step, not editable.
        return redirect("checkout:billing")
    initial, _has_profile = _billing_initial(request, flow)
    initial["save_profile"] = False
    if request.method == "POST":
        billing_form = CheckoutBillingForm(request.POST, initial=initial)
        if billing_form.is_valid():
            actions.confirm_billing(
                request=request,
                data=billing_form.billing_data(),
                save_profile=billing_form.cleaned_data["save_profile"],
            )
            notice = "Dati di fatturazione aggiornati."
            if billing_form.cleaned_data["save_profile"]:
                notice = "Dati di fatturazione aggiornati e salvati per i prossimi acquisti."
            return _review_saved(request, notice, card="billing")
    else:
        billing_form = CheckoutBillingForm(initial=initial)
    return _review_section(
        request, flow, source, template="checkout/_review_billing.html", billing_form=billing_form
    )


def review_payment(request):
    """ "Modifica" the payment method on the Riepilogo itself."""
    flow, source, gate = _review_gate(request)
    if gate:
        return gate
    providers = flow.payment_providers
    initial = {"payment_method": flow.state.payment_method}
    note = _credit_note(request, source)
    credit = note.get("credit_standing")
    if request.method == "POST":
        payment_form = PaymentMethodForm(
            request.POST, providers=providers, initial=initial, credit=credit
        )
        if payment_form.is_valid():
            actions.choose_payment_method(
                request=request, provider_id=payment_form.cleaned_data["payment_method"]
            )
            return _review_saved(request, "Metodo di pagamento aggiornato.", card="payment")
    else:
        payment_form = PaymentMethodForm(providers=providers, initial=initial, credit=credit)
    return _review_section(
        request,
        flow,
        source,
        template="checkout/_review_payment.html",
        payment_form=payment_form,
        **note,
    )


# The order this session's checkout has just placed: "back" to a step leads to it.
JUST_PLACED_SESSION_KEY = "sportello_checkout_just_placed"
JUST_PLACED_FOR = dt.timedelta(minutes=30)


def _just_placed_order(request):
    """The order the customer placed from this session in the last half hour, if any."""
    remembered = request.session.get(JUST_PLACED_SESSION_KEY)
    if not remembered or not request.user.is_authenticated:
        return None
    try:
        placed_at = dt.datetime.fromisoformat(remembered["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if timezone.now() - placed_at > JUST_PLACED_FOR:
        request.session.pop(JUST_PLACED_SESSION_KEY, None)
        return None
    return order_placed_by(customer=request.user, number=remembered.get("number", ""))


def _existing_order_url(order) -> str:
    """Pay an order already placed, or show its confirmation once paid."""
    if order.is_awaiting_payment:
        return pay_url(order)
    return confirmation_url(order)


@require_POST
def place(request):
    """ "COMPLETA L'ACQUISTO": place the order once, then on to the payment."""
    if not request.user.is_authenticated:
        return redirect("checkout:start")
    form = PlaceOrderForm(request.POST, is_consumer=_is_consumer_checkout(request))
    if not form.is_valid():
        if form.has_only_contract_errors:
            # contract: terms not accepted — the same Riepilogo, the error next to the checkbox.
            return review(request, form=form)
        messages.error(request, "Il riepilogo non è più valido: controllalo e conferma di nuovo.")
        return redirect(_next_step_url(request))
    try:
        placed = actions.complete_purchase(
            request=request,
            token=form.cleaned_data["checkout_token"],
            seen_cart_version=form.cleaned_data["cart_version"],
            # contract: the terms version in force now and the consumer's early-start request.
            acceptance=form.acceptance(terms=current_terms()),
        )
    except actions.CheckoutIncomplete as incomplete:
        _tell_if_method_withdrawn(request, load_state(request), incomplete.step)
        return redirect(incomplete.url)
    except actions.CheckoutExpired:
        messages.warning(request, "Il riepilogo non è più valido: controllalo e conferma di nuovo.")
        return redirect(_next_step_url(request))
    except actions.CartChanged:
        messages.warning(
            request,
            "Il carrello è cambiato: controlla il riepilogo aggiornato e conferma di nuovo.",
        )
        return redirect("checkout:review")
    except PurchaseNotPossible as problem:
        back_url = purchase_source(request, load_state(request)).back_url
        actions.leave_quote_checkout(request)
        messages.warning(request, str(problem))
        return redirect(back_url)
    except PermissionError:
        # Made a company's viewer while checking out (orders.actions.create_order refuses).
        messages.error(request, VIEWER_CANNOT_BUY)
        return redirect("cart:detail")
    order = placed.order
    request.session[JUST_PLACED_SESSION_KEY] = {
        "number": order.number,
        "at": timezone.now().isoformat(),
    }
    if not placed.is_new:
        # A double click or a re-post: carry on with the order already placed.
        messages.info(request, f"L'ordine {order.number} è già stato registrato.")
        return redirect(_existing_order_url(order))
    if not order.is_awaiting_payment:
        # Nothing to pay (0,00 €): already confirmed.
        return redirect(confirmation_url(order))
    if order.payment_method == PREPAID_CREDIT_METHOD:
        # Paid at once from the company's credit: no provider page to visit.
        return settle_from_credit(request, order)
    return redirect_to_payment(request, order=order, provider_id=order.payment_method)


@login_required
def start_quote(request, number):
    """ "ACCETTA IL PREVENTIVO" leads here: the checkout of the quote at its locked prices."""
    quote = QuotePurchase(customer=request.user, number=number)
    problem = quote.problem()
    if problem:
        messages.warning(request, problem)
        return redirect(quote.back_url)
    actions.start_quote_checkout(request=request, quote_number=quote.quote.number)
    actions.prefill_returning_checkout(request)
    flow = CheckoutFlow(request)
    return redirect(flow.first_incomplete().url(flow))


@login_required
def top_up(request):
    """ "Ricarica" on the credit page leads here (?importo=…): the checkout of a top-up, like a
    cart's (billing, payment method, Riepilogo). Without an amount, the top-up checkout already
    under way carries on."""
    state = load_state(request)
    if "importo" in request.GET:
        form = TopUpForm({"amount": request.GET["importo"]})
        if not form.is_valid():
            messages.warning(request, " ".join(str(error) for error in form.errors["amount"]))
            return redirect("credit:account")
        actions.start_top_up_checkout(request=request, amount=form.cleaned_data["amount"])
    elif not state.top_up:
        return redirect("credit:account")
    flow = CheckoutFlow(request)
    problem = flow.source.problem()
    if problem:
        actions.leave_quote_checkout(request)
        messages.warning(request, problem)
        return redirect("credit:account")
    return redirect(flow.first_incomplete().url(flow))
