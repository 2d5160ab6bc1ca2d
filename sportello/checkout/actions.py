"""The only code that changes checkout state: the session's checkout data, and placing the order.

Placing goes through the purchase source (`orders.purchase.PurchaseSource`: the cart, prices
recomputed from the catalogue; or an accepted quote, prices locked), idempotent on the
checkout token; the view then starts the payment.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal

from sportello.accounts.billing import (
    billing_data_from_profile,
    billing_profile_for,
    save_billing_profile,
)
from sportello.accounts.buyer_kind import remember_buyer_kind
from sportello.accounts.forms import BillingForm
from sportello.checkout.queries import (
    last_used_payment_method,
    order_for_checkout_token,
    purchase_source,
)
from sportello.checkout.session import CheckoutState, clear_state, load_state, store_state
from sportello.checkout.settlement import settle_free_order
from sportello.checkout.steps import CheckoutFlow, Step
from sportello.companies.queries import company_billing_data, membership_of
from sportello.contracts.rules import TermsAcceptance
from sportello.orders.purchase import PlacedOrder, PurchaseNotPossible


class CheckoutIncomplete(Exception):
    """A step before the review is not complete (e.g. billing data missing)."""

    def __init__(self, step: Step, url: str):
        self.step = step
        self.url = url
        super().__init__(step.identifier)


class CheckoutExpired(Exception):
    """The posted review belongs to no order and is not the current checkout."""


class CartChanged(Exception):
    """The cart is not what the customer saw on the review page."""


def confirm_billing(*, request, data: Mapping[str, str], save_profile: bool) -> CheckoutState:
    """Keep validated billing data for this checkout; save it to the profile if asked."""
    state = load_state(request)
    state.billing = dict(data)
    store_state(request, state)
    # contract: prices are shown for this buyer's kind from now on.
    remember_buyer_kind(request, data.get("kind", ""), from_billing=True)
    if save_profile:
        save_billing_profile(user=request.user, data=data)
    return state


def choose_payment_method(*, request, provider_id: str) -> CheckoutState:
    state = load_state(request)
    state.payment_method = provider_id
    store_state(request, state)
    return state


def prefill_returning_checkout(request) -> CheckoutState:
    """A returning customer's checkout: their saved billing data and the payment method they
    last used, so "PROCEDI ALL'ACQUISTO" leads straight to the Riepilogo (where both can still
    be changed). Only when both are known and still valid; what this checkout already holds
    is never replaced."""
    state = load_state(request)
    if state.billing and state.payment_method:
        return state
    membership = membership_of(request.user)
    if membership is not None and not membership.can_buy:
        return state
    profile = billing_profile_for(request.user)
    if membership is None and profile is None:
        return state
    method = state.payment_method or last_used_payment_method(request.user)
    # Only a method still offered for this purchase (the prepaid credit must still cover it).
    if method not in {provider.identifier for provider in CheckoutFlow(request).payment_providers}:
        return state
    if not state.billing:
        # A company member buys with the company's data, a private customer with their own.
        if membership is not None:
            saved = company_billing_data(membership.company)
        elif profile is not None:
            saved = billing_data_from_profile(profile)
        else:
            return state
        form = BillingForm(data=saved)
        # The rules may have changed since the data were saved: then the billing step asks.
        if not form.is_valid():
            return state
        state = confirm_billing(request=request, data=form.billing_data(), save_profile=False)
    if not state.payment_method:
        state = choose_payment_method(request=request, provider_id=method)
    return state


def start_quote_checkout(*, request, quote_number: str) -> CheckoutState:
    """Buy an accepted quote instead of the cart: its own token, the billing data kept."""
    state = load_state(request)
    if state.quote != quote_number or state.top_up:
        state.quote = quote_number
        state.top_up = ""
        state.token = ""
        store_state(request, state)
    return state


def start_top_up_checkout(*, request, amount: Decimal) -> CheckoutState:
    """Buy prepaid credit ("Ricarica") instead of the cart: its own token, the billing data
    kept. The amount was validated by the credit page's form; the purchase source checks it
    again when the order is placed."""
    state = load_state(request)
    if state.top_up != str(amount) or state.quote:
        state.top_up = str(amount)
        state.quote = ""
        state.token = ""
        store_state(request, state)
    return state


def leave_quote_checkout(request) -> None:
    """Back to buying the cart ("PROCEDI ALL'ACQUISTO", or the quote or the top-up can no
    longer be bought)."""
    state = load_state(request)
    if state.quote or state.top_up:
        state.quote = ""
        state.top_up = ""
        state.token = ""
        store_state(request, state)


def ensure_checkout_token(request) -> uuid.UUID:
    """The token of this checkout, created the first time the review is shown.

    Every "COMPLETA L'ACQUISTO" posted from a review of this checkout carries it, so a double
    click or a re-post finds the order already placed instead of placing another.
    """
    state = load_state(request)
    token = state.checkout_token
    if token is None:
        token = uuid.uuid4()
        state.token = str(token)
        store_state(request, state)
    return token


def complete_purchase(
    *,
    request,
    token: uuid.UUID,
    seen_cart_version: str,
    acceptance: TermsAcceptance | None = None,
) -> PlacedOrder:
    """ "COMPLETA L'ACQUISTO": place the order from what this checkout buys (the cart or an
    accepted quote), once per checkout token, with the terms `acceptance` given at the
    Riepilogo (version, time, the consumer's early-start request) stored on the order.

    Nothing posted is trusted but the token and the fingerprint: the billing data and payment
    method come from this checkout's session state, the amounts from the source. Starting the
    payment is the caller's next step, for a new order only (`PlacedOrder.is_new`): the other
    requests of a double submit get the same order with is_new=False, whichever check they
    reach when the first request has placed it.
    Raises CheckoutIncomplete, CheckoutExpired, CartChanged or PurchaseNotPossible; none of
    them changes anything.
    """
    customer = request.user
    existing = order_for_checkout_token(customer=customer, token=token)
    if existing is not None:
        return PlacedOrder(order=existing, is_new=False)
    try:
        placed = _place(request, token, seen_cart_version, acceptance)
    except (CheckoutExpired, CartChanged, PurchaseNotPossible):
        # A request of a double submit that lost the race sees an emptied cart, an ordered
        # quote or a cleared checkout: the order placed with its token is its answer.
        existing = order_for_checkout_token(customer=customer, token=token)
        if existing is not None:
            return PlacedOrder(order=existing, is_new=False)
        raise
    if placed.is_new:
        settle_free_order(order=placed.order, actor=customer)
        clear_state(request)
    return placed


def _place(
    request, token: uuid.UUID, seen_version: str, acceptance: TermsAcceptance | None
) -> PlacedOrder:
    state = load_state(request)
    if state.checkout_token != token:
        raise CheckoutExpired(str(token))
    flow = CheckoutFlow(request, state)
    blocking = flow.blocking_step("review")
    if blocking is not None:
        raise CheckoutIncomplete(blocking, blocking.url(flow))
    source = purchase_source(request, state)
    # Refused with the source's own message (a quote past its validity is recorded expired).
    source.check_purchasable()
    if source.fingerprint() != seen_version:
        raise CartChanged()
    return source.place_order(
        customer=request.user,
        billing=state.billing,
        payment_method=state.payment_method,
        checkout_token=token,
        acceptance=acceptance,
    )
