"""The only code that changes checkout state: the session's checkout data, and placing the order.

Placing goes through `sportello.orders.actions.place_order` (prices recomputed from the cart
on the server, idempotent on the checkout token); the view then starts the payment.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sportello.accounts.billing import save_billing_profile
from sportello.accounts.buyer_kind import remember_buyer_kind
from sportello.cart.models import CartKind
from sportello.cart.queries import cart_for_request, priced_cart
from sportello.checkout.queries import cart_problem, cart_version, order_for_checkout_token
from sportello.checkout.session import CheckoutState, clear_state, load_state, store_state
from sportello.checkout.steps import CheckoutFlow, Step
from sportello.contracts.rules import TermsAcceptance
from sportello.orders.actions import CartNotReady, mark_paid, place_order
from sportello.orders.models import Order


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


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    # False when the token already had an order (double click, re-post): pay or show that one.
    is_new: bool


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


def start_quote_checkout(*, request, quote_number: str) -> CheckoutState:
    """Buy an accepted quote instead of the cart: its own token, the billing data kept."""
    state = load_state(request)
    if state.quote != quote_number:
        state.quote = quote_number
        state.token = ""
        store_state(request, state)
    return state


def leave_quote_checkout(request) -> None:
    """Back to buying the cart ("PROCEDI ALL'ACQUISTO", or the quote can no longer be bought)."""
    state = load_state(request)
    if state.quote:
        state.quote = ""
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
    """ "COMPLETA L'ACQUISTO": place the order from the cart, once per checkout token.

    Nothing posted is trusted but the token and the cart fingerprint: the billing data and
    payment method come from this checkout's session state, the amounts from the catalogue.
    Starting the payment is the caller's next step (`order.payment_method`).
    Raises CheckoutIncomplete, CheckoutExpired, CartChanged or CartNotReady; none of them
    changes anything.
    """
    customer = request.user
    existing = order_for_checkout_token(customer=customer, token=token)
    if existing is not None:
        return PlacedOrder(order=existing, is_new=False)
    state = load_state(request)
    if state.checkout_token != token:
        raise CheckoutExpired(str(token))
    flow = CheckoutFlow(request, state)
    blocking = flow.blocking_step("review")
    if blocking is not None:
        raise CheckoutIncomplete(blocking, blocking.url(flow))
    if state.quote:
        return _complete_quote_purchase(request, state, token, seen_cart_version, acceptance)
    cart = cart_for_request(request, CartKind.PURCHASE)
    priced = priced_cart(cart)
    problem = cart_problem(priced)
    if problem:
        raise CartNotReady(problem)
    if cart_version(priced) != seen_cart_version:
        raise CartChanged()
    order = place_order(
        customer=customer,
        cart=cart,
        billing=state.billing,
        payment_method=state.payment_method,
        checkout_token=token,
        acceptance=acceptance,
    )
    _confirm_if_free(order, customer)
    clear_state(request)
    return PlacedOrder(order=order, is_new=True)


def _confirm_if_free(order: Order, customer) -> None:
    """An order of services priced 0,00 € has nothing to pay: no provider takes a payment of
    zero, so it is paid as placed (confirmation e-mail included)."""
    if order.total_gross == 0 and order.is_awaiting_payment:
        mark_paid(order=order, actor=customer, note="Nessun importo da pagare")


def _complete_quote_purchase(
    request,
    state: CheckoutState,
    token: uuid.UUID,
    seen_version: str,
    acceptance: TermsAcceptance | None = None,
) -> PlacedOrder:
    """The order of an accepted quote, at the prices it locked (quotes.actions decides).

    Raises CartChanged if staff sent a new version after the review was shown, and
    quotes.actions.QuoteNotAcceptable (or QuoteExpired) when the quote cannot be bought.
    """
    from sportello.quotes.actions import place_order_for_quote
    from sportello.quotes.checkout import quote_for_checkout, quote_review

    quote = quote_for_checkout(customer=request.user, number=state.quote)
    if quote_review(quote).version != seen_version:
        raise CartChanged()
    order = place_order_for_quote(
        quote=quote,
        customer=request.user,
        billing=state.billing,
        payment_method=state.payment_method,
        checkout_token=token,
        acceptance=acceptance,
    )
    _confirm_if_free(order, request.user)
    clear_state(request)
    return PlacedOrder(order=order, is_new=True)
